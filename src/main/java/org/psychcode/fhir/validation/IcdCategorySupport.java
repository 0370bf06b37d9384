package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import java.util.regex.Pattern;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.IndexedConcept;

/**
 * The published ICD-10-CM fragment holds chapter 5 categories (F41), and a billable code (F41.1) belongs to
 * the category of its first three characters (terminology/README.md). This support lets the profile
 * validator accept a billable code whose category is published, and count it a member of every value set
 * its category belongs to, instead of warning on every real diagnosis; a code whose category is not published
 * is left to the fragment's usual "unknown code" warning.
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

  /** Any value set may hold ICD-10-CM categories; for other codes this support answers nothing and the chain goes on. */
  @Override
  public boolean isValueSetSupported(ValidationSupportContext context, String url) {
    return icd != null;
  }

  @Override
  public CodeValidationResult validateCode(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      String valueSetUrl) {
    Optional<IndexedConcept> category = category(system, code);
    if (category.isEmpty()) {
      return null;
    }
    if (valueSetUrl != null) {
      CodeValidationResult member =
          context.getRootValidationSupport()
              .validateCode(context, options, system, category.get().code(), null, valueSetUrl);
      if (member == null || !member.isOk()) {
        return member;
      }
    }
    return accepted(code, display, category.get());
  }

  @Override
  public CodeValidationResult validateCodeInValueSet(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      IBaseResource valueSet) {
    Optional<IndexedConcept> category = category(system, code);
    if (category.isEmpty()) {
      return null;
    }
    CodeValidationResult member =
        context.getRootValidationSupport()
            .validateCodeInValueSet(context, options, system, category.get().code(), null, valueSet);
    return member == null || !member.isOk() ? member : accepted(code, display, category.get());
  }

  /** The published category of a billable code below it (F41 for F41.1); empty for a category itself. */
  private Optional<IndexedConcept> category(String system, String code) {
    CodeSystemIndex published = icd;
    if (published == null || !Systems.ICD_10_CM.equals(system) || code == null || code.length() == 3
        || !BILLABLE.matcher(code).matches()) {
      return Optional.empty();
    }
    return published.concept(code.substring(0, 3));
  }

  private CodeValidationResult accepted(String code, String display, IndexedConcept category) {
    return new CodeValidationResult()
        .setCode(code)
        .setCodeSystemVersion(icd.version())
        .setDisplay(display != null ? display : category.display());
  }
}
