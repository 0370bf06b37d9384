package org.psychcode.fhir.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
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
 *
 * <p>Gathering ({@code psychcode.store.commit-gather-micros}, 0 = off): the commit that is to write the checkpoint
 * first waits, at most that long, while other write transactions are still open, so that the one checkpoint carries
 * their commits too. The wait ends as soon as no other write transaction is open (every other writer has committed,
 * rolled back, or is itself waiting for the checkpoint). Nothing changes for durability: a commit still returns only
 * once a checkpoint that started after it has written it.
 */
final class StoreTransactionManager extends JdbcTransactionManager {

  private final boolean checkpoint;
  private final long gatherNanos;
  /** Commits that wrote, counted in the order they completed in memory. */
  private final AtomicLong committed = new AtomicLong();
  /** Held while a checkpoint runs (and while its writer gathers); guards {@link #durable}. */
  private final ReentrantLock writing = new ReentrantLock();
  /** Every commit up to this count is in the file. */
  private long durable;
  /** The write transactions begun and not yet committed or rolled back (only counted when gathering). */
  private final Set<Object> open = ConcurrentHashMap.newKeySet();
  /** Signalled when a write transaction leaves {@link #open}. */
  private final ReentrantLock gate = new ReentrantLock();
  private final Condition closed = gate.newCondition();

  StoreTransactionManager(DataSource dataSource, StoreDatabase database, long gatherMicros) {
    super(dataSource);
    this.checkpoint = database.kind() == StoreDatabase.Kind.H2_FILE;
    this.gatherNanos = checkpoint ? TimeUnit.MICROSECONDS.toNanos(Math.max(0, gatherMicros)) : 0;
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {
    super.doBegin(transaction, definition);
    if (gatherNanos > 0 && !definition.isReadOnly()) {
      open.add(transaction);
    }
  }

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    try {
      super.doCommit(status);
    } finally {
      closed(status.getTransaction());
    }
    if (checkpoint && !status.isReadOnly()) {
      long mine = committed.incrementAndGet();
      boolean interrupted = false;
      writing.lock();
      try {
        if (durable >= mine) {
          return;
        }
        interrupted = gather();
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
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  protected void doCleanupAfterCompletion(Object transaction) {
    closed(transaction);
    super.doCleanupAfterCompletion(transaction);
  }

  /**
   * Waits, at most {@link #gatherNanos}, until no other write transaction is open. Whether the thread was interrupted
   * while it waited: the interrupt is restored only after the checkpoint, since an interrupt inside H2's file I/O
   * closes its file channel.
   */
  private boolean gather() {
    if (gatherNanos == 0 || open.isEmpty()) {
      return false;
    }
    gate.lock();
    try {
      long left = gatherNanos;
      while (!open.isEmpty() && left > 0) {
        left = closed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      return true;
    } finally {
      gate.unlock();
    }
    return false;
  }

  private void closed(Object transaction) {
    if (gatherNanos > 0 && open.remove(transaction)) {
      gate.lock();
      try {
        closed.signalAll();
      } finally {
        gate.unlock();
      }
    }
  }
}
