package org.psychcode.fhir;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The one background thread that the warm-ups run on after start-up, one after another in the order they are
 * submitted. On a server with few cores, warm-ups that run side by side slow each other down: the validator's
 * warm-up, which readiness waits for, goes first, and the terminology warm-up after it.
 */
@Component
public class WarmUps implements DisposableBean {

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "warm-up");
            t.setDaemon(true);
            return t;
          });

  /** Runs the warm-up once those submitted before it are done. */
  public void submit(Runnable warmUp) {
    thread.execute(warmUp);
  }

  @Override
  public void destroy() {
    thread.shutdownNow();
  }
}
