package org.psychcode.fhir.store;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Called inside the database transaction of every write: each create, update and delete, each entry of a transaction
 * or batch, and each resource {@code Claim/$submit} stores. What a listener writes with the {@link JdbcTemplate} it is
 * given goes through the same connection and transaction as the write, so an AuditEvent or a reporting row commits
 * or rolls back with it (a transaction that fails after the listener ran leaves neither). A listener that throws
 * rolls the write back; a HAPI {@code BaseServerResponseException} it throws is the client's answer.
 *
 * <p>Register one as a Spring bean. Listeners run in {@code @Order}; keep them cheap, they are on the write path.
 */
public interface StoreWriteListener {

  void written(StoreWrite write, JdbcTemplate sameTransaction);
}
