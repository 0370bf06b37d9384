package org.psychcode.fhir.rules;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code session-type-mismatch}: the encounter's session type is known and is not the one the billed code
 * bills (90847 on an individual session). The sentence names the code that fits the encounter's session
 * type and time when there is one.
 */
final class SessionTypeMismatchRule extends CodeBookRule {

  static final String ID = "session-type-mismatch";

  SessionTypeMismatchRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (BilledLine line : visit.allLines()) {
      BillingCode code = line.billing().orElse(null);
      if (code == null || code.sessionType().isEmpty() || !line.encounter().isResolved()) {
        continue;
      }
      EncounterFacts enc = line.encounter().encounter();
      if (enc.sessionType().isEmpty() || enc.sessionType().get().equals(code.sessionType().get())) {
        continue;
      }
      String actual = enc.sessionType().get();
      String message =
          "The encounter is "
              + Lines.article(actual)
              + " session"
              + (enc.sessionTypeStated() ? "" : " (its subject is a Group)")
              + ", but "
              + code.code()
              + " bills "
              + Lines.article(code.sessionType().get())
              + " session"
              + suggestion(actual, code, Lines.minutes(line))
              + ".";
      findings.add(ID, message, line.codePath(), enc.sessionTypeStated() ? enc.typePath() : enc.subjectPath());
    }
  }

  private String suggestion(String sessionType, BillingCode billed, OptionalDouble minutes) {
    List<BillingCode> candidates = book.codesForSessionType(sessionType, billed.addOn());
    if (candidates.isEmpty()) {
      return "";
    }
    if (minutes.isPresent()) {
      // CPT first: an untimed code (90853 for group) fits any time; a timed one (G0410, for partial
      // hospitalization) only its own minutes
      Optional<BillingCode> byTime =
          candidates.stream().filter(c -> !c.timed() || c.covers(minutes.getAsDouble())).findFirst();
      if (byTime.isPresent()) {
        return "; " + Lines.article(sessionType) + " session of " + Lines.minutesText(minutes.getAsDouble()) + " minutes is billed as " + byTime.get().code();
      }
    }
    List<String> codes = candidates.stream().map(BillingCode::code).toList();
    return "; " + Lines.article(sessionType) + " session is billed as " + Lines.codeList(codes);
  }
}
