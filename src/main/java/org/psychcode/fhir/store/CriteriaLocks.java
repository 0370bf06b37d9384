package org.psychcode.fhir.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The lock a conditional create holds on its criteria ({@code Patient?identifier=sys|123}) from before it searches
 * until its transaction ends, so that two writes creating "the patient with this MRN" at once create it once: the
 * second waits, then finds the first one's patient. Nothing is written for it. On PostgreSQL it is a
 * transaction-scoped advisory lock on a 64-bit hash of the criteria ({@code pg_advisory_xact_lock}), which every
 * server sharing the database sees and which PostgreSQL releases at commit or rollback and checks for deadlocks; on
 * H2, whose file one process owns, one of 4,096 JVM locks, released when the transaction ends, waited for at most
 * 10 seconds (then the transaction is retried, as after a lost database lock). Two criteria hashing alike only wait
 * for each other.
 */
@Component
class CriteriaLocks {

  private static final long WAIT_SECONDS = 10;

  private final JdbcTemplate jdbc;
  private final boolean advisory;
  private final ReentrantLock[] stripes = new ReentrantLock[4096];

  CriteriaLocks(JdbcTemplate jdbc, StoreDatabase database) {
    this.jdbc = jdbc;
    this.advisory = database.kind() == StoreDatabase.Kind.POSTGRESQL;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Locks the criteria ({@code Type?normalized query}) until the current transaction ends. */
  void lock(String criteria) {
    long key = hash(criteria);
    if (advisory) {
      jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> null, key);
      return;
    }
    ReentrantLock lock = stripes[stripe(key)];
    try {
      if (!lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new CannotAcquireLockException("the criteria " + criteria + " stayed locked");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotAcquireLockException("interrupted while waiting for the criteria's lock", e);
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            lock.unlock();
          }
        });
  }

  /**
   * Locks several criteria, always in the same order (that of their locks), so that two transactions each creating
   * the same two patients never wait for each other.
   */
  void lockAll(java.util.Collection<String> criteria) {
    criteria.stream()
        .distinct()
        .sorted(java.util.Comparator.comparingLong(c -> advisory ? hash(c) : stripe(hash(c))))
        .forEach(this::lock);
  }

  private int stripe(long key) {
    return (int) Math.floorMod(key, (long) stripes.length);
  }

  static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
