package org.psychcode.fhir.rules;

/**
 * {@code encounter-missing}: a claim line bills a published code without {@code item.encounter}, so nothing
 * can be checked against the session. Lines billing codes outside the fragment (labs, E/M context) are not
 * held to it.
 */
final class EncounterMissingRule implements BillingRule {

  static final String ID = "encounter-missing";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        if (line.published().isPresent() && line.encounter().state() == EncounterLink.State.ABSENT) {
          findings.add(
              ID,
              Lines.capitalize(line.label())
                  + " bills "
                  + line.code()
                  + " without pointing at the Encounter it bills (Claim.item.encounter).",
              line.encounter().path());
        }
      }
    }
  }
}
