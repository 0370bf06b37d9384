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

  /** Every line the time, session-type and telehealth rules look at: claim lines, then encounter lines. */
  public List<BilledLine> allLines() {
    List<BilledLine> all = new ArrayList<>();
    claims.forEach(c -> all.addAll(c.lines()));
    all.addAll(encounterLines);
    return all;
  }
}
