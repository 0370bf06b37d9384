package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The server's terminology engine, in the profile validator's support chain. The chain is built while Spring
 * is still starting (the FHIR core definitions take seconds to convert), before the engine exists; this slot
 * holds the chain's place and answers nothing until {@link #bind} hands it the engine's support. From then on
 * the validator and the terminology API answer every question about a published code from the same place.
 */
final class LateBoundTerminology implements IValidationSupport {

  private final FhirContext ctx;
  private volatile IValidationSupport engine;

  LateBoundTerminology(FhirContext ctx) {
    this.ctx = ctx;
  }

  void bind(IValidationSupport engine) {
    this.engine = engine;
  }

  @Override
  public FhirContext getFhirContext() {
    return ctx;
  }

  @Override
  public String getName() {
    IValidationSupport e = engine;
    return e == null ? "PsychCode terminology (not yet loaded)" : e.getName();
  }

  @Override
  public IBaseResource fetchCodeSystem(String system) {
    IValidationSupport e = engine;
    return e == null ? null : e.fetchCodeSystem(system);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    IValidationSupport e = engine;
    return e == null ? null : e.fetchValueSet(url);
  }

  @Override
  public List<IBaseResource> fetchAllConformanceResources() {
    IValidationSupport e = engine;
    return e == null ? null : e.fetchAllConformanceResources();
  }

  @Override
  public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
    IValidationSupport e = engine;
    return e != null && e.isCodeSystemSupported(context, system);
  }

  @Override
  public boolean isValueSetSupported(ValidationSupportContext context, String url) {
    IValidationSupport e = engine;
    return e != null && e.isValueSetSupported(context, url);
  }

  @Override
  public CodeValidationResult validateCode(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      String valueSetUrl) {
    IValidationSupport e = engine;
    return e == null ? null : e.validateCode(context, options, system, code, display, valueSetUrl);
  }

  @Override
  public CodeValidationResult validateCodeInValueSet(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      IBaseResource valueSet) {
    IValidationSupport e = engine;
    return e == null ? null : e.validateCodeInValueSet(context, options, system, code, display, valueSet);
  }

  @Override
  public LookupCodeResult lookupCode(ValidationSupportContext context, LookupCodeRequest request) {
    IValidationSupport e = engine;
    return e == null ? null : e.lookupCode(context, request);
  }

  @Override
  public ValueSetExpansionOutcome expandValueSet(
      ValidationSupportContext context, ValueSetExpansionOptions options, IBaseResource valueSet) {
    IValidationSupport e = engine;
    return e == null ? null : e.expandValueSet(context, options, valueSet);
  }
}
