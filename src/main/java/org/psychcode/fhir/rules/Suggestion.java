package org.psychcode.fhir.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What to bill for one patient on one date: the lines, each with the reason for it, and the issues that the
 * encounters leave open (no time, no session type, a code that cannot be billed).
 *
 * @param date the date of service; null when the encounter has no start date
 * @param patient who the lines bill: the encounter's subject, or one member of its Group
 * @param encounters references of the encounters the suggestion reads
 */
public record Suggestion(LocalDate date, Party patient, List<String> encounters, List<Line> lines, List<String> issues) {

  public Suggestion {
    encounters = List.copyOf(encounters);
    lines = List.copyOf(lines);
    issues = List.copyOf(issues);
  }

  /**
   * One claim line to bill.
   *
   * @param placeOfService the place-of-service code
   * @param encounters references of the encounters the line bills (its {@code Claim.item.encounter})
   */
  public record Line(
      BillingCode code, int units, List<BillingCode> modifiers, Optional<String> placeOfService, String reason, List<String> encounters) {

    public Line {
      modifiers = List.copyOf(modifiers);
      encounters = List.copyOf(encounters);
    }
  }
}
