package org.psychcode.fhir.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.validation.*}: how {@code $validate} is prepared and bounded.
 *
 * @param warmUp {@code background} (the port opens at once, {@code /actuator/health/readiness} reports ready
 *     once the validator is warm, and a {@code $validate} that comes earlier waits for the validator),
 *     {@code blocking} (the port opens once the validator is warm) or {@code off}
 * @param warmUpMillis how long the warm-up goes on validating example visits, after validating each once, so the JIT
 *     compiles the hot path before readiness (0: one pass only)
 * @param idleWarmUpMillis once the server is ready, for how long the example visits go on being validated
 *     while no client request has come for a while, so the JIT finishes compiling the validator (0: not at all)
 * @param maxBundleEntries the most entries a posted Bundle may hold (1,000: validating one takes about 40 KB of heap
 *     per entry)
 * @param validatorPool how many profile validations run at once (0: one per processor)
 */
@ConfigurationProperties("psychcode.validation")
public record ValidationProperties(
    String warmUp, Integer warmUpMillis, Integer idleWarmUpMillis, Integer maxBundleEntries, Integer validatorPool) {

  public ValidationProperties {
    warmUp = warmUp == null || warmUp.isBlank() ? "background" : warmUp.trim().toLowerCase(java.util.Locale.ROOT);
    warmUpMillis = warmUpMillis == null ? 0 : Math.max(0, warmUpMillis);
    idleWarmUpMillis = idleWarmUpMillis == null ? 30_000 : Math.max(0, idleWarmUpMillis);
    maxBundleEntries = maxBundleEntries == null ? 1000 : maxBundleEntries;
    validatorPool = validatorPool == null || validatorPool <= 0 ? Math.max(2, Runtime.getRuntime().availableProcessors()) : validatorPool;
    if (!java.util.List.of("blocking", "background", "off").contains(warmUp)) {
      throw new IllegalArgumentException("psychcode.validation.warm-up must be blocking, background or off, not " + warmUp);
    }
  }
}
