package org.psychcode.fhir.validation;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the profile validator once, on its own thread, when it is first asked for: by the warm-up (at start-up
 * or once the server is up, as {@code psychcode.validation.warm-up} says) or by the first {@code $validate},
 * whichever comes first. Building it takes seconds of CPU, so when it starts decides what it competes with.
 */
final class ProfileValidatorBuild {

  private static final Logger log = LoggerFactory.getLogger(ProfileValidatorBuild.class);
  private static final long READY_TIMEOUT_SECONDS = 120;

  private final Supplier<ProfileValidator> factory;
  private final CompletableFuture<ProfileValidator> result = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();

  ProfileValidatorBuild(Supplier<ProfileValidator> factory) {
    this.factory = factory;
  }

  void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    Thread build =
        new Thread(
            () -> {
              try {
                result.complete(factory.get());
              } catch (RuntimeException | Error e) {
                log.error("The profile validator could not be built", e);
                result.completeExceptionally(e);
              }
            },
            "profile-validator-init");
    build.setDaemon(true);
    build.start();
  }

  /** The validator, waiting for it to be built (starting the build if nothing has yet). */
  ProfileValidator get() {
    start();
    try {
      return result.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InternalErrorException("Interrupted while the profile validator was being prepared", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new InternalErrorException("The profile validator could not be prepared: " + e.getMessage(), e);
    }
  }
}
