package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/** The store's refusals: HAPI's exceptions, each with an OperationOutcome whose sentence says what to do. */
public final class StoreErrors {

  private StoreErrors() {}

  public static InvalidRequestException invalid(String text) {
    return invalid(text, null);
  }

  public static InvalidRequestException invalid(String text, String expression) {
    return new InvalidRequestException(text, outcome(IssueType.INVALID, text, expression));
  }

  static ResourceNotFoundException notFound(String text) {
    return new ResourceNotFoundException(text, outcome(IssueType.NOTFOUND, text, null));
  }

  static PreconditionFailedException preconditionFailed(String text) {
    return new PreconditionFailedException(text, outcome(IssueType.CONFLICT, text, null));
  }

  static ResourceVersionConflictException conflict(String text) {
    return new ResourceVersionConflictException(text, outcome(IssueType.CONFLICT, text, null));
  }

  static BaseServerResponseException status(int status, IssueType type, String text) {
    BaseServerResponseException e = BaseServerResponseException.newInstance(status, text);
    e.setOperationOutcome(outcome(type, text, null));
    return e;
  }

  public static OperationOutcome outcome(IssueType type, String text, String expression) {
    OperationOutcome oo = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(text);
    issue.getDetails().setText(text);
    if (expression != null) {
      issue.getExpression().add(new StringType(expression));
    }
    return oo;
  }
}
