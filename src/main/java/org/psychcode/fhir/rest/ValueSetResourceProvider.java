package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Optional;
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
class ValueSetResourceProvider extends PublishedResourceProvider<ValueSet> {

  private final TerminologyService terminology;
  private final TerminologyRequests requests;

  ValueSetResourceProvider(TerminologyService terminology, TerminologyRequests requests) {
    this.terminology = terminology;
    this.requests = requests;
  }

  @Override
  String versionId() {
    return terminology.registry().contentVersion();
  }

  @Override
  public Class<ValueSet> getResourceType() {
    return ValueSet.class;
  }

  @Override
  Optional<ValueSet> byId(String id) {
    return terminology.registry().valueSetById(id);
  }

  @Override
  List<ValueSet> all() {
    return terminology.registry().valueSets();
  }

  @Operation(name = "$expand", idempotent = true, manualRequest = true)
  public ValueSet expand(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.expand(expandRequest(rd), instance(id)));
  }

  /** {@code $expand} also takes a ValueSet as the POST body itself, its parameters then in the query. */
  private TxRequest expandRequest(RequestDetails rd) throws TxException {
    IBaseResource body = rd.getRequestType() == RequestTypeEnum.POST ? requests.body(rd) : null;
    if (body instanceof ValueSet vs) {
      Parameters p = new Parameters();
      p.addParameter().setName("valueSet").setResource(vs);
      TxRequest.fromQuery(TerminologyRequests.query(rd), null).parameters().getParameter().forEach(p::addParameter);
      return new TxRequest(p, rd.getHeader("Accept-Language"));
    }
    if (body instanceof Parameters p) {
      return new TxRequest(p, rd.getHeader("Accept-Language"));
    }
    if (body != null) {
      throw TerminologyRequests.invalid(
          "Wrong type for resource. Expected Parameters or ValueSet but found " + body.fhirType());
    }
    return TxRequest.fromQuery(TerminologyRequests.query(rd), rd.getHeader("Accept-Language"));
  }

  @Operation(name = "$validate-code", idempotent = true, manualRequest = true)
  public Parameters validateCode(@IdParam(optional = true) IdType id, RequestDetails rd) {
    return answer(() -> terminology.validateCodeInValueSet(requests.from(rd), instance(id)));
  }

  @Operation(name = "$batch-validate-code", manualRequest = true)
  public Parameters batchValidateCode(RequestDetails rd) {
    return answer(() -> terminology.batchValidateCode(requests.from(rd)));
  }
}
