package org.psychcode.fhir.rules;

import java.util.List;

/**
 * Where a claim line's {@code item.encounter} leads: nowhere (absent), to nothing (unresolved), or to an
 * Encounter read from the request or the store.
 *
 * @param reference the reference as written, for messages
 * @param path FHIRPath of the reference element, e.g. {@code Claim.item[0].encounter[0]}
 * @param encounter the resolved Encounter; null unless {@link State#RESOLVED}
 * @param problem for an unresolved reference, why (e.g. "points at a Patient")
 * @param further the Encounters of the item's further {@code encounter} references, when it has several (the
 *     rules read the first; crisis time adds up all of a date's)
 */
public record EncounterLink(
    State state, String reference, String path, EncounterFacts encounter, String problem, List<EncounterFacts> further) {

  public enum State {
    ABSENT,
    UNRESOLVED,
    RESOLVED
  }

  public static EncounterLink absent(String itemPath) {
    return new EncounterLink(State.ABSENT, null, itemPath + ".encounter", null, null, List.of());
  }

  public static EncounterLink unresolved(String reference, String path, String problem) {
    return new EncounterLink(State.UNRESOLVED, reference, path, null, problem, List.of());
  }

  public static EncounterLink resolved(String reference, String path, EncounterFacts encounter) {
    return new EncounterLink(State.RESOLVED, reference, path, encounter, null, List.of());
  }

  /** The same link, with the Encounters of the item's further references. */
  public EncounterLink withFurther(List<EncounterFacts> encounters) {
    return new EncounterLink(state, reference, path, encounter, problem, List.copyOf(encounters));
  }

  public boolean isResolved() {
    return state == State.RESOLVED;
  }
}
