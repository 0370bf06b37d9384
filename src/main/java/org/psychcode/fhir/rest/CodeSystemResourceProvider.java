package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.TerminologyService;
import org.springframework.stereotype.Component;

/** The published CodeSystems: read, search, and {@code $lookup}, {@code $validate-code}, {@code $subsumes}. */
@Component
class CodeSystemResourceProvider extends PublishedResourceProvider<CodeSystem> {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  CodeSystemResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  String versionId() {
    return terminology.registry().contentVersion();
  }

  @Override
  public Class<CodeSystem> getResourceType() {
    return CodeSystem.class;
  }

  @Override
  Optional<CodeSystem> byId(String id) {
    return terminology.registry().codeSystemResourceById(id);
  }

  @Override
  List<CodeSystem> all() {
    return terminology.registry().codeSystemResources();
  }

  @Operation(name = "$lookup", idempotent = true, manualRequest = true)
  public Parameters lookup(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.lookup(requests.from(rd), index(id)));
  }

  @Operation(name = "$validate-code", idempotent = true, manualRequest = true)
  public Parameters validateCode(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.validateCodeInCodeSystem(requests.from(rd), index(id)));
  }

  @Operation(name = "$subsumes", idempotent = true, manualRequest = true)
  public Parameters subsumes(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.subsumes(requests.from(rd), index(id)));
  }

  private CodeSystemIndex index(IdType id) {
    CodeSystem instance = instance(id);
    return instance == null ? null : terminology.registry().codeSystemById(id.getIdPart()).orElseThrow();
  }
}
