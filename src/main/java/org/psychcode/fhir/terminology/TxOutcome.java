package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/** The issues gathered while one operation runs; becomes the {@code issues} OperationOutcome of the answer. */
final class TxOutcome {

  private final List<TxIssue> issues = new ArrayList<>();

  /** Adds the issue unless an identical one is already there; answers whether it was added. */
  boolean add(TxIssue issue) {
    for (TxIssue i : issues) {
      if (i.sameAs(issue)) {
        return false;
      }
    }
    issues.add(issue);
    return true;
  }

  List<TxIssue> issues() {
    return issues;
  }

  void replace(TxIssue was, TxIssue now) {
    int i = issues.indexOf(was);
    if (i >= 0) {
      issues.set(i, now);
    }
  }

  boolean hasErrors() {
    return issues.stream().anyMatch(TxIssue::isError);
  }

  boolean isEmpty() {
    return issues.isEmpty();
  }

  OperationOutcome toOperationOutcome() {
    OperationOutcome oo = new OperationOutcome();
    issues.forEach(i -> oo.addIssue(i.toComponent()));
    return oo;
  }

  static OperationOutcome of(TxIssue... issues) {
    OperationOutcome oo = new OperationOutcome();
    for (TxIssue i : issues) {
      oo.addIssue(i.toComponent());
    }
    return oo;
  }
}
