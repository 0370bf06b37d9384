package org.psychcode.fhir.rules;

import java.util.Optional;

/**
 * {@code addon-invalid-primary}: an add-on stands on one date with a code it may never accompany (read in
 * both directions of {@code never-with}): 90785 with 90839, 90833 with 90834. Reported in place of
 * {@code addon-without-primary}.
 */
final class AddonInvalidPrimaryRule implements BillingRule {

  static final String ID = "addon-invalid-primary";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        BillingCode code = line.billing().orElse(null);
        if (code == null || !code.addOn()) {
          continue;
        }
        Optional<BilledLine> conflict =
            Lines.sameDate(claim.lines(), line).stream()
                .filter(o -> code.excludes(o.code(), o.billing().orElse(null)))
                .findFirst();
        conflict.ifPresent(
            o ->
                findings.add(
                    ID,
                    "Add-on "
                        + code.code()
                        + " may not accompany "
                        + o.code()
                        + " billed on the same date"
                        + (code.primaryCodes().isEmpty() ? "" : "; it goes with " + Lines.codeList(code.primaryCodes()))
                        + ".",
                    line.codePath(),
                    o.codePath()));
      }
    }
  }
}
