package org.psychcode.fhir.rules;

import java.util.List;

/**
 * {@code addon-without-primary}: an add-on code has none of its allowed primaries ({@code primary-code}) on
 * the same claim and date. When the add-on stands with a code it may never accompany,
 * {@code addon-invalid-primary} is reported instead.
 */
final class AddonWithoutPrimaryRule implements BillingRule {

  static final String ID = "addon-without-primary";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        BillingCode code = line.billing().orElse(null);
        if (code == null || !code.addOn() || code.primaryCodes().isEmpty()) {
          continue;
        }
        List<BilledLine> sameDate = Lines.sameDate(claim.lines(), line);
        boolean excluded = sameDate.stream().anyMatch(o -> code.excludes(o.code(), o.billing().orElse(null)));
        boolean hasPrimary = sameDate.stream().anyMatch(o -> code.primaryCodes().contains(o.code()));
        if (!excluded && !hasPrimary) {
          findings.add(
              ID,
              "Add-on "
                  + code.code()
                  + " needs "
                  + (code.primaryCodes().size() == 1 ? "its primary code " : "one of its primary codes ")
                  + Lines.codeList(code.primaryCodes())
                  + " on the same claim and date"
                  + (line.date() == null ? "" : " (" + line.date() + ")")
                  + "; none is billed.",
              line.codePath());
        }
      }
    }
  }
}
