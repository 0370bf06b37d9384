package org.psychcode.fhir.store;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Called inside the database transaction of every write: each create, update and delete, each entry of a transaction
 * or batch, and each resource {@code Claim/$submit} stores. What a listener writes with the {@link JdbcTemplate} it is
 * given goes through the same connection and transaction as the write, so an AuditEvent or a reporting row commits
 * or rolls back with it (a transaction that fails after the listener ran leaves neither). A listener that throws
 * rolls the write back; a HAPI {@code BaseServerResponseException} it throws is the client's answer.
 *
 * <p>A listener that records the database transaction as a whole (one audit record naming everything it wrote) uses
 * {@link #committing} instead: called once, just before the commit, with every write of the transaction.
 *
 * <p>Register one as a Spring bean. Listeners run in {@code @Order}; keep them cheap, they are on the write path.
 */
public interface StoreWriteListener {

  /** One write, once its rows are in the database (before the transaction's next read, or before it commits). */
  default void written(StoreWrite write, JdbcTemplate sameTransaction) {}

  /**
   * Every write of the database transaction, in the order made, once all of them (and what the listeners' {@link
   * #written} added) are in the database, just before it commits: what the listener writes now commits with them, and
   * a throw rolls them back. Not called for a transaction that wrote nothing a listener is told of.
   */
  default void committing(List<StoreWrite> writes, JdbcTemplate sameTransaction) {}
}
