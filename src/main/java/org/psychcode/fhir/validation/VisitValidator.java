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
   * The first half of validating what is to be stored, which needs nothing but the text: the posted Encounter or
   * Claim, or the Encounter and Claim entries of a posted Bundle, against their PsychCode profiles. What the validator
   * cannot read at all is refused (400). The billing rules follow with {@link #withRules}, once the request's
   * references are resolved.
   */
  public ProfileFindings checkProfiles(IBaseResource resource, String text, EncodingEnum encoding) {
    ProfileValidator validator = profileValidator();
    String body = text != null ? text : ctx.newJsonParser().encodeResourceToString(resource);
    EncodingEnum bodyEncoding = text != null && encoding != null ? encoding : EncodingEnum.JSON;
    List<ValidationMessage> messages =
        validator.validate(body, bodyEncoding, defaultProfiles(resource), java.util.Set.of("Encounter", "Claim"));
    refuseUnreadable(messages);
    return new ProfileFindings(messages);
  }

  /**
   * The second half: the billing rules over the resource (or Bundle) as it will be stored, its references resolved
   * in the request or the store, and the one OperationOutcome of both halves. Input that cannot be read as a visit
   * is refused (4xx) as {@code $validate} refuses it.
   */
  public OperationOutcome withRules(ProfileFindings profiles, IBaseResource resource) {
    VisitContext visit = reader.read(resource);
    return outcomes.build(profiles.messages(), engine.evaluate(visit), visit);
  }

  /** What the profile validator said of a resource that is to be stored. */
  public static final class ProfileFindings {
    private final List<ValidationMessage> messages;

    ProfileFindings(List<ValidationMessage> messages) {
      this.messages = List.copyOf(messages);
    }

    List<ValidationMessage> messages() {
      return messages;
    }
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
