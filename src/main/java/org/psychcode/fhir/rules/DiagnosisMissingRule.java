package org.psychcode.fhir.rules;

/** {@code diagnosis-missing}: a claim bills a published code and lists no diagnosis at all. */
final class DiagnosisMissingRule implements BillingRule {

  static final String ID = "diagnosis-missing";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      if (claim.diagnosisCount() > 0) {
        continue;
      }
      claim.lines().stream()
          .filter(l -> l.published().isPresent())
          .findFirst()
          .ifPresent(
              line ->
                  findings.add(
                      ID,
                      "The claim bills " + line.code() + " but lists no diagnosis (Claim.diagnosis).",
                      claim.diagnosisPath()));
    }
  }
}
