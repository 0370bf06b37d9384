package org.psychcode.fhir.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code same-day-conflict}: two primary (non add-on) codes for one patient on one date, on one claim or on
 * two claims of the same request, where either names the other in {@code never-with}: two psychotherapy codes,
 * 90791/90792 with psychotherapy or E/M, crisis with routine psychotherapy, standalone psychotherapy with an
 * E/M. The same code twice is a matter of units.
 */
final class SameDayConflictRule implements BillingRule {

  static final String ID = "same-day-conflict";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (List<BilledLine> lines : visit.claimLinesByPatient()) {
      List<BilledLine> primaries = new ArrayList<>();
      for (BilledLine line : lines) {
        if (line.code() != null && line.billing().map(b -> !b.addOn()).orElse(true)) {
          primaries.add(line);
        }
      }
      for (int j = 1; j < primaries.size(); j++) {
        BilledLine b = primaries.get(j);
        for (int i = 0; i < j; i++) {
          BilledLine a = primaries.get(i);
          if (!Objects.equals(a.date(), b.date()) || a.code().equals(b.code())) {
            continue;
          }
          if (excludes(a, b)) {
            findings.add(
                ID,
                a.code()
                    + " and "
                    + b.code()
                    + " may not be billed on the same date"
                    + (b.date() == null ? "" : " (" + b.date() + ")")
                    + "; bill one of them.",
                b.codePath(),
                a.codePath());
            break;
          }
        }
      }
    }
  }

  private static boolean excludes(BilledLine a, BilledLine b) {
    if (a.billing().isPresent()) {
      return a.billing().get().excludes(b.code(), b.billing().orElse(null));
    }
    return b.billing().map(bb -> bb.neverWith().contains(a.code())).orElse(false);
  }
}
