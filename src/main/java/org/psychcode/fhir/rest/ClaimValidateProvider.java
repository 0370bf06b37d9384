package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/** {@code Claim/$validate}: profiles and every billing rule, answered as one OperationOutcome. */
@Component
class ClaimValidateProvider implements IResourceProvider {

  private final ValidateOperation operation;

  ClaimValidateProvider(ValidateOperation operation) {
    this.operation = operation;
  }

  @Override
  public Class<Claim> getResourceType() {
    return Claim.class;
  }

  @Validate
  public MethodOutcome validate(
      @IdParam(optional = true) IdType id,
      @ResourceParam Claim resource,
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      @Validate.Mode ValidationModeEnum mode,
      @Validate.Profile String profile,
      RequestDetails request) {
    return operation.validate("Claim", id, resource, body, encoding, ValidationModes.of(mode, request), profile);
  }
}
