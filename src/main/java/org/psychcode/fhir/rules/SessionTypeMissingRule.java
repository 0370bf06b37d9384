package org.psychcode.fhir.rules;

/**
 * {@code session-type-missing}: a code tied to a session type is billed and the encounter does not say what
 * kind of session it was (no session-type coding in {@code type}/{@code serviceType}, no Group subject).
 * Individual codes assume an individual session and raise nothing.
 */
final class SessionTypeMissingRule implements BillingRule {

  static final String ID = "session-type-missing";
  static final String INDIVIDUAL = "individual";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (BilledLine line : visit.allLines()) {
      BillingCode code = line.billing().orElse(null);
      if (code == null || code.sessionType().isEmpty() || !line.encounter().isResolved()) {
        continue;
      }
      EncounterFacts enc = line.encounter().encounter();
      String type = code.sessionType().get();
      if (enc.sessionType().isEmpty() && !INDIVIDUAL.equals(type)) {
        findings.add(
            ID,
            code.code()
                + " bills "
                + Lines.article(type)
                + " session, but the encounter does not state its session type (a session-type coding in"
                + " Encounter.type or Encounter.serviceType, or a Group as subject).",
            enc.typePath(),
            line.codePath());
      }
    }
  }
}
