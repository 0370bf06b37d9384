package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Measure;
import org.psychcode.fhir.reports.Period;
import org.psychcode.fhir.reports.ReportPeriods;
import org.psychcode.fhir.reports.UtilizationReport;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreAccess;
import org.psychcode.fhir.store.StoreErrors;
import org.psychcode.fhir.validation.ConformanceResources;
import org.springframework.stereotype.Component;

/**
 * The Measures authored in {@code fhir-resources/} (read and search), and
 * {@code Measure/behavioral-health-utilization/$evaluate-measure} over the stored claims ({@link UtilizationReport}): a
 * summary MeasureReport, or the same counts as CSV for {@code Accept: text/csv}. It reads every stored Claim, so it
 * passes the store's access check as a {@link Interaction#REPORT} on Claim.
 */
@Component
class MeasureResourceProvider extends PublishedResourceProvider<Measure> {

  private static final Set<String> ACCEPTED = Set.of("periodStart", "periodEnd", "reportType");

  private final List<Measure> measures;
  private final String versionId;
  private final UtilizationReport utilization;
  private final ResourceStore store;
  private final OperationInputs inputs;

  MeasureResourceProvider(FhirContext ctx, UtilizationReport utilization, ResourceStore store, OperationInputs inputs) {
    this.measures = ConformanceResources.load(ctx, "Measure-*.json", Measure.class);
    this.versionId = contentVersion(ctx, measures);
    this.utilization = utilization;
    this.store = store;
    this.inputs = inputs;
  }

  @Override
  public Class<Measure> getResourceType() {
    return Measure.class;
  }

  @Override
  Optional<Measure> byId(String id) {
    return measures.stream().filter(m -> m.getIdElement().getIdPart().equals(id)).findFirst();
  }

  @Override
  List<Measure> all() {
    return measures;
  }

  @Override
  String versionId() {
    return versionId;
  }

  @Operation(
      name = "$evaluate-measure",
      idempotent = true,
      manualRequest = true,
      manualResponse = true,
      returnParameters = {@OperationParam(name = "return", typeName = "MeasureReport", min = 1, max = 1)})
  public void evaluate(@IdParam IdType id, RequestDetails request, HttpServletResponse response) throws IOException {
    Measure measure = instance(id);
    if (!UtilizationReport.MEASURE.equals(measure.getUrl())) {
      throw new ResourceNotFoundException("Measure/" + id.getIdPart() + " cannot be evaluated here.");
    }
    Map<String, List<String>> given = inputs.read(request, "$evaluate-measure", ACCEPTED, Set.of());
    String start = OperationInputs.first(given, "periodStart");
    String end = OperationInputs.first(given, "periodEnd");
    if (start == null || end == null) {
      throw StoreErrors.invalid("$evaluate-measure needs periodStart and periodEnd: the first and last dates of service counted.");
    }
    String type = OperationInputs.first(given, "reportType");
    if (type != null && !type.equals("summary")) {
      throw StoreErrors.invalid("reportType '" + type + "' is not available: this Measure answers a summary report (reportType=summary).");
    }
    Period period = ReportPeriods.period("periodStart", start, "periodEnd", end);
    store.check(new StoreAccess(Interaction.REPORT, "Claim", null, null, Set.of(), Map.copyOf(request.getParameters()), request));
    UtilizationReport.Report report = utilization.report(period);
    store.readInBulk(Interaction.REPORT, "Claim", request);
    if (wantsCsv(request.getHeader("Accept"))) {
      response.setStatus(200);
      response.setContentType("text/csv;charset=utf-8");
      response.setHeader("Content-Disposition", "inline; filename=\"behavioral-health-utilization-" + period.start() + "-" + period.end() + ".csv\"");
      try (Writer w = new java.io.OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8)) {
        w.write(utilization.csv(report));
      }
      return;
    }
    RestfulServerUtils.streamResponseAsResource(request.getServer(), utilization.measureReport(report), Set.of(), 200, false, false, request);
  }

  /** True when the client asks for CSV before any FHIR format. */
  static boolean wantsCsv(String accept) {
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",")) {
      String type = part.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (type.equals("text/csv")) {
        return true;
      }
      if (type.contains("fhir") || type.contains("json") || type.contains("xml")) {
        return false;
      }
    }
    return false;
  }
}
