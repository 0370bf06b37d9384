package org.psychcode.fhir.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the billing rules read from one request, computed once: the claims with their lines, every
 * encounter, and (when no Claim was sent) the CPT codes of {@code Encounter.type} as lines of their own.
 */
public record VisitContext(List<ClaimFacts> claims, List<EncounterFacts> encounters, List<BilledLine> encounterLines) {

  public VisitContext {
    claims = List.copyOf(claims);
    encounters = List.copyOf(encounters);
    encounterLines = List.copyOf(encounterLines);
  }

  /**
   * The claim lines of the request, one list per patient: the lines of one claim, together with those of every
   * other claim of the request that names the same patient. The rules that count a day's codes read these.
   */
  public List<List<BilledLine>> claimLinesByPatient() {
    List<List<BilledLine>> groups = new ArrayList<>();
    List<Party> patients = new ArrayList<>();
    for (ClaimFacts claim : claims) {
      int same = -1;
      for (int i = 0; i < patients.size() && claim.patient() != null; i++) {
        if (claim.patient().sameAs(patients.get(i))) {
          same = i;
          break;
        }
      }
      if (same < 0) {
        patients.add(claim.patient());
        groups.add(new ArrayList<>(claim.lines()));
      } else {
        groups.get(same).addAll(claim.lines());
      }
    }
    return groups;
  }

  /** Every line the time, session-type and telehealth rules look at: claim lines, then encounter lines. */
  public List<BilledLine> allLines() {
    List<BilledLine> all = new ArrayList<>();
    claims.forEach(c -> all.addAll(c.lines()));
    all.addAll(encounterLines);
    return all;
  }
}
