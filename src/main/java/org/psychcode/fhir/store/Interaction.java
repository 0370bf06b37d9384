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
  SUBMIT,
  /**
   * A report computed over every stored resource of the type ({@code $coding-profile} and {@code $evaluate-measure}
   * over Claim): reads them all, returns none.
   */
  REPORT,
  /**
   * A bulk export of the type's resources ({@code $export}): checked for each exported type at the kick-off and again
   * when one of its files is downloaded; the read listeners are not told each exported resource.
   */
  EXPORT
}
