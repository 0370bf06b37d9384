package org.psychcode.fhir.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.psychcode.fhir.validation.ConformanceResources;
import org.psychcode.fhir.WarmUps;
import org.psychcode.fhir.validation.ValidationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Warms the HTTP path of {@code $validate} (Tomcat, the filters, HAPI's request binding and response
 * encoding), so the first client request is not the one that pays for it. The validation warm-up has run
 * in-process by then; here each valid example visit is posted once by one of two clients (every fourth answered in
 * XML), then on for a third of the validation warm-up's budget. With {@code psychcode.validation.warm-up:
 * blocking} that happens before the public port opens, on a private loopback connector that exists only for this
 * warm-up; with {@code background}, right after the validation warm-up on the {@link WarmUps} thread, over the
 * server's own port on the loopback address, and readiness ({@code /actuator/health/readiness}, contributor
 * {@code httpWarmUp}) waits for it.
 */
@Component("httpWarmUpHealthIndicator")
class HttpWarmUp implements SmartLifecycle, HealthIndicator, ApplicationListener<ApplicationReadyEvent>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(HttpWarmUp.class);

  private final ApplicationContext context;
  private final ValidationProperties properties;
  private final WarmUps warmUps;
  private volatile boolean running;
  private volatile boolean warm;

  HttpWarmUp(ApplicationContext context, ValidationProperties properties, WarmUps warmUps) {
    this.context = context;
    this.properties = properties;
    this.warmUps = warmUps;
    this.warm = !"background".equals(properties.warmUp());
  }

  /** After the validation warm-up, before the web server starts listening. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 3072;
  }

  @Override
  public void start() {
    running = true;
    if (!"blocking".equals(properties.warmUp())
        || !(context instanceof ServletWebServerApplicationContext web)
        || !(web.getWebServer() instanceof TomcatWebServer tomcatServer)) {
      return;
    }
    Tomcat tomcat = tomcatServer.getTomcat();
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    try {
      tomcat.getService().addConnector(connector);
      warm(connector.getLocalPort());
    } finally {
      tomcat.getService().removeConnector(connector);
      try {
        connector.destroy();
      } catch (org.apache.catalina.LifecycleException e) {
        log.debug("closing the warm-up connector", e);
      }
    }
  }

  /** In background mode: once the validation warm-up (submitted before this one) is done. */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (warm) {
      return;
    }
    int port = context instanceof ServletWebServerApplicationContext web ? web.getWebServer().getPort() : -1;
    warmUps.submit(
        () -> {
          try {
            if (port > 0) {
              warm(port);
            }
          } finally {
            warm = true;
          }
        });
  }

  @Override
  public int getOrder() {
    return 50;
  }

  /** Part of the readiness group: out of service until the HTTP path of {@code $validate} is warm. */
  @Override
  public Health health() {
    return warm ? Health.up().build() : Health.outOfService().withDetail("httpWarmUp", "warming up").build();
  }

  private void warm(int port) {
    long start = System.nanoTime();
    AtomicInteger requests = new AtomicInteger();
    try {
      String base = "http://127.0.0.1:" + port + "/fhir";
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<String> examples = ConformanceResources.texts("examples/valid-*.json");
      long deadline = start + properties.warmUpMillis() / 3 * 1_000_000L;
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        clients.add(CompletableFuture.runAsync(() -> post(client, base, examples, requests, deadline)));
      }
      clients.forEach(CompletableFuture::join);
      log.info("HTTP path warm: {} loopback requests in {} ms", requests.get(), (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("HTTP warm-up stopped early: {}", e.toString());
    }
  }

  /** Posts example visits until each has been posted once and the budget is spent. */
  private static void post(HttpClient client, String base, List<String> examples, AtomicInteger requests, long deadline) {
    while (!examples.isEmpty() && (requests.get() < examples.size() || System.nanoTime() < deadline)) {
      int n = requests.getAndIncrement();
      boolean xml = n % 4 == 3;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + "/Bundle/$validate" + (xml ? "?_format=xml" : "")))
              .header("Content-Type", "application/fhir+json")
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(examples.get(n % examples.size())))
              .build();
      try {
        client.send(request, HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
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
