package org.psychcode.fhir.rules;

import java.util.Optional;

/**
 * {@code diagnosis-not-behavioral}: a claim bills a psychiatric service (a code with a {@code session-type}:
 * individual, family, group, crisis psychotherapy or a diagnostic evaluation) and none of its diagnoses is
 * in ICD-10-CM chapter 5 (F01-F99). Codes without a session type are not held to it: health-behavior
 * assessment and intervention (96156-96171) is billed under the physical condition it addresses, testing
 * often under a neurological one, screening under a Z code. A claim with a diagnosis that cannot be read (a
 * reference to nothing) is not judged.
 */
final class DiagnosisNotBehavioralRule implements BillingRule {

  static final String ID = "diagnosis-not-behavioral";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      if (claim.diagnosisCount() == 0 || claim.unreadableDiagnoses() > 0) {
        continue;
      }
      Optional<BilledLine> behavioral =
          claim.lines().stream().filter(l -> l.published().filter(c -> c.sessionType().isPresent()).isPresent()).findFirst();
      if (behavioral.isEmpty() || claim.diagnoses().stream().anyMatch(Lines::isBehavioralDiagnosis)) {
        continue;
      }
      String listed =
          claim.diagnoses().isEmpty()
              ? ""
              : " (" + String.join(", ", claim.diagnoses().stream().map(Coded::code).distinct().toList()) + ")";
      findings.add(
          ID,
          "None of the claim's diagnoses"
              + listed
              + " is a mental or behavioral diagnosis (ICD-10-CM F01-F99), which "
              + behavioral.get().code()
              + " is billed for"
              + (claim.diagnoses().stream().anyMatch(d -> !Systems.isIcd10Cm(d.system()))
                  ? "; a diagnosis counts in the ICD-10-CM system, " + Systems.ICD_10_CM + "."
                  : "."),
          claim.diagnoses().isEmpty() ? claim.diagnosisPath() : claim.diagnoses().get(0).path());
    }
  }
}
