package org.psychcode.fhir.store;

/** What a client asks of the store; a transaction's and a batch's entries are each one of these. */
public enum Interaction {
  CREATE,
  UPDATE,
  DELETE,
  READ,
  VREAD,
  SEARCH,
  HISTORY_INSTANCE,
  HISTORY_TYPE,
  /**
   * {@code Claim/$submit}: checked once for the request, and again for the ClaimResponse the server writes (the Claim and
   * what came with it are each checked as a CREATE); each is written, and told to the write listeners, as a CREATE.
   */
  SUBMIT
}
