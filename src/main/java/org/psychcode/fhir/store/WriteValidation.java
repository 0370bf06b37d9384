package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.psychcode.fhir.store.StoreProperties.Validation;
import org.psychcode.fhir.validation.VisitValidator;
import org.psychcode.fhir.validation.VisitValidator.ProfileFindings;
import org.springframework.stereotype.Component;

/**
 * Validation on write ({@code psychcode.store.validation}): every created or updated Encounter and Claim, alone or in
 * a Bundle, is validated as {@code $validate} would validate it. In two halves, so that the costly one holds no
 * database connection: the profiles, from the text as posted, before the database transaction; the billing rules,
 * inside it, once the request's references are resolved (the Bundle's other entries and the store are the context).
 * Under {@code enforce} an error finding is a 422 with the OperationOutcome, and the transaction rolls back.
 */
@Component
public class WriteValidation {

  static final Set<String> VALIDATED = Set.of("Encounter", "Claim");

  private final VisitValidator validator;
  private final Validation mode;

  WriteValidation(VisitValidator validator, StoreProperties properties) {
    this.validator = validator;
    this.mode = properties.validationMode();
  }

  public Validation mode() {
    return mode;
  }

  /** True when this resource (or Bundle) holds something validated on write. */
  public boolean applies(IBaseResource resource) {
    if (mode == Validation.OFF) {
      return false;
    }
    if (resource instanceof Bundle b) {
      return b.getEntry().stream().anyMatch(e -> e.getResource() != null && VALIDATED.contains(e.getResource().fhirType()));
    }
    return VALIDATED.contains(resource.fhirType());
  }

  /** The first half, before the database transaction; null when nothing is validated. */
  public ProfileFindings profiles(IBaseResource resource, String text, EncodingEnum encoding) {
    return applies(resource) ? validator.checkProfiles(resource, text, encoding) : null;
  }

  /** The first half whatever the mode: {@code Claim/$submit} always judges the claim. */
  ProfileFindings profilesAlways(IBaseResource resource, String text, EncodingEnum encoding) {
    return validator.checkProfiles(resource, text, encoding);
  }

  /**
   * The second half, inside the transaction, on the resource (or Bundle) as it will be stored. Answers the outcome
   * for the client (null when nothing was validated); under {@code enforce} an error finding throws 422.
   */
  public OperationOutcome rules(ProfileFindings profiles, IBaseResource resource) {
    return rules(profiles, resource, true);
  }

  /** As {@link #rules(ProfileFindings, IBaseResource)}; with {@code refuse} false an error finding is only reported. */
  OperationOutcome rules(ProfileFindings profiles, IBaseResource resource, boolean refuse) {
    if (profiles == null) {
      return null;
    }
    OperationOutcome outcome = validator.withRules(profiles, resource);
    if (refuse && mode == Validation.ENFORCE && hasError(outcome)) {
      throw new UnprocessableEntityException(
          "The " + resource.fhirType() + " was not stored: validation found errors (see the OperationOutcome).", outcome);
    }
    return outcome;
  }

  static boolean hasError(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .anyMatch(i -> i.getSeverity() == IssueSeverity.ERROR || i.getSeverity() == IssueSeverity.FATAL);
  }
}
