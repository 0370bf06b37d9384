package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TxException;
import org.psychcode.fhir.terminology.TxRequest;
import org.springframework.stereotype.Component;

/**
 * The published ValueSets: read, search, {@code $expand}, {@code $validate-code} and
 * {@code $batch-validate-code}.
 */
@Component
class ValueSetResourceProvider implements IResourceProvider {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  ValueSetResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  public Class<ValueSet> getResourceType() {
    return ValueSet.class;
  }

  @Read
  public ValueSet read(@IdParam IdType id) {
    return terminology
        .registry()
        .valueSetById(id.getIdPart())
        .map(ValueSet::copy)
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
    return SearchPages.page(terminology.registry().valueSets().stream().filter(q::matches).map(ValueSet::copy).toList(), offset, count);
  }

  @Operation(name = "$expand", idempotent = true, manualRequest = true)
  public ValueSet expand(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      TxRequest request;
      IBaseResource body = rd.getRequestType() == RequestTypeEnum.POST ? requests.body(rd) : null;
      if (body instanceof ValueSet vs) {
        Parameters p = new Parameters();
        p.addParameter().setName("valueSet").setResource(vs);
        TxRequest.fromQuery(TerminologyRequests.query(rd), null).parameters().getParameter().forEach(p::addParameter);
        request = new TxRequest(p, rd.getHeader("Accept-Language"));
      } else if (body instanceof Parameters p) {
        request = new TxRequest(p, rd.getHeader("Accept-Language"));
      } else if (body != null) {
        throw TerminologyRequests.invalid(
            "Wrong type for resource. Expected Parameters or ValueSet but found " + body.fhirType());
      } else {
        request = TxRequest.fromQuery(TerminologyRequests.query(rd), rd.getHeader("Accept-Language"));
      }
      return terminology.expand(request, instance(id));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  @Operation(name = "$validate-code", idempotent = true, manualRequest = true)
  public Parameters validateCode(@IdParam(optional = true) IdType id, RequestDetails rd) {
    try {
      return terminology.validateCodeInValueSet(requests.from(rd), instance(id));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  @Operation(name = "$batch-validate-code", manualRequest = true)
  public Parameters batchValidateCode(RequestDetails rd) {
    try {
      return terminology.batchValidateCode(requests.from(rd));
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }

  private ValueSet instance(IdType id) {
    if (id == null || !id.hasIdPart()) {
      return null;
    }
    return terminology.registry().valueSetById(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
  }
}
