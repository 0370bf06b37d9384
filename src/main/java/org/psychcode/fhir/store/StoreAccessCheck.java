package org.psychcode.fhir.store;

import java.util.List;
import java.util.Map;

/**
 * The one place every interaction with stored data passes before it happens: each REST interaction, each entry of a
 * transaction or batch, and each resource {@code Claim/$submit} stores. A check refuses by throwing a HAPI
 * {@code BaseServerResponseException} ({@code ForbiddenOperationException} 403, {@code AuthenticationException} 401)
 * with an OperationOutcome; inside a transaction that refusal rolls the whole Bundle back. Register one as a Spring
 * bean; with none, everything is allowed.
 */
public interface StoreAccessCheck {

  void check(StoreAccess access);

  /**
   * Called first, before the store does any work for the interaction (reads a body's profiles, parses criteria, locks a
   * row): whether this client may do this kind of interaction on this type at all. {@link #check} follows once the
   * resource and its compartments are known.
   */
  default void checkType(Interaction interaction, String type) {}

  /**
   * Criteria added to a search (AND-ed with the client's) before it runs, once {@link #check} allowed it: how a check
   * limits a search to what the client may see (a patient's compartment) rather than filtering the results afterwards.
   */
  default Map<String, List<String>> narrow(StoreAccess search) {
    return Map.of();
  }
}
