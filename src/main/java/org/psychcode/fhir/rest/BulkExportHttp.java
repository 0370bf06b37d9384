package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.export.BulkExports;
import org.psychcode.fhir.export.ExportFile;
import org.psychcode.fhir.export.ExportJob;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreAccess;
import org.psychcode.fhir.store.StoreErrors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The HTTP side of bulk export, as the HL7 Bulk Data Access IG (v2) defines it, for the three kick-offs
 * ({@code $export}, {@code Patient/$export}, {@code Group/<id>/$export}), the status URL
 * ({@code $export-poll-status?_jobId=}) and the files ({@code $export-file?_jobId=&file=}).
 *
 * <ul>
 *   <li>Kick-off (GET, or POST with a Parameters body): {@code Prefer: respond-async} is required; {@code _type},
 *       {@code _since}, {@code _outputFormat} (application/fhir+ndjson, application/ndjson, ndjson) and, at Patient and
 *       Group level by POST, {@code patient}. Any other parameter ({@code _elements}, {@code _typeFilter},
 *       {@code includeAssociatedData}, ...), and a type the server does not store (or, at Patient and Group level, one
 *       outside the Patient compartment), is a 400 with an OperationOutcome, unless {@code Prefer: handling=lenient}:
 *       then it is left out and said in the error file. Answer: 202 with {@code Content-Location} the status URL.
 *   <li>Status: 202 with {@code X-Progress} and {@code Retry-After} while the job runs; 200 with the manifest
 *       ({@code application/json}: transactionTime, request, requiresAccessToken, output, deleted with {@code _since},
 *       error) and {@code Expires} when it is done; 500 with an OperationOutcome when it failed; 404 for a job that is
 *       not (or no longer) there. DELETE: 202, the job cancelled and its files gone; then 404.
 *   <li>File: 200 {@code application/fhir+ndjson}, one resource a line, streamed from the store.
 * </ul>
 *
 * Every exported type passes the store's access check as an {@link Interaction#EXPORT} at the kick-off, and the file's
 * type again at each download.
 */
@Component
class BulkExportHttp {

  static final String STATUS = "$export-poll-status";
  static final String FILE = "$export-file";
  private static final Set<String> SUPPORTED = Set.of("_type", "_since", "_outputFormat", "patient");
  private static final Set<String> FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final BulkExports exports;
  private final ResourceStore store;
  private final OperationInputs inputs;
  private final FhirContext ctx;
  private final boolean securityEnabled;
  private final ObjectMapper json = new ObjectMapper();

  BulkExportHttp(
      BulkExports exports,
      ResourceStore store,
      OperationInputs inputs,
      FhirContext ctx,
      @Value("${psychcode.security.enabled:false}") boolean securityEnabled) {
    this.exports = exports;
    this.store = store;
    this.inputs = inputs;
    this.ctx = ctx;
    this.securityEnabled = securityEnabled;
  }

  // ---- kick-off ---------------------------------------------------------------------------------------------

  /** A kick-off: {@code kind} is system, patient or group ({@code groupId} then names the Group). */
  void kickOff(String kind, String groupId, RequestDetails rd, HttpServletResponse response) throws IOException {
    String prefer = String.join(",", rd.getHeaders("Prefer"));
    if (!prefer.toLowerCase(Locale.ROOT).contains("respond-async")) {
      throw StoreErrors.invalid("$export runs asynchronously: send the kick-off with the header Prefer: respond-async.");
    }
    boolean lenient = prefer.toLowerCase(Locale.ROOT).replace(" ", "").contains("handling=lenient");
    Map<String, List<String>> given = inputs.all(rd, "$export");
    List<OperationOutcome> ignored = new ArrayList<>();
    for (String name : given.keySet()) {
      if (!SUPPORTED.contains(name) || (name.equals("patient") && (kind.equals("system") || rd.getRequestType() != RequestTypeEnum.POST))) {
        String why =
            name.equals("patient")
                ? "The patient parameter is taken at Patient and Group level, in a POSTed Parameters."
                : "The parameter " + name + " is not supported by this server's $export (it supports _type, _since, _outputFormat and, posted at"
                    + " Patient or Group level, patient).";
        refuseOrNote(lenient, why, ignored);
      }
    }
    for (String format : given.getOrDefault("_outputFormat", List.of())) {
      if (!FORMATS.contains(format.trim())) {
        throw StoreErrors.invalid("_outputFormat " + format + " is not available: this server writes NDJSON (application/fhir+ndjson).");
      }
    }
    Long since = since(given.get("_since"));
    List<String> allowed = kind.equals("system") ? store.types().all().stream().map(t -> t.name()).toList() : exports.compartmentTypes();
    List<String> types = new ArrayList<>();
    for (String list : given.getOrDefault("_type", List.of())) {
      for (String t : list.split(",")) {
        String type = t.trim();
        if (type.isEmpty() || types.contains(type)) {
          continue;
        }
        if (allowed.contains(type)) {
          types.add(type);
        } else if (store.types().isStored(type)) {
          refuseOrNote(lenient, type + " is not in the Patient compartment, so a " + kind + "-level export does not hold it.", ignored);
        } else {
          refuseOrNote(lenient, type + " is not a resource type this server stores; it stores " + String.join(", ", allowed) + ".", ignored);
        }
      }
    }
    if (!given.containsKey("_type") || (types.isEmpty() && ignored.isEmpty())) {
      allowed.stream().filter(t -> !BulkExports.ONLY_WHEN_ASKED.contains(t)).forEach(types::add);
    }
    Set<String> patients = new LinkedHashSet<>();
    if (kind.equals("group")) {
      Group group =
          (Group)
              store.current("Group", groupId).orElseThrow(
                  () -> new ResourceNotFoundException("Group/" + groupId + " is not known to this server.", StoreErrors.outcome(IssueType.NOTFOUND, "Group/" + groupId + " is not known to this server.", null)));
      for (Group.GroupMemberComponent m : group.getMember()) {
        String ref = m.getEntity().getReference();
        if (!m.getInactive() && ref != null && ref.matches("(?:.*/)?Patient/[A-Za-z0-9\\-.]{1,64}")) {
          patients.add(ref.substring(ref.lastIndexOf('/') + 1));
        }
      }
    }
    if (!kind.equals("system") && rd.getRequestType() == RequestTypeEnum.POST) {
      Set<String> asked = new LinkedHashSet<>();
      for (String ref : given.getOrDefault("patient", List.of())) {
        if (!ref.matches("(?:.*/)?Patient/[A-Za-z0-9\\-.]{1,64}")) {
          throw StoreErrors.invalid("patient " + ref + " is not a reference to a Patient (Patient/<id>).");
        }
        asked.add(ref.substring(ref.lastIndexOf('/') + 1));
      }
      if (!asked.isEmpty()) {
        if (kind.equals("group")) {
          patients.retainAll(asked);
        } else {
          patients.addAll(asked);
        }
      }
    }
    Set<String> compartments = new LinkedHashSet<>();
    patients.forEach(p -> compartments.add("Patient/" + p));
    for (String type : types) {
      store.check(new StoreAccess(Interaction.EXPORT, type, null, null, compartments, Map.copyOf(rd.getParameters()), rd));
    }
    String id = exports.start(new BulkExports.KickOff(kind, groupId, types, since, patients, rd.getCompleteUrl(), ignored));
    response.setStatus(202);
    response.setHeader("Content-Location", statusUrl(rd, id));
    writeOutcome(response, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, "The export has started; poll " + statusUrl(rd, id) + " for its files.");
  }

  private void refuseOrNote(boolean lenient, String text, List<OperationOutcome> notes) {
    if (!lenient) {
      throw StoreErrors.invalid(text + " (With Prefer: handling=lenient it is left out instead.)");
    }
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.NOTSUPPORTED).setDiagnostics(text).getDetails().setText(text + " It was left out of this export.");
    notes.add(oo);
  }

  private static Long since(List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw StoreErrors.invalid("$export takes one _since, not " + values.size() + ".");
    }
    String v = values.get(0).trim();
    try {
      DateTimeType t = new DateTimeType(v);
      if (t.getValue() == null) {
        throw new DataFormatException(v);
      }
      return t.getValue().getTime();
    } catch (DataFormatException | IllegalArgumentException e) {
      throw StoreErrors.invalid("_since '" + v + "' is not a FHIR instant (e.g. 2025-01-01T00:00:00Z).");
    }
  }

  private static String statusUrl(RequestDetails rd, String id) {
    return rd.getFhirServerBase() + "/" + STATUS + "?_jobId=" + id;
  }

  // ---- status -----------------------------------------------------------------------------------------------

  void status(RequestDetails rd, HttpServletResponse response) throws IOException {
    String id = jobId(rd);
    if (rd.getRequestType() == RequestTypeEnum.DELETE) {
      if (!exports.delete(id)) {
        throw notFound(id);
      }
      response.setStatus(202);
      writeOutcome(response, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, "Export " + id + " is cancelled and its files removed.");
      return;
    }
    ExportJob job = exports.job(id).orElseThrow(() -> notFound(id));
    switch (job.state()) {
      case ACCEPTED, RUNNING -> {
        response.setStatus(202);
        response.setHeader("X-Progress", job.progress() == null ? "In progress" : job.progress());
        response.setHeader("Retry-After", Integer.toString(exports.properties().retryAfterSeconds()));
      }
      case FAILED -> {
        response.setStatus(500);
        writeOutcome(response, IssueSeverity.ERROR, IssueType.EXCEPTION, job.failure() == null ? "The export failed." : job.failure());
      }
      case COMPLETE -> manifest(rd, job, response);
    }
  }

  private void manifest(RequestDetails rd, ExportJob job, HttpServletResponse response) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transactionTime", new InstantType(new java.util.Date(job.transactionTime())).getValueAsString());
    m.put("request", job.requestUrl());
    m.put("requiresAccessToken", exports.properties().requiresAccessToken() != null ? exports.properties().requiresAccessToken() : securityEnabled);
    List<Map<String, Object>> output = new ArrayList<>();
    List<Map<String, Object>> deleted = new ArrayList<>();
    List<Map<String, Object>> error = new ArrayList<>();
    for (ExportFile f : exports.files(job.id())) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", ExportFile.DELETED.equals(f.kind()) ? "Bundle" : f.type());
      entry.put("url", rd.getFhirServerBase() + "/" + FILE + "?_jobId=" + job.id() + "&file=" + f.number());
      entry.put("count", f.resources());
      (ExportFile.OUTPUT.equals(f.kind()) ? output : ExportFile.DELETED.equals(f.kind()) ? deleted : error).add(entry);
    }
    m.put("output", output);
    if (job.since() != null) {
      m.put("deleted", deleted);
    }
    m.put("error", error);
    response.setStatus(200);
    response.setContentType("application/json;charset=utf-8");
    response.setHeader("Expires", HTTP_DATE.format(Instant.ofEpochMilli(job.expires())));
    try (OutputStream out = response.getOutputStream()) {
      json.writerWithDefaultPrettyPrinter().writeValue(out, m);
    }
  }

  // ---- files ------------------------------------------------------------------------------------------------

  void file(RequestDetails rd, HttpServletResponse response) throws IOException {
    String id = jobId(rd);
    String[] numbers = rd.getParameters().get("file");
    int number;
    try {
      number = Integer.parseInt(numbers == null || numbers.length != 1 ? "" : numbers[0]);
    } catch (NumberFormatException e) {
      throw StoreErrors.invalid(FILE + " takes the file's number: the url the manifest gives.");
    }
    ExportJob job = exports.job(id).filter(j -> j.state() == ExportJob.State.COMPLETE).orElseThrow(() -> notFound(id));
    ExportFile file = exports.file(id, number).orElseThrow(() -> notFound(id + " file " + number));
    if (store.types().isStored(file.type())) {
      store.check(new StoreAccess(Interaction.EXPORT, file.type(), null, null, Set.of(), Map.copyOf(rd.getParameters()), rd));
    }
    store.readInBulk(Interaction.EXPORT, file.type(), rd);
    response.setStatus(200);
    response.setContentType("application/fhir+ndjson;charset=utf-8");
    try (OutputStream out = new BufferedOutputStream(response.getOutputStream(), 64 * 1024)) {
      exports.write(job, file, out);
    }
  }

  private static String jobId(RequestDetails rd) {
    String[] ids = rd.getParameters().get("_jobId");
    if (ids == null || ids.length != 1 || ids[0].isBlank()) {
      throw StoreErrors.invalid("Name the export with _jobId: the status URL the kick-off answered gives it.");
    }
    return ids[0];
  }

  private static BaseServerResponseException notFound(String what) {
    String text = "Export " + what + " is not known to this server: it was never started, was cancelled, or has expired.";
    return new ResourceNotFoundException(text, StoreErrors.outcome(IssueType.NOTFOUND, text, null));
  }

  private void writeOutcome(HttpServletResponse response, IssueSeverity severity, IssueType type, String text) throws IOException {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(severity).setCode(type).setDiagnostics(text).getDetails().setText(text);
    response.setContentType("application/fhir+json;charset=utf-8");
    try (OutputStream out = response.getOutputStream()) {
      out.write(ctx.newJsonParser().encodeResourceToString(oo).getBytes(StandardCharsets.UTF_8));
    }
  }
}
