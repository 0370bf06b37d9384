package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.Optional;
import java.util.regex.Pattern;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.IndexedConcept;

/**
 * The published ICD-10-CM fragment holds chapter 5 categories (F41), and a billable code (F41.1) belongs to
 * the category of its first three characters (terminology/README.md). This support lets the profile
 * validator accept a billable code whose category is published, instead of warning on every real
 * diagnosis; a code whose category is not published is left to the fragment's usual "unknown code" warning.
 */
final class IcdCategorySupport implements IValidationSupport {

  private static final Pattern BILLABLE = Pattern.compile("[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?");

  private final FhirContext ctx;
  private volatile CodeSystemIndex icd;

  IcdCategorySupport(FhirContext ctx) {
    this.ctx = ctx;
  }

  /** The published ICD-10-CM fragment, once loaded; until then this support answers nothing. */
  void use(CodeSystemIndex icd) {
    this.icd = icd;
  }

  @Override
  public FhirContext getFhirContext() {
    return ctx;
  }

  @Override
  public String getName() {
    return "PsychCode ICD-10-CM categories";
  }

  @Override
  public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
    return icd != null && Systems.ICD_10_CM.equals(system);
  }

  @Override
  public CodeValidationResult validateCode(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      String valueSetUrl) {
    CodeSystemIndex published = icd;
    if (published == null || !Systems.ICD_10_CM.equals(system) || valueSetUrl != null || code == null || !BILLABLE.matcher(code).matches()) {
      return null;
    }
    Optional<IndexedConcept> category = published.concept(code.substring(0, 3));
    if (category.isEmpty() || code.length() == 3) {
      return null;
    }
    return new CodeValidationResult()
        .setCode(code)
        .setCodeSystemVersion(published.version())
        .setDisplay(display != null ? display : category.get().display());
  }
}
