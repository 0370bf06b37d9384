package org.psychcode.fhir.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code encounter-claim-mismatch}: the claim's patient is not the encounter's subject (for a Group subject:
 * not one of its members), or a line's date of service is not the encounter's date. The date is held only
 * when the line states one; a Group whose members are not in the request cannot be checked.
 */
final class EncounterClaimMismatchRule implements BillingRule {

  static final String ID = "encounter-claim-mismatch";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      Set<String> checkedEncounters = new HashSet<>();
      for (BilledLine line : claim.lines()) {
        if (!line.encounter().isResolved()) {
          continue;
        }
        EncounterFacts enc = line.encounter().encounter();
        if (checkedEncounters.add(enc.path())) {
          checkPatient(claim, enc, findings);
        }
        if (line.dateStated() && !enc.onDate(line.date())) {
          findings.add(
              ID,
              Lines.capitalize(line.label())
                  + " is dated "
                  + line.date()
                  + " but its encounter took place on "
                  + encounterDates(enc)
                  + ".",
              line.datePath(),
              enc.periodPath());
        }
      }
    }
  }

  private static void checkPatient(ClaimFacts claim, EncounterFacts enc, Findings findings) {
    Party patient = claim.patient();
    if (patient == null || !patient.known() || enc.subject() == null || !enc.subject().known()) {
      return;
    }
    if (enc.groupSubject()) {
      if (enc.groupMembers().isEmpty()) {
        return;
      }
      List<Party> members = enc.groupMembers().get();
      if (members.stream().noneMatch(patient::sameAs)) {
        findings.add(
            ID,
            "The claim is for "
                + patient.label()
                + ", who is not a member of the encounter's group "
                + enc.subject().label()
                + ".",
            claim.patientPath(),
            enc.subjectPath());
      }
      return;
    }
    if (!patient.sameAs(enc.subject())) {
      findings.add(
          ID,
          "The claim is for " + patient.label() + " but its encounter is for " + enc.subject().label() + ".",
          claim.patientPath(),
          enc.subjectPath());
    }
  }

  private static String encounterDates(EncounterFacts enc) {
    if (enc.endDate() == null || enc.endDate().equals(enc.startDate())) {
      return enc.startDate().toString();
    }
    return enc.startDate() + " to " + enc.endDate();
  }
}
