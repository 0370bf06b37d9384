package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.terminology.TerminologyService;
import org.springframework.stereotype.Component;

/** The published ConceptMaps: read, search and {@code $translate}. */
@Component
class ConceptMapResourceProvider extends PublishedResourceProvider<ConceptMap> {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  ConceptMapResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  String versionId() {
    return terminology.registry().contentVersion();
  }

  @Override
  public Class<ConceptMap> getResourceType() {
    return ConceptMap.class;
  }

  @Override
  Optional<ConceptMap> byId(String id) {
    return terminology.registry().conceptMapById(id);
  }

  @Override
  List<ConceptMap> all() {
    return terminology.registry().conceptMaps();
  }

  @Operation(name = "$translate", idempotent = true, manualRequest = true)
  public Parameters translate(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.translate(requests.from(rd), instance(id)));
  }
}
