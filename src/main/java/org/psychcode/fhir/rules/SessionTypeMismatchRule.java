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
              + suggestion(actual, code, Lines.minutes(line), line.providerTaxonomies())
              + ".";
      findings.add(ID, message, line.codePath(), enc.sessionTypeStated() ? enc.typePath() : enc.subjectPath());
    }
  }

  /**
   * The code that fits the session, chosen as {@link CodeBook#codeFor} chooses for the suggestion. An add-on billed
   * for another session type is not matched to another add-on: which add-on fits depends on its primary.
   */
  private String suggestion(String sessionType, BillingCode billed, OptionalDouble minutes, List<String> taxonomies) {
    if (billed.addOn()) {
      return "";
    }
    List<BillingCode> candidates = book.codesFor(sessionType, false, taxonomies);
    if (candidates.isEmpty()) {
      return "";
    }
    if (minutes.isPresent()) {
      double t = minutes.getAsDouble();
      Optional<BillingCode> byTime = book.codeFor(sessionType, false, t, taxonomies);
      if (byTime.isPresent()) {
        return "; " + Lines.article(sessionType) + " session of " + Lines.minutesText(t) + " minutes is billed as " + byTime.get().code();
      }
      BillingCode least = book.leastOfFamily(candidates.stream().filter(BillingCode::timed).findFirst().orElse(candidates.get(0)));
      return "; " + Lines.article(sessionType) + " session of " + Lines.minutesText(t)
          + " minutes is too short for any of its codes (" + least.code() + " needs at least " + least.minimumMinutes().orElse(0) + " minutes)";
    }
    List<String> codes = candidates.stream().map(BillingCode::code).toList();
    return "; " + Lines.article(sessionType) + " session is billed as " + Lines.codeList(codes);
  }
}
