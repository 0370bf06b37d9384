package org.psychcode.fhir.rules;

/**
 * {@code encounter-unresolved}: {@code item.encounter} points at nothing in the Bundle (by {@code fullUrl},
 * {@code urn:uuid:} included, or {@code Type/id}) nor in the store, or at a resource that is not an
 * Encounter.
 */
final class EncounterUnresolvedRule implements BillingRule {

  static final String ID = "encounter-unresolved";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        EncounterLink link = line.encounter();
        if (link.state() != EncounterLink.State.UNRESOLVED) {
          continue;
        }
        String what = link.reference() == null || link.reference().isBlank() ? "an encounter" : link.reference();
        String message =
            link.problem() != null
                ? Lines.capitalize(line.label()) + " points at " + what + ", " + link.problem() + ", not at an Encounter."
                : Lines.capitalize(line.label())
                    + " points at encounter "
                    + what
                    + ", which is neither in the Bundle nor stored on this server.";
        findings.add(ID, message, link.path());
      }
    }
  }
}
