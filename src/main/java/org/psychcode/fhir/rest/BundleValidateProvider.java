package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/** {@code Bundle/$validate}: profiles and every billing rule, answered as one OperationOutcome. */
@Component
class BundleValidateProvider implements IResourceProvider {

  private final ValidateOperation operation;

  BundleValidateProvider(ValidateOperation operation) {
    this.operation = operation;
  }

  @Override
  public Class<Bundle> getResourceType() {
    return Bundle.class;
  }

  @Validate
  public MethodOutcome validate(
      @IdParam(optional = true) IdType id,
      @ResourceParam Bundle resource,
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      @Validate.Mode ValidationModeEnum mode,
      @Validate.Profile String profile,
      RequestDetails request) {
    return operation.validate("Bundle", id, resource, body, encoding, ValidationModes.of(mode, request), profile);
  }
}
