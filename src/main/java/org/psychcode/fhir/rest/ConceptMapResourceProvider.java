package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TxException;
import org.springframework.stereotype.Component;

/** The published ConceptMaps: read, search and {@code $translate}. */
@Component
class ConceptMapResourceProvider implements IResourceProvider {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  ConceptMapResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  public Class<ConceptMap> getResourceType() {
    return ConceptMap.class;
  }

  @Read
  public ConceptMap read(@IdParam IdType id) {
    return terminology
        .registry()
        .conceptMapById(id.getIdPart())
        .map(ConceptMap::copy)
        .orElseThrow(() -> new ResourceNotFoundException(id));
  }

  @Search
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenParam id,
      @OptionalParam(name = "url") UriParam url,
      @OptionalParam(name = "version") TokenParam version,
      @OptionalParam(name = "name") StringParam name,
      @OptionalParam(name = "title") StringParam title,
      @OptionalParam(name = "status") TokenParam status,
      @Offset Integer offset,
      @Count Integer count) {
    CanonicalSearch q = new CanonicalSearch(id, url, version, name, title, status);
    return SearchPages.page(terminology.registry().conceptMaps().stream().filter(q::matches).map(ConceptMap::copy).toList(), offset, count);
  }

  @Operation(name = "$translate", idempotent = true, manualRequest = true)
  public Parameters translate(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      ConceptMap instance = null;
      if (id != null && id.hasIdPart()) {
        instance =
            terminology.registry().conceptMapById(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
      }
      return terminology.translate(requests.from(rd), instance);
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }
}
