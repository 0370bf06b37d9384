package org.psychcode.fhir.validation;

import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.psychcode.fhir.rules.Finding;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.rules.VisitContext;

/**
 * Turns profile messages and billing-rule findings into the one OperationOutcome DESIGN's "Validation answer"
 * describes: a billing finding carries {@code business-rule}, its rule id as {@code details.coding[0]} and a
 * biller's sentence; a profile message keeps its own issue type and the validator's message id.
 */
final class OutcomeFactory {

  static final String MESSAGE_ID_SYSTEM = "http://hl7.org/fhir/java-core-messageid";
  static final String ISSUE_LINE = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
  static final String ISSUE_COL = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/");

  OperationOutcome build(List<ValidationMessage> messages, List<Finding> findings, VisitContext visit) {
    OperationOutcome oo = new OperationOutcome();
    for (ValidationMessage m : messages) {
      oo.addIssue(profileIssue(m));
    }
    for (Finding f : findings) {
      oo.addIssue(ruleIssue(f));
    }
    boolean problems =
        oo.getIssue().stream().anyMatch(i -> i.getSeverity() != IssueSeverity.INFORMATION);
    if (!problems) {
      String text =
          visit.claims().isEmpty() && visit.encounters().isEmpty()
              ? "No profile issue found; the request holds no Encounter or Claim, so no billing rule applied."
              : "No profile or billing-rule issue found: the billed codes agree with the session as sent.";
      OperationOutcomeIssueComponent ok = oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(text);
      ok.getDetails().setText(text);
    }
    return oo;
  }

  private OperationOutcomeIssueComponent ruleIssue(Finding f) {
    OperationOutcomeIssueComponent issue = new OperationOutcomeIssueComponent();
    issue.setSeverity(IssueSeverity.fromCode(f.severity().code()));
    issue.setCode(IssueType.BUSINESSRULE);
    CodeableConcept details = new CodeableConcept();
    details.addCoding().setSystem(Systems.BILLING_RULE).setCode(f.ruleId()).setDisplay(f.rule().display());
    details.setText(f.message());
    issue.setDetails(details);
    issue.setDiagnostics(f.message());
    f.expressions().forEach(e -> issue.getExpression().add(new StringType(e)));
    return issue;
  }

  private OperationOutcomeIssueComponent profileIssue(ValidationMessage m) {
    OperationOutcomeIssueComponent issue = new OperationOutcomeIssueComponent();
    issue.setSeverity(severity(m.getLevel()));
    issue.setCode(type(m.getType()));
    CodeableConcept details = new CodeableConcept();
    if (m.getMessageId() != null) {
      details.addCoding().setSystem(MESSAGE_ID_SYSTEM).setCode(m.getMessageId());
    }
    details.setText(m.getMessage());
    issue.setDetails(details);
    issue.setDiagnostics(m.getMessage());
    if (m.getLocation() != null && !m.getLocation().isBlank()) {
      issue.getExpression().add(new StringType(expression(m.getLocation())));
    }
    if (m.getLine() > 0) {
      issue.addExtension(ISSUE_LINE, new IntegerType(m.getLine()));
      issue.addExtension(ISSUE_COL, new IntegerType(m.getCol()));
    }
    return issue;
  }

  /** The validator's location without its {@code /*Claim/1*}{@code /} comments: plain FHIRPath. */
  static String expression(String location) {
    return COMMENT.matcher(location).replaceAll("");
  }

  private static IssueSeverity severity(ValidationMessage.IssueSeverity level) {
    if (level == null) {
      return IssueSeverity.ERROR;
    }
    return switch (level) {
      case FATAL -> IssueSeverity.FATAL;
      case ERROR -> IssueSeverity.ERROR;
      case WARNING -> IssueSeverity.WARNING;
      default -> IssueSeverity.INFORMATION;
    };
  }

  private static IssueType type(ValidationMessage.IssueType type) {
    if (type == null || type == ValidationMessage.IssueType.NULL) {
      return IssueType.PROCESSING;
    }
    try {
      return IssueType.fromCode(type.toCode());
    } catch (org.hl7.fhir.exceptions.FHIRException e) {
      return IssueType.PROCESSING;
    }
  }
}
