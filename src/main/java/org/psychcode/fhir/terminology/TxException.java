package org.psychcode.fhir.terminology;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A terminology operation that cannot answer normally. {@link #status()} is the HTTP status the REST layer answers
 * with; {@link #inParameters()} says whether {@code $validate-code} reports it as {@code result=false} inside its
 * Parameters (as the ecosystem expects for a broken value set definition) rather than as an error response.
 */
public final class TxException extends RuntimeException {

  private final int status;
  private final List<TxIssue> issues;
  private final boolean inParameters;
  private final String unknownSystem;

  TxException(int status, TxIssue issue) {
    this(status, List.of(issue), false, null);
  }

  TxException(int status, List<TxIssue> issues, boolean inParameters, String unknownSystem) {
    super(issues.isEmpty() ? "terminology error" : issues.get(0).text(), null, false, false);
    this.status = status;
    this.issues = List.copyOf(issues);
    this.inParameters = inParameters;
    this.unknownSystem = unknownSystem;
  }

  static TxException notFound(TxIssue issue) {
    return new TxException(404, issue);
  }

  static TxException invalid(TxIssue issue) {
    return new TxException(400, issue);
  }

  static TxException unprocessable(TxIssue issue) {
    return new TxException(422, issue);
  }

  /** The same failure, reported as {@code result=false} by {@code $validate-code}. */
  TxException reportedInParameters() {
    return new TxException(status, issues, true, unknownSystem);
  }

  TxException withUnknownSystem(String system) {
    return new TxException(status, issues, inParameters, system);
  }

  public int status() {
    return status;
  }

  public List<TxIssue> issues() {
    return issues;
  }

  boolean inParameters() {
    return inParameters;
  }

  String unknownSystem() {
    return unknownSystem;
  }

  public OperationOutcome toOperationOutcome() {
    OperationOutcome oo = new OperationOutcome();
    issues.forEach(i -> oo.addIssue(i.toComponent()));
    return oo;
  }
}
