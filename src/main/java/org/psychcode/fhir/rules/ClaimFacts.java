package org.psychcode.fhir.rules;

import java.util.List;

/**
 * One Claim as the rules read it.
 *
 * @param path FHIRPath of the Claim, e.g. {@code Bundle.entry[5].resource}
 * @param diagnoses the diagnosis codings ({@code diagnosisCodeableConcept}, or the code of a Condition the
 *     {@code diagnosisReference} resolves to)
 * @param diagnosisCount how many {@code Claim.diagnosis} entries there are
 * @param unreadableDiagnoses how many of them could not be read (a reference to nothing)
 */
public record ClaimFacts(
    String path,
    Party patient,
    List<Coded> diagnoses,
    int diagnosisCount,
    int unreadableDiagnoses,
    List<BilledLine> lines) {

  public String patientPath() {
    return path + ".patient";
  }

  public String diagnosisPath() {
    return path + ".diagnosis";
  }
}
