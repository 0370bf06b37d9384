package org.psychcode.fhir.rules;

/**
 * {@code time-missing}: a timed code (one with {@code minimum-minutes}) is billed and neither the line's own
 * {@code servicedPeriod} nor its encounter gives a time: no length, no period with start and end. Lines whose
 * encounter is missing or unresolved are left to the encounter rules.
 */
final class TimeMissingRule implements BillingRule {

  static final String ID = "time-missing";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (BilledLine line : visit.allLines()) {
      BillingCode code = line.billing().orElse(null);
      if (code == null || !code.timed() || line.ownMinutes().isPresent() || !line.encounter().isResolved()) {
        continue;
      }
      EncounterFacts enc = line.encounter().encounter();
      if (enc.minutes().isEmpty()) {
        findings.add(
            ID,
            code.code()
                + " is billed by time ("
                + code.rangeText()
                + "), but the encounter has neither a length nor a period with a start and an end time.",
            line.codePath(),
            enc.lengthPath());
      }
    }
  }
}
