package org.psychcode.fhir.rules;

import java.util.List;
import java.util.Optional;

/**
 * One Encounter as {@link BillingSuggester} reads it: the facts the rules read, and what a claim would take from
 * around it.
 *
 * @param reference how a claim line points at the encounter: its Bundle {@code fullUrl}, else {@code Encounter/<id>};
 *     null when it has neither
 * @param codes CPT and HCPCS codings of {@code Encounter.type} (an E/M code the visit was coded with)
 * @param providerTaxonomies NUCC codes of the participants (the Practitioner's qualification, the PractitionerRole's
 *     specialty)
 * @param place a place-of-service code from the type of the encounter's Location
 */
public record SessionToBill(
    EncounterFacts encounter, String reference, List<Coded> codes, List<String> providerTaxonomies, Optional<Coded> place) {

  public SessionToBill {
    codes = List.copyOf(codes);
    providerTaxonomies = List.copyOf(providerTaxonomies);
  }
}
