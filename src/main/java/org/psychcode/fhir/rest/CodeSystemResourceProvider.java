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
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TxException;
import org.springframework.stereotype.Component;

/** The published CodeSystems: read, search, and {@code $lookup}, {@code $validate-code}, {@code $subsumes}. */
@Component
class CodeSystemResourceProvider implements IResourceProvider {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  CodeSystemResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  public Class<CodeSystem> getResourceType() {
    return CodeSystem.class;
  }

  @Read
  public CodeSystem read(@IdParam IdType id) {
    return terminology
        .registry()
        .codeSystemResourceById(id.getIdPart())
        .map(CodeSystem::copy)
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
    return SearchPages.page(terminology.registry().codeSystemResources().stream().filter(q::matches).map(CodeSystem::copy).toList(), offset, count);
  }

  @Operation(name = "$lookup", idempotent = true, manualRequest = true)
  public Parameters lookup(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      return terminology.lookup(requests.from(rd), instance(id));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  @Operation(name = "$validate-code", idempotent = true, manualRequest = true)
  public Parameters validateCode(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      return terminology.validateCodeInCodeSystem(requests.from(rd), instance(id));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  @Operation(name = "$subsumes", idempotent = true, manualRequest = true)
  public Parameters subsumes(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      return terminology.subsumes(requests.from(rd), instance(id));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  private CodeSystemIndex instance(IdType id) {
    if (id == null || !id.hasIdPart()) {
      return null;
    }
    return terminology.registry().codeSystemById(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
  }
}
