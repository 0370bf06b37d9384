package org.psychcode.fhir.rules;

/**
 * {@code duration-inconsistent}: {@code Encounter.length} and a closed {@code Encounter.period} differ by
 * more than 5 minutes. The rules then use the length, as DESIGN reads a request.
 */
final class DurationInconsistentRule implements BillingRule {

  static final String ID = "duration-inconsistent";
  private static final double TOLERANCE_MINUTES = 5;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (EncounterFacts enc : visit.encounters()) {
      if (enc.lengthMinutes().isEmpty() || enc.periodMinutes().isEmpty()) {
        continue;
      }
      double length = Lines.whole(enc.lengthMinutes().getAsDouble());
      double period = Lines.whole(enc.periodMinutes().getAsDouble());
      if (Math.abs(length - period) > TOLERANCE_MINUTES) {
        findings.add(
            ID,
            "Encounter.length gives "
                + Lines.minutesText(length)
                + " minutes but its period lasts "
                + Lines.minutesText(period)
                + " minutes; the length ("
                + Lines.minutesText(length)
                + " minutes) is used.",
            enc.lengthPath(),
            enc.periodPath());
      }
    }
  }
}
