package org.psychcode.fhir.validation;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * Finds a resource that a visit references but the request does not carry: the Encounter a claim line bills, the
 * Patient or Group an encounter is about, the Practitioner or PractitionerRole that billed. The store answers with
 * its current version, so {@code encounter-unresolved} means the encounter exists neither in the request nor on the
 * server.
 */
public interface StoredResources {

  /** Resolves nothing: for validation without a store. */
  StoredResources NONE = reference -> Optional.empty();

  /** The stored resource a reference ({@code Encounter/123}, an absolute URL of this server) names. */
  Optional<Resource> resolve(String reference);
}
