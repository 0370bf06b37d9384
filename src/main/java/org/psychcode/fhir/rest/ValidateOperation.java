package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.validation.VisitValidator;
import org.springframework.stereotype.Component;

/**
 * The one {@code $validate} behind the Encounter, Claim and Bundle providers: honours {@code mode} and
 * {@code profile}, hands the resource as posted (or, when it came inside a {@code Parameters}, as re-encoded)
 * to the {@link VisitValidator}, and answers 200 with the OperationOutcome.
 */
@Component
class ValidateOperation {

  private static final java.util.Set<String> MODES = java.util.Set.of("create", "update", "delete", "profile");

  private final VisitValidator validator;
  private final ResourceStore store;

  ValidateOperation(VisitValidator validator, ResourceStore store) {
    this.validator = validator;
    this.store = store;
  }

  MethodOutcome validate(
      String type, IIdType id, IBaseResource resource, String body, EncodingEnum encoding, String modeCode, String profile) {
    String mode = blankToNull(modeCode);
    if (mode != null && !MODES.contains(mode)) {
      throw new InvalidRequestException("Unknown $validate mode '" + mode + "': use create, update, delete or profile.");
    }
    if ("profile".equals(mode) && blankToNull(profile) == null) {
      throw new InvalidRequestException("$validate with mode=profile needs the profile parameter.");
    }
    if ("delete".equals(mode)) {
      String target = id != null && id.hasIdPart() ? type + "/" + id.getIdPart() : null;
      java.util.List<String> referencing = target == null ? java.util.List.of() : store.referencing(type, id.getIdPart());
      if (!referencing.isEmpty()) {
        String text = target + " cannot be deleted: " + String.join(", ", referencing) + " reference it.";
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.CONFLICT).setDiagnostics(text).getDetails().setText(text);
        return answer(oo);
      }
      return answer(
          information(
              "Nothing prevents deleting " + (target != null ? target : "this resource") + ": no stored resource references it."));
    }
    if (resource == null) {
      String posted = body == null ? null : PostedBody.rootType(body, encoding);
      throw new InvalidRequestException(
          posted != null && !posted.equals(type) && !posted.equals("Parameters")
              ? type + "/$validate validates " + article(type) + "; the body is " + article(posted) + "."
              : type + "/$validate needs the " + type + ": post it as the body, or as the 'resource' parameter of a Parameters.");
    }
    if ("update".equals(mode) && (resource.getIdElement() == null || !resource.getIdElement().hasIdPart())) {
      throw new InvalidRequestException("$validate with mode=update needs the resource's id.");
    }
    String text = body != null && isResourceItself(body, encoding, resource.fhirType()) ? body : null;
    return answer(validator.validate(resource, text, encoding, blankToNull(profile)));
  }

  private static MethodOutcome answer(OperationOutcome oo) {
    MethodOutcome outcome = new MethodOutcome();
    outcome.setOperationOutcome(oo);
    return outcome;
  }

  private static OperationOutcome information(String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(text).getDetails().setText(text);
    return oo;
  }

  private static String article(String type) {
    return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** True when the posted body is the resource itself rather than a Parameters wrapping it. */
  static boolean isResourceItself(String body, EncodingEnum encoding, String type) {
    String root = PostedBody.rootType(body, encoding);
    return type.equals(root);
  }
}
