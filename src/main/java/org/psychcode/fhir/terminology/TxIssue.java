package org.psychcode.fhir.terminology;

import java.util.Objects;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * One finding of a terminology operation: severity, FHIR issue type, the ecosystem's {@code tx-issue-type}, the
 * FHIRPath of the element it is about (relative to the validated Coding/CodeableConcept), and its sentence.
 * The element is named in {@code expression} only: {@code location} is deprecated since R4 (it held XPath), and
 * HL7's terminology clients and tests read {@code expression}.
 * The message id, where there is one, is the HL7 Java validator's for the same finding, and is sent in the
 * standard {@code operationoutcome-message-id} extension so clients can tell findings apart without reading
 * the sentence.
 */
public record TxIssue(
    IssueSeverity severity, IssueType type, String path, String messageId, String text, String txType) {

  public static final String TX_ISSUE_TYPE = "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type";
  static final String MESSAGE_ID = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id";

  public static TxIssue error(IssueType type, String path, String messageId, String text, String txType) {
    return new TxIssue(IssueSeverity.ERROR, type, path, messageId, text, txType);
  }

  public static TxIssue warning(IssueType type, String path, String messageId, String text, String txType) {
    return new TxIssue(IssueSeverity.WARNING, type, path, messageId, text, txType);
  }

  public static TxIssue information(IssueType type, String path, String messageId, String text, String txType) {
    return new TxIssue(IssueSeverity.INFORMATION, type, path, messageId, text, txType);
  }

  public TxIssue withSeverity(IssueSeverity s) {
    return new TxIssue(s, type, path, messageId, text, txType);
  }

  public TxIssue withText(String messageId, String text) {
    return new TxIssue(severity, type, path, messageId, text, txType);
  }

  public boolean isError() {
    return severity == IssueSeverity.ERROR || severity == IssueSeverity.FATAL;
  }

  OperationOutcomeIssueComponent toComponent() {
    OperationOutcomeIssueComponent c = new OperationOutcomeIssueComponent();
    if (messageId != null && !messageId.isEmpty() && messageId.indexOf(' ') < 0) {
      c.addExtension(MESSAGE_ID, new StringType(messageId));
    }
    c.setSeverity(severity);
    c.setCode(type);
    CodeableConcept details = new CodeableConcept();
    if (txType != null) {
      details.addCoding().setSystem(TX_ISSUE_TYPE).setCode(txType);
    }
    details.setText(text);
    c.setDetails(details);
    if (path != null && !path.isEmpty()) {
      c.addExpression(path);
    }
    return c;
  }

  boolean sameAs(TxIssue o) {
    return severity == o.severity
        && type == o.type
        && Objects.equals(path, o.path)
        && Objects.equals(text, o.text);
  }
}
