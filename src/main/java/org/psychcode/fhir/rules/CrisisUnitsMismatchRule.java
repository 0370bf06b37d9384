package org.psychcode.fhir.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * {@code crisis-units-mismatch}: when a code with a per-unit add-on is billed (90839 with 90840, G0017 with
 * G0018), the add-on's units on that date must follow the crisis time: none under the add-on's
 * {@code minimum-minutes} (75), then 1 plus one more for each further {@code minutes-per-unit} (30):
 * 75-104 minutes 1, 105-134 minutes 2, 135-164 minutes 3.
 */
final class CrisisUnitsMismatchRule extends CodeBookRule {

  static final String ID = "crisis-units-mismatch";

  CrisisUnitsMismatchRule(CodeBook book) {
    super(ID, book);
  }

  /** The units a per-unit add-on should carry for {@code minutes} of time. */
  static int expectedUnits(BillingCode addOn, double minutes) {
    int minimum = addOn.minimumMinutes().orElse(0);
    int perUnit = addOn.minutesPerUnit().getAsInt();
    double whole = Lines.whole(minutes);
    if (whole < minimum) {
      return 0;
    }
    return 1 + (int) Math.floor((whole - minimum) / perUnit);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      Set<String> seen = new HashSet<>();
      for (BilledLine primary : claim.lines()) {
        BillingCode code = primary.billing().orElse(null);
        if (code == null || code.addOn() || !seen.add(code.code() + "|" + primary.date())) {
          continue;
        }
        List<BillingCode> addOns = book.perUnitAddOnsOf(code.code());
        if (addOns.isEmpty()) {
          continue;
        }
        OptionalDouble minutes = Lines.minutesOnDate(primary, Lines.sameDate(claim.lines(), primary), book);
        if (minutes.isEmpty()) {
          continue;
        }
        double t = minutes.getAsDouble();
        // too short for the crisis code itself (time-below-minimum says so): the sentence names no code to bill
        boolean billable = code.minimumMinutes().isEmpty() || Lines.whole(t) >= code.minimumMinutes().getAsInt();
        for (BillingCode addOn : addOns) {
          List<BilledLine> addOnLines =
              claim.lines().stream()
                  .filter(l -> addOn.code().equals(l.code()) && Objects.equals(l.date(), primary.date()))
                  .toList();
          int billed = addOnLines.stream().mapToInt(BilledLine::units).reduce(0, Lines::addUnits);
          int expected = expectedUnits(addOn, t);
          if (billed == expected) {
            continue;
          }
          String message =
              (billable
                      ? Lines.session(t, code)
                          + " is billed as "
                          + code.code()
                          + (expected == 0 ? " alone" : " with " + addOn.code() + " x " + expected)
                          + ", not "
                          + (billed == 0 ? "without " + addOn.code() : "with " + addOn.code() + " x " + billed)
                      : Lines.session(t, code) + " gives no " + addOn.code() + " units, not " + addOn.code() + " x " + billed)
                  + " ("
                  + addOn.code()
                  + " counts 1 unit from "
                  + addOn.minimumMinutes().orElse(0)
                  + " minutes and 1 more for each further "
                  + addOn.minutesPerUnit().getAsInt()
                  + ").";
          String where = addOnLines.isEmpty() ? primary.codePath() : addOnLines.get(0).quantityPath();
          findings.add(ID, message, where);
        }
      }
      addOnsWithoutTheirPrimary(claim, findings);
    }
  }

  /**
   * An add-on billed without its crisis code on the date (addon-without-primary says so) still has units the
   * crisis time of the date can be held against: 90840 x 1 for 40 minutes is wrong twice.
   */
  private void addOnsWithoutTheirPrimary(ClaimFacts claim, Findings findings) {
    Set<String> seen = new HashSet<>();
    for (BilledLine line : claim.lines()) {
      BillingCode addOn = line.billing().orElse(null);
      if (addOn == null || !addOn.perUnit() || !addOn.addOn() || !seen.add(addOn.code() + "|" + line.date())) {
        continue;
      }
      List<BilledLine> sameDate = Lines.sameDate(claim.lines(), line);
      if (sameDate.stream().anyMatch(o -> addOn.primaryCodes().contains(o.code()))) {
        continue;
      }
      OptionalDouble minutes = Lines.minutesOnDate(line, sameDate, book);
      if (minutes.isEmpty()) {
        continue;
      }
      double t = minutes.getAsDouble();
      int billed =
          claim.lines().stream()
              .filter(l -> addOn.code().equals(l.code()) && Objects.equals(l.date(), line.date()))
              .mapToInt(BilledLine::units)
              .reduce(0, Lines::addUnits);
      int expected = expectedUnits(addOn, t);
      if (billed != expected) {
        findings.add(
            ID,
            Lines.session(t, addOn)
                + " gives "
                + (expected == 0 ? "no " + addOn.code() + " units" : addOn.code() + " x " + expected)
                + ", not "
                + addOn.code()
                + " x "
                + billed
                + " ("
                + addOn.code()
                + " counts 1 unit from "
                + addOn.minimumMinutes().orElse(0)
                + " minutes and 1 more for each further "
                + addOn.minutesPerUnit().getAsInt()
                + ").",
            line.quantityPath());
      }
    }
  }
}
