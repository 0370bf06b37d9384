package org.psychcode.fhir.rules;

import java.util.Optional;

/**
 * {@code time-code-mismatch}: the time is reportable, but by another code of the family than the one billed
 * ("a 50-minute individual session is billed as 90834, not 90837"). Under the family's least minimum only
 * {@code time-below-minimum} applies. A timed add-on standing with one of its primaries (90833/90836/90838
 * with an E/M) shares the encounter's time with it, so only its lower bound is held against the encounter;
 * a line's own {@code servicedPeriod} is held against both bounds. Crisis time is the date's total
 * ({@link Lines#minutesOnDate}). A code billed for another session type than the encounter's is left to
 * {@code session-type-mismatch}, whose sentence names the code that fits the session and its time.
 */
final class TimeCodeMismatchRule extends CodeBookRule {

  static final String ID = "time-code-mismatch";

  TimeCodeMismatchRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    Lines.forEachWithSameDate(
        visit,
        (line, sameDate) -> {
          BillingCode code = line.billing().orElse(null);
          if (code == null || !code.timed() || code.perUnit() || Lines.sessionTypeDiffers(line)) {
            return;
          }
          var minutes = Lines.minutesOnDate(line, sameDate, book);
          if (minutes.isEmpty()) {
            return;
          }
          double t = minutes.getAsDouble();
          BillingCode least = book.leastOfFamily(code);
          double whole = Lines.whole(t);
          if (whole < least.minimumMinutes().getAsInt()) {
            return;
          }
          boolean under = whole < code.minimumMinutes().getAsInt();
          boolean over =
              code.maximumMinutes().isPresent()
                  && whole > code.maximumMinutes().getAsInt()
                  && Lines.upperBoundApplies(line, sameDate);
          if (!under && !over) {
            return;
          }
          Optional<BillingCode> expected = book.familyCodeFor(code, t).filter(c -> !c.code().equals(code.code()));
          expected.ifPresent(
              e ->
                  findings.add(
                      ID,
                      Lines.session(t, code)
                          + " is billed as "
                          + e.code()
                          + ", not "
                          + code.code()
                          + " ("
                          + e.code()
                          + " covers "
                          + e.rangeText()
                          + ", "
                          + code.code()
                          + " "
                          + code.rangeText()
                          + ").",
                      line.codePath()));
        });
  }
}
