package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.psychcode.fhir.rules.Systems;

/**
 * DESIGN accepts HCPCS under its {@code http://} URL (THO 1.0.2, CARIN drafts) as the same system on input. The
 * rules and the terminology operations read it so; this support makes the profile validator agree, by checking a
 * code of the {@code http://} form as the published {@code https://} system, alone and in a ValueSet, instead of
 * warning that the system is unknown and the code outside every HCPCS ValueSet.
 */
final class HcpcsAliasSupport implements IValidationSupport {

  private final FhirContext ctx;

  HcpcsAliasSupport(FhirContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public FhirContext getFhirContext() {
    return ctx;
  }

  @Override
  public String getName() {
    return "PsychCode HCPCS http:// alias";
  }

  @Override
  public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
    return Systems.HCPCS_HTTP.equals(system);
  }

  @Override
  public boolean isValueSetSupported(ValidationSupportContext context, String valueSetUrl) {
    return true;
  }

  @Override
  public CodeValidationResult validateCode(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      String valueSetUrl) {
    if (!Systems.HCPCS_HTTP.equals(system)) {
      return null;
    }
    return context.getRootValidationSupport().validateCode(context, options, Systems.HCPCS, code, display, valueSetUrl);
  }

  @Override
  public CodeValidationResult validateCodeInValueSet(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      IBaseResource valueSet) {
    if (!Systems.HCPCS_HTTP.equals(system)) {
      return null;
    }
    return context.getRootValidationSupport().validateCodeInValueSet(context, options, Systems.HCPCS, code, display, valueSet);
  }
}
