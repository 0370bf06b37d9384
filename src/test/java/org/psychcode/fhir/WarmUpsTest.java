package org.psychcode.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WarmUpsTest {

  private final WarmUps warmUps = new WarmUps();

  @Test
  void warmUpsRunOneAfterAnotherInTheOrderSubmitted() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    warmUps.submit(() -> sleepThen(ran, "validation", 50));
    warmUps.submit(() -> ran.add("terminology"));
    warmUps.submit(done::countDown);
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("validation", "terminology");
    warmUps.destroy();
  }

  @Test
  void stepsAsideWhileRequestsAreServedButNotPastTheDeadline() {
    long start = System.nanoTime();
    assertThat(warmUps.stepAside(start + TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));

    warmUps.requestStarted();
    long waitFrom = System.nanoTime();
    assertThat(warmUps.stepAside(waitFrom + TimeUnit.MILLISECONDS.toNanos(30))).isFalse();
    assertThat(System.nanoTime() - waitFrom).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));

    warmUps.requestFinished();
    long quietFrom = System.nanoTime();
    assertThat(warmUps.stepAside(quietFrom + TimeUnit.SECONDS.toNanos(5))).isTrue();
    // under load the gaps between requests are too short to fill: it goes on only after a quiet spell
    assertThat(System.nanoTime() - quietFrom).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aRequestThatEndsLetsTheWarmUpGoOn() throws Exception {
    warmUps.requestStarted();
    Thread server = new Thread(() -> {
      sleepThen(new CopyOnWriteArrayList<>(), "served", 40);
      warmUps.requestFinished();
    });
    server.start();
    long waitFrom = System.nanoTime();
    assertThat(warmUps.stepAside(waitFrom + TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(System.nanoTime() - waitFrom).isBetween(TimeUnit.MILLISECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(4));
    server.join();
  }

  private static void sleepThen(List<String> ran, String name, long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ran.add(name);
  }
}
