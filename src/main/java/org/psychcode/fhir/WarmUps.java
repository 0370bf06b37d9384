package org.psychcode.fhir;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The one background thread that the warm-ups run on after start-up, one after another in the order they are
 * submitted. On a server with few cores, warm-ups that run side by side slow each other down: the validator's
 * warm-up, which readiness waits for, goes first, and the terminology warm-up after it. A warm-up that runs
 * once the server is ready steps aside while client requests are being served ({@link #stepAside}), so the
 * first requests do not share the processors with it; the count of those requests comes from a filter in
 * front of {@code /fhir/*}.
 */
@Component
public class WarmUps implements DisposableBean {

  private static final long PAUSE_NANOS = 1_000_000L;
  private static final long QUIET_NANOS = 200_000_000L;

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "warm-up");
            t.setDaemon(true);
            return t;
          });

  private final AtomicInteger serving = new AtomicInteger();
  private volatile long lastRequestNanos = System.nanoTime() - QUIET_NANOS;

  /** Runs the warm-up once those submitted before it are done. */
  public void submit(Runnable warmUp) {
    thread.execute(warmUp);
  }

  public void requestStarted() {
    serving.incrementAndGet();
    lastRequestNanos = System.nanoTime();
  }

  public void requestFinished() {
    lastRequestNanos = System.nanoTime();
    serving.decrementAndGet();
  }

  /**
   * Waits while client requests are being served or one ended in the last {@value #QUIET_NANOS} ns (under load
   * there are gaps between requests too short to fill with warm-up work), but not past {@code deadlineNanos}
   * (a {@link System#nanoTime} value). Answers whether the deadline is still ahead.
   */
  public boolean stepAside(long deadlineNanos) {
    while (serving.get() > 0 || System.nanoTime() - lastRequestNanos < QUIET_NANOS) {
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
    return System.nanoTime() < deadlineNanos;
  }

  @Override
  public void destroy() {
    thread.shutdownNow();
  }
}
