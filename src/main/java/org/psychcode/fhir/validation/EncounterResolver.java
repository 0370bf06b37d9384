package org.psychcode.fhir.validation;

import java.util.Optional;
import org.hl7.fhir.r4.model.Encounter;

/**
 * Finds an Encounter that a claim line references but the request does not carry. Storage is where such
 * Encounters live; until the server stores resources, nothing is found and the line is reported as
 * {@code encounter-unresolved}.
 */
public interface EncounterResolver {

  /** Resolves nothing: the server holds no stored Encounters. */
  EncounterResolver NONE = reference -> Optional.empty();

  /** The stored Encounter a reference ({@code Encounter/123}, an absolute URL) names. */
  Optional<Encounter> resolve(String reference);
}
