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
  /** {@code Claim/$submit}: the Claim, what came with it and the ClaimResponse are each written as a CREATE too. */
  SUBMIT
}
