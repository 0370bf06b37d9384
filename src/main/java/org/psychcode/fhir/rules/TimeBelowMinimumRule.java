package org.psychcode.fhir.rules;


/**
 * {@code time-below-minimum}: the session is shorter than the least minimum of the billed code's family
 * (psychotherapy 16, family 26, crisis 30 minutes), so no code of the family may be billed. Per-unit add-ons
 * (90840) are left to {@code crisis-units-mismatch}. Crisis time is the date's total ({@link Lines#minutesOnDate}).
 */
final class TimeBelowMinimumRule extends CodeBookRule {

  static final String ID = "time-below-minimum";

  TimeBelowMinimumRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    Lines.forEachWithSameDate(
        visit,
        (line, sameDate) -> {
          BillingCode code = line.billing().orElse(null);
          if (code == null || !code.timed() || code.perUnit()) {
            return;
          }
          var minutes = Lines.minutesOnDate(line, sameDate, book);
          if (minutes.isEmpty()) {
            return;
          }
          BillingCode least = book.leastOfFamily(code);
          double t = minutes.getAsDouble();
          if (Lines.whole(t) < least.minimumMinutes().getAsInt()) {
            findings.add(
                ID,
                Lines.session(t, code)
                    + " cannot be billed as "
                    + code.code()
                    + ": the shortest code of its family, "
                    + least.code()
                    + ", needs at least "
                    + least.minimumMinutes().getAsInt()
                    + " minutes.",
                line.codePath());
          }
        });
  }
}
