package org.psychcode.fhir.rules;

/**
 * Where a claim line's {@code item.encounter} leads: nowhere (absent), to nothing (unresolved), or to an
 * Encounter read from the request or the store.
 *
 * @param reference the reference as written, for messages
 * @param path FHIRPath of the reference element, e.g. {@code Claim.item[0].encounter[0]}
 * @param encounter the resolved Encounter; null unless {@link State#RESOLVED}
 * @param problem for an unresolved reference, why (e.g. "points at a Patient")
 */
public record EncounterLink(State state, String reference, String path, EncounterFacts encounter, String problem) {

  public enum State {
    ABSENT,
    UNRESOLVED,
    RESOLVED
  }

  public static EncounterLink absent(String itemPath) {
    return new EncounterLink(State.ABSENT, null, itemPath + ".encounter", null, null);
  }

  public static EncounterLink unresolved(String reference, String path, String problem) {
    return new EncounterLink(State.UNRESOLVED, reference, path, null, problem);
  }

  public static EncounterLink resolved(String reference, String path, EncounterFacts encounter) {
    return new EncounterLink(State.RESOLVED, reference, path, encounter, null);
  }

  public boolean isResolved() {
    return state == State.RESOLVED;
  }
}
