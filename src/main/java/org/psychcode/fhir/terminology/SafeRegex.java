package org.psychcode.fhir.terminology;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A regular expression from a client (a {@code regex} filter) evaluated without the risk of catastrophic
 * backtracking: RE2/J matches in linear time. A pattern RE2 cannot express (back-references, look-around) is
 * refused with a 400 rather than run by a backtracking engine.
 */
final class SafeRegex {

  private final com.google.re2j.Pattern pattern;

  private SafeRegex(com.google.re2j.Pattern pattern) {
    this.pattern = pattern;
  }

  static SafeRegex compile(String regex) {
    try {
      return new SafeRegex(com.google.re2j.Pattern.compile(regex));
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.NOTSUPPORTED,
              null,
              null,
              "The regex '" + regex + "' is not supported: " + e.getDescription(),
              "vs-invalid"));
    }
  }

  boolean matches(String value) {
    return value != null && pattern.matches(value);
  }
}
