package org.psychcode.fhir.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * Spring's JDBC transaction manager, and on an H2 file one more step after each commit that may have written:
 * {@code CHECKPOINT}, which writes what was committed to the file before the commit returns (H2's
 * {@code MVStore.commit()}, the same write that {@code WRITE_DELAY=0} makes at every commit). So an acknowledged write
 * survives a {@code kill -9} while H2 keeps its background writer, which {@code WRITE_DELAY=0} switches off and which
 * alone compacts the file: without it every commit appends a chunk that is never reclaimed (1.7 GB after 10,000
 * visits). (It is switched off only until the server is ready: {@link H2BackgroundWriter}.) H2 does not fsync here: a
 * power cut can still lose the last commits.
 *
 * <p>Group commit: one {@code CHECKPOINT} writes every transaction committed before it started, so a commit waits
 * for the checkpoint in progress and returns without one of its own when a checkpoint that started after its commit
 * has written it. Concurrent writers share one file write instead of each writing the B-tree pages all of them
 * changed (the root and right-most pages of every table and index the visits append to).
 */
final class StoreTransactionManager extends JdbcTransactionManager {

  private final boolean checkpoint;
  /** Commits that wrote, counted in the order they completed in memory. */
  private final AtomicLong committed = new AtomicLong();
  /** Held while a checkpoint runs; guards {@link #durable}. */
  private final ReentrantLock writing = new ReentrantLock();
  /** Every commit up to this count is in the file. */
  private long durable;

  StoreTransactionManager(DataSource dataSource, StoreDatabase database) {
    super(dataSource);
    this.checkpoint = database.kind() == StoreDatabase.Kind.H2_FILE;
  }

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    super.doCommit(status);
    if (checkpoint && !status.isReadOnly()) {
      long mine = committed.incrementAndGet();
      writing.lock();
      try {
        if (durable >= mine) {
          return;
        }
        long upTo = committed.get();
        Connection con = ((JdbcTransactionObjectSupport) status.getTransaction()).getConnectionHolder().getConnection();
        try (Statement s = con.createStatement()) {
          s.execute("CHECKPOINT");
        } catch (SQLException e) {
          throw translateException("H2 CHECKPOINT after commit", e);
        }
        durable = upTo;
      } finally {
        writing.unlock();
      }
    }
  }
}
