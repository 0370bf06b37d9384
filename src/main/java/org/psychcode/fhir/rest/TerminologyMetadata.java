package org.psychcode.fhir.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import java.io.IOException;
import java.util.Set;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.hl7.fhir.r4.model.TerminologyCapabilities;
import org.hl7.fhir.r4.model.TerminologyCapabilities.CapabilityStatementKind;
import org.hl7.fhir.r4.model.TerminologyCapabilities.TerminologyCapabilitiesCodeSystemComponent;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * What the server says about itself: the CapabilityStatement HAPI builds from the providers, completed with the
 * statements it instantiates (terminology server, Bulk Data server), the software release and the authored
 * OperationDefinitions; and the TerminologyCapabilities a client gets from {@code GET /metadata?mode=terminology}.
 */
@Component
@Interceptor
class TerminologyMetadata {

  static final String FEATURE = "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature";
  private static final String TESTS_VERSION = "1.9.0";

  private final TerminologyRegistry registry;
  private final OperationDefinitions operations;
  private final String version;
  private final Date released;

  TerminologyMetadata(
      TerminologyRegistry registry, OperationDefinitions operations, ObjectProvider<BuildProperties> build) {
    this.registry = registry;
    this.operations = operations;
    BuildProperties b = build.getIfAvailable();
    this.version = b != null && b.getVersion() != null ? b.getVersion() : "0.1.0";
    Instant time = b != null && b.getTime() != null ? b.getTime() : Instant.parse("2026-01-01T00:00:00Z");
    this.released = Date.from(time);
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void completeCapabilityStatement(IBaseConformance conformance, RequestDetails rd) {
    if (!(conformance instanceof CapabilityStatement cs)) {
      return;
    }
    cs.setId("psychcode-server");
    cs.getExtension().clear();
    cs.addExtension(feature("http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version", new CodeType(TESTS_VERSION)));
    cs.addExtension(
        feature("http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/CodeSystemAsParameter", new BooleanType(true)));
    cs.setUrl("http://psychcode.org/fhir/CapabilityStatement/psychcode-server");
    cs.setVersion(version);
    cs.setName("PsychCodeFhirServer");
    cs.setTitle("PsychCode FHIR Server");
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setDateElement(new DateTimeType(released, ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, java.util.TimeZone.getTimeZone(ZoneOffset.UTC)));
    cs.setPublisher("PsychCode");
    cs.getInstantiates().clear();
    cs.addInstantiates("http://hl7.org/fhir/CapabilityStatement/terminology-server");
    // system, Patient and Group $export with status polling, NDJSON files, _type and _since (BulkExportHttp)
    cs.addInstantiates("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
    cs.getSoftware().setName("PsychCode FHIR Server").setVersion(version).setReleaseDate(released);
    cs.getImplementation().setDescription("PsychCode FHIR Server: behavioral-health CPT terminology and visit validation");
    cs.getFormat().clear();
    cs.addFormat("application/fhir+json");
    cs.addFormat("application/fhir+xml");
    cs.addFormat("json");
    cs.addFormat("xml");
    for (CapabilityStatementRestComponent rest : cs.getRest()) {
      for (CapabilityStatementRestResourceComponent r : rest.getResource()) {
        for (CapabilityStatementRestResourceOperationComponent op : r.getOperation()) {
          operations.find(r.getType(), op.getName()).ifPresent(d -> op.setDefinition(d.getUrl()));
        }
      }
      for (CapabilityStatementRestResourceOperationComponent op : rest.getOperation()) {
        operations.find(null, op.getName()).ifPresent(d -> op.setDefinition(d.getUrl()));
      }
      for (CapabilityStatement.SystemInteractionComponent i : rest.getInteraction()) {
        if (i.getCode() == CapabilityStatement.SystemRestfulInteraction.TRANSACTION) {
          i.setDocumentation("A transaction Bundle of store interactions: all or nothing");
        } else if (i.getCode() == CapabilityStatement.SystemRestfulInteraction.BATCH) {
          i.setDocumentation("A batch Bundle of store interactions and terminology operation calls, each answered on its own");
        }
      }
    }
  }

  private static Extension feature(String definition, org.hl7.fhir.r4.model.Type value) {
    Extension e = new Extension(FEATURE);
    e.addExtension("definition", new CanonicalType(definition));
    e.addExtension("value", value);
    return e;
  }

  /**
   * {@code GET /metadata?mode=terminology} answers the server's TerminologyCapabilities instead. Hooked where the
   * API documentation is, so that ordinary requests pay for one hook, not two.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
  public boolean terminologyMode(RequestDetails rd) throws IOException {
    if (!"metadata".equals(rd.getRequestPath())) {
      return true;
    }
    String[] mode = rd.getParameters().get("mode");
    if (mode == null || mode.length == 0 || !"terminology".equals(mode[0])) {
      return true;
    }
    RestfulServerUtils.streamResponseAsResource(
        rd.getServer(), terminologyCapabilities(), Set.of(), 200, false, false, rd);
    return false;
  }

  TerminologyCapabilities terminologyCapabilities() {
    TerminologyCapabilities tc = new TerminologyCapabilities();
    tc.setId("psychcode-server");
    tc.setUrl("http://psychcode.org/fhir/TerminologyCapabilities/psychcode-server");
    tc.setVersion(version);
    tc.setName("PsychCodeTerminologyCapabilities");
    tc.setTitle("PsychCode FHIR Server terminology capabilities");
    tc.setStatus(PublicationStatus.ACTIVE);
    tc.setDateElement(new DateTimeType(released, ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, java.util.TimeZone.getTimeZone(ZoneOffset.UTC)));
    tc.setKind(CapabilityStatementKind.INSTANCE);
    tc.getSoftware().setName("PsychCode FHIR Server").setVersion(version);
    for (CodeSystemIndex cs : registry.codeSystems()) {
      TerminologyCapabilitiesCodeSystemComponent entry =
          tc.getCodeSystem().stream().filter(c -> c.getUri().equals(cs.url())).findFirst().orElse(null);
      if (entry == null) {
        entry = tc.addCodeSystem().setUri(cs.url());
      }
      if (cs.version() != null) {
        entry.addVersion().setCode(cs.version());
      }
    }
    tc.getExpansion().setHierarchical(true).setPaging(true).setIncomplete(false);
    operations.byId("ValueSet-expand").ifPresent(od -> od.getParameter().stream()
        .filter(p -> p.getUse() == OperationParameterUse.IN && !"0".equals(p.getMax()))
        .map(p -> p.getName())
        .sorted()
        .forEach(name -> tc.getExpansion().addParameter().setName(name)));
    tc.getExpansion().setTextFilter("Matches words of the code, display and designations that start with the text");
    tc.getValidateCode().setTranslations(false);
    tc.getTranslation().setNeedsMap(false);
    return tc;
  }
}
