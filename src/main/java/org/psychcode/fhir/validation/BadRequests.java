package org.psychcode.fhir.validation;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/** Input the server cannot read as a visit answers 4xx with an OperationOutcome that names the element. */
final class BadRequests {

  private BadRequests() {}

  static InvalidRequestException invalid(String expression, IssueType type, String message) {
    return new InvalidRequestException(message, outcome(expression, type, message));
  }

  static PayloadTooLargeException tooLarge(String expression, String message) {
    return new PayloadTooLargeException(message, outcome(expression, IssueType.TOOLONG, message));
  }

  static OperationOutcome outcome(String expression, IssueType type, String message) {
    OperationOutcome oo = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    issue.getDetails().setText(message);
    if (expression != null) {
      issue.getExpression().add(new StringType(expression));
    }
    return oo;
  }
}
