package org.psychcode.fhir.rules;

import java.util.Optional;

/**
 * {@code diagnosis-not-behavioral}: a claim bills a psychiatric service (a code with a {@code session-type}:
 * individual, family, group, crisis psychotherapy or a diagnostic evaluation) and none of its diagnoses is a
 * mental or behavioral diagnosis, a billable ICD-10-CM chapter 5 code ({@link Diagnoses#isBehavioral}). Codes
 * without a session type are not held to it: health-behavior assessment and intervention (96156-96171) is billed
 * under the physical condition it addresses, testing often under a neurological one, screening under a Z code. A
 * claim with a diagnosis that cannot be read (a reference to nothing) is not judged, nor one whose chapter 5
 * diagnosis is not billable: {@code diagnosis-not-billable} reports that one.
 */
final class DiagnosisNotBehavioralRule extends CodeBookRule {

  static final String ID = "diagnosis-not-behavioral";

  DiagnosisNotBehavioralRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      if (claim.diagnosisCount() == 0 || claim.unreadableDiagnoses() > 0) {
        continue;
      }
      Optional<BilledLine> behavioral =
          claim.lines().stream().filter(l -> l.published().filter(c -> c.sessionType().isPresent()).isPresent()).findFirst();
      Diagnoses diagnoses = book.diagnoses();
      if (behavioral.isEmpty()
          || claim.diagnoses().stream()
              .anyMatch(d -> diagnoses.isBehavioral(d.system(), d.code()) || diagnoses.unbillable(d.system(), d.code()).isPresent())) {
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
