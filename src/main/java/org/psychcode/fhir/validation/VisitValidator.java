package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.psychcode.fhir.rules.BillingRuleEngine;
import org.psychcode.fhir.rules.Finding;
import org.psychcode.fhir.rules.VisitContext;

/**
 * Validates one posted Encounter, Claim or Bundle: reads it as a visit (refusing what cannot be read), checks
 * it against the profiles and runs every billing rule, and answers one OperationOutcome. The profile
 * validator is built in the background at start-up; a request that arrives first waits for it.
 */
public class VisitValidator {

  private final FhirContext ctx;
  private final VisitReader reader;
  private final ProfileValidatorBuild profiles;
  private final BillingRuleEngine engine;
  private final OutcomeFactory outcomes = new OutcomeFactory();

  VisitValidator(FhirContext ctx, VisitReader reader, ProfileValidatorBuild profiles, BillingRuleEngine engine) {
    this.ctx = ctx;
    this.reader = reader;
    this.profiles = profiles;
    this.engine = engine;
  }

  /**
   * @param text the resource as posted (JSON or XML), or null to validate its JSON encoding
   * @param profile a profile to validate against instead of the PsychCode profile of the resource type
   */
  public OperationOutcome validate(IBaseResource resource, String text, EncodingEnum encoding, String profile) {
    VisitContext visit = reader.read(resource);
    ProfileValidator validator = profileValidator();
    if (profile != null && !validator.knowsProfile(profile)) {
      throw BadRequests.invalid(null, IssueType.NOTFOUND, "The profile " + profile + " is not known to this server.");
    }
    List<String> profileUrls = profile != null ? List.of(profile) : defaultProfiles(resource);
    String body = text != null ? text : ctx.newJsonParser().encodeResourceToString(resource);
    EncodingEnum bodyEncoding = text != null && encoding != null ? encoding : EncodingEnum.JSON;
    List<ValidationMessage> messages = validator.validate(body, bodyEncoding, profileUrls);
    refuseUnreadable(messages);
    List<Finding> findings = engine.evaluate(visit);
    return outcomes.build(messages, findings, visit);
  }

  /**
   * HAPI's parser is lenient where the validator's is not (a DOCTYPE with internal entities, an XML root outside the
   * FHIR namespace): what the validator cannot parse at all is bad input, not a finding.
   */
  private static void refuseUnreadable(List<ValidationMessage> messages) {
    for (ValidationMessage m : messages) {
      if (m.getLevel() == ValidationMessage.IssueSeverity.FATAL) {
        String location = m.getLocation();
        String expression = location == null || location.isBlank() || location.startsWith("(") ? null : OutcomeFactory.expression(location);
        throw BadRequests.invalid(expression, IssueType.STRUCTURE, "The request body cannot be read: " + m.getMessage());
      }
    }
  }

  private static List<String> defaultProfiles(IBaseResource resource) {
    if (resource instanceof Encounter) {
      return List.of(ProfileValidator.ENCOUNTER_PROFILE);
    }
    if (resource instanceof Claim) {
      return List.of(ProfileValidator.CLAIM_PROFILE);
    }
    return List.of();
  }

  VisitReader reader() {
    return reader;
  }

  ProfileValidator profileValidator() {
    return profiles.get();
  }
}
