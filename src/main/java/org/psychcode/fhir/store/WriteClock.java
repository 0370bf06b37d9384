package org.psychcode.fhir.store;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The time a write stamps on what it stores ({@code meta.lastUpdated}, the {@code last_updated} columns), and an
 * instant that is settled: every write stamped at or before it has committed or rolled back, and every write still to
 * come stamps a later time. A bulk export reads the store as it stood at a settled instant, so the resources it counts
 * when it cuts its files are the ones the files hold when downloaded later. (With the time of the kick-off instead, a
 * write stamped just before it but committed after the files were counted turned up in a file uncounted.)
 *
 * <p>A transaction that writes holds a shared hold from its first stamp until it ends; {@link #settledInstant} takes the
 * hold alone for a moment, so it waits for the writes stamped before it to end and new writes wait for it (at most as
 * long as the longest write then open). On PostgreSQL the hold is a transaction-scoped advisory lock, which every
 * server on the database sees; on H2, whose file one process owns, a JVM read-write lock.
 */
@Component
public class WriteClock {

  /** The advisory lock's two keys: "PSC" and 1 (PostgreSQL keeps two-key locks apart from the criteria's one-key locks). */
  private static final int LOCK_SPACE = 0x505343;

  private static final int LOCK_ID = 1;

  /** How long {@link #settledInstant} waits in all for the writes open to end. */
  private static final long MAX_WAIT_MS = 120_000;

  /** Bound to a transaction while it holds its shared hold. */
  private static final Object HELD = new Object();

  private final JdbcTemplate jdbc;
  private final boolean advisory;
  private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();
  private final TransactionTemplate alone;

  WriteClock(JdbcTemplate jdbc, StoreDatabase database, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.advisory = database.kind() == StoreDatabase.Kind.POSTGRESQL;
    this.alone = new TransactionTemplate(transactions);
    alone.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    alone.setReadOnly(true);
  }

  /** The time to stamp on a write of the current transaction (epoch ms); the transaction holds its hold until it ends. */
  long stamp() {
    if (!TransactionSynchronizationManager.hasResource(HELD)) {
      if (advisory) {
        jdbc.query("SELECT pg_advisory_xact_lock_shared(?, ?)", rs -> null, LOCK_SPACE, LOCK_ID);
      } else {
        writes.readLock().lock();
      }
      TransactionSynchronizationManager.bindResource(HELD, Boolean.TRUE);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(HELD);
              if (!advisory) {
                writes.readLock().unlock();
              }
            }
          });
    }
    return System.currentTimeMillis();
  }

  /**
   * A settled instant (epoch ms), no earlier than any write committed before the call. Waits for the writes open now
   * to end. Each try waits a bounded time and lets the writes waiting behind it go on before the next (a write that
   * holds a row lock another open write needs, and waits for its own hold behind this call, would otherwise wait
   * forever); the tries wait longer each time, up to {@code MAX_WAIT_MS} in all. Not to be called from a transaction
   * that has written (it would wait for itself).
   */
  public long settledInstant() {
    if (TransactionSynchronizationManager.hasResource(HELD)) {
      throw new IllegalStateException("a transaction that has written cannot wait for every write to end");
    }
    long deadline = System.currentTimeMillis() + MAX_WAIT_MS;
    for (long wait = 50; ; wait = Math.min(wait * 2, 5_000)) {
      Long instant = advisory ? settledOnDatabase(wait) : settledInProcess(wait);
      if (instant != null) {
        return instant;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new CannotAcquireLockException("the writes open did not end within " + MAX_WAIT_MS / 1000 + " s");
      }
      Thread.yield();
    }
  }

  private Long settledInProcess(long waitMs) {
    try {
      if (!writes.writeLock().tryLock(waitMs, TimeUnit.MILLISECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotAcquireLockException("interrupted while waiting for the writes open to end", e);
    }
    try {
      return nextTick();
    } finally {
      writes.writeLock().unlock();
    }
  }

  private Long settledOnDatabase(long waitMs) {
    try {
      return alone.execute(
          s -> {
            jdbc.execute("SET LOCAL lock_timeout = " + waitMs);
            jdbc.query("SELECT pg_advisory_xact_lock(?, ?)", rs -> null, LOCK_SPACE, LOCK_ID);
            return nextTick();
          });
    } catch (DataAccessException e) {
      // lock_timeout: 55P03 (Spring's translation of it depends on its error-code tables, so the state is checked)
      if (e instanceof PessimisticLockingFailureException || e.getMostSpecificCause() instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Now, once the clock has moved past it: a write stamping after the hold is let go stamps a later millisecond, while
   * one that committed in this millisecond before the call is still at or before it.
   */
  private static long nextTick() {
    long now = System.currentTimeMillis();
    while (System.currentTimeMillis() <= now) {
      Thread.onSpinWait();
    }
    return now;
  }
}
