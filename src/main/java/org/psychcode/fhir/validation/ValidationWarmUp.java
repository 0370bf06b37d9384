package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.WarmUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

/**
 * Makes the first {@code $validate} about as fast as the hundredth. HAPI's validator loads the FHIR core
 * definitions on first use (seconds) and the JIT compiles its hot path only after many calls, so before the
 * web server opens its port ({@code warm-up: blocking}) the example visits of {@code fhir-resources/examples}
 * are validated, each time with other ids and minutes, through the same parse, read, profile, rules and
 * encode path a request takes. {@code background} does not hold the port back: the validator is built and warmed on
 * the warm-up thread from the moment this bean exists, while Spring builds the rest of the server and opens the
 * port, behind the readiness group ({@code /actuator/health/readiness}).
 */
final class ValidationWarmUp implements SmartLifecycle, HealthIndicator, InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(ValidationWarmUp.class);

  private final FhirContext ctx;
  private final VisitValidator validator;
  private final ValidationProperties properties;
  private volatile boolean running;
  private volatile boolean warm;

  private final WarmUps warmUps;

  ValidationWarmUp(FhirContext ctx, VisitValidator validator, ValidationProperties properties, WarmUps warmUps) {
    this.ctx = ctx;
    this.validator = validator;
    this.properties = properties;
    this.warmUps = warmUps;
  }

  /** Before the web server starts listening. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096;
  }

  @Override
  public void start() {
    running = true;
    switch (properties.warmUp()) {
      case "off" -> {
        warm = true;
        log.info("Validation warm-up is off: the first $validate loads the validator");
      }
      case "background" -> log.info("Validation warm-up: in the background, begun while the server starts; readiness waits for it");
      default -> warm();
    }
  }

  /**
   * In background mode the validator is built and warmed as soon as what it needs exists (this bean is created after
   * the validator, the terminology and the store), beside the rest of Spring's start-up (the auto-configured beans,
   * Tomcat, HAPI's servlet): started once the port was open, this pass was on the path to readiness alone. It is the
   * first warm-up submitted, so the others (the HTTP path's, the terminology's) run after it.
   */
  @Override
  public void afterPropertiesSet() {
    if ("background".equals(properties.warmUp())) {
      warmUps.submit(this::warm);
    }
  }

  /**
   * Part of the readiness group ({@code /actuator/health/readiness}): out of service until the validator is
   * built and warm, so a load balancer sends $validate traffic only once the first request is fast.
   */
  @Override
  public Health health() {
    return warm ? Health.up().build() : Health.outOfService().withDetail("validation", "warming up").build();
  }

  private void warm() {
    long start = System.nanoTime();
    try {
      validator.profileValidator();
      List<String> examples = ConformanceResources.texts("examples/*.json");
      long ready = System.nanoTime();
      long deadline = ready + properties.warmUpMillis() * 1_000_000L;
      int threads = Math.max(1, Math.min(properties.validatorPool(), Runtime.getRuntime().availableProcessors()));
      AtomicInteger rounds = new AtomicInteger();
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(CompletableFuture.runAsync(() -> warmLoop(examples, deadline, rounds)));
      }
      workers.forEach(CompletableFuture::join);
      log.info(
          "Validation warm: validator ready in {} ms, then {} example validations in {} ms",
          (ready - start) / 1_000_000,
          rounds.get(),
          (System.nanoTime() - ready) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("Validation warm-up stopped early: {}", e.toString());
    } finally {
      warm = true;
    }
  }

  /**
   * Validates every example once (what a first request would pay for: the definitions it reads, the classes it
   * loads, every fifth in XML), then on until the time budget ({@code warm-up-millis}) is spent.
   */
  private void warmLoop(List<String> examples, long deadline, AtomicInteger rounds) {
    IParser json = ctx.newJsonParser();
    IParser xml = ctx.newXmlParser();
    while (!examples.isEmpty() && (rounds.get() < examples.size() || System.nanoTime() < deadline)) {
      validateOnce(examples, rounds.getAndIncrement(), json, xml);
    }
  }

  /**
   * Once the server is ready, and after the other warm-ups: the JIT goes on compiling the validator's code
   * for tens of seconds of load after readiness (measured: a server loaded at once by 16 clients validated
   * about 270 visits a second in its first 10 s, 530 in the next, 710 by the fourth). So the example visits
   * go on being validated, one at a time and only once no client request has come for a while ({@link
   * WarmUps#stepAside}), for at most {@code psychcode.validation.idle-warm-up-millis}.
   */
  @EventListener(ApplicationReadyEvent.class)
  @Order(200)
  public void warmWhileIdle() {
    if ("off".equals(properties.warmUp()) || properties.idleWarmUpMillis() <= 0) {
      return;
    }
    warmUps.submit(
        () -> {
          long start = System.nanoTime();
          long deadline = start + properties.idleWarmUpMillis() * 1_000_000L;
          List<String> examples = ConformanceResources.texts("examples/*.json");
          IParser json = ctx.newJsonParser();
          IParser xml = ctx.newXmlParser();
          int rounds = 0;
          try {
            while (!examples.isEmpty() && warmUps.stepAside(deadline)) {
              validateOnce(examples, examples.size() + rounds++, json, xml);
            }
            log.info("Validation idle warm-up: {} example validations in {} ms", rounds, (System.nanoTime() - start) / 1_000_000);
          } catch (RuntimeException e) {
            log.warn("Validation idle warm-up stopped early: {}", e.toString());
          }
        });
  }

  private void validateOnce(List<String> examples, int round, IParser json, IParser xml) {
    String example = examples.get(round % examples.size());
    IBaseResource resource = vary(json.parseResource(example), round);
    boolean asXml = round % 5 == 4;
    String text = asXml ? xml.encodeResourceToString(resource) : json.encodeResourceToString(resource);
    IBaseResource parsed = asXml ? xml.parseResource(text) : json.parseResource(text);
    try {
      json.encodeResourceToString(validator.validate(parsed, text, asXml ? EncodingEnum.XML : EncodingEnum.JSON, null));
    } catch (RuntimeException expected) {
      // an example of bad input answers 4xx; warming that path is as useful
    }
  }

  /** The same visit with other ids and minutes, so no cache of whole answers is what gets warm. */
  private static IBaseResource vary(IBaseResource resource, int round) {
    List<Resource> resources = new ArrayList<>();
    if (resource instanceof Bundle b) {
      b.getEntry().forEach(e -> resources.add(e.getResource()));
    } else if (resource instanceof Resource r) {
      resources.add(r);
    }
    for (Resource r : resources) {
      if (r == null) {
        continue;
      }
      if (r.hasIdElement()) {
        r.setId(r.getIdElement().getIdPart() + "-w" + round);
      }
      if (r instanceof Encounter e && e.hasLength() && e.getLength().hasValue()) {
        e.getLength().setValue(e.getLength().getValue().add(java.math.BigDecimal.valueOf(round % 3)));
      }
    }
    return resource;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
