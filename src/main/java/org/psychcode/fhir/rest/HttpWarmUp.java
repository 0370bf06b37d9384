package org.psychcode.fhir.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.psychcode.fhir.validation.ValidationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Warms the HTTP path of {@code $validate} (Tomcat, the filters, HAPI's request binding and response
 * encoding) before the public port opens, so the first client request is not the one that pays for it. The
 * validation warm-up has run in-process by then; here the example visits are posted, in JSON and XML, to a
 * private connector on a loopback port that exists only for this warm-up, by two clients, for a third of
 * the validation warm-up's time (at least half a second) and at least {@value #MIN_REQUESTS} requests, never
 * beyond three times that time. Runs with {@code psychcode.validation.warm-up: blocking}, on Tomcat.
 */
@Component
class HttpWarmUp implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HttpWarmUp.class);
  private static final int MIN_REQUESTS = 40;

  private final ApplicationContext context;
  private final ValidationProperties properties;
  private volatile boolean running;

  HttpWarmUp(ApplicationContext context, ValidationProperties properties) {
    this.context = context;
    this.properties = properties;
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
    warm(tomcatServer);
  }

  private void warm(TomcatWebServer server) {
    Tomcat tomcat = server.getTomcat();
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    long start = System.nanoTime();
    AtomicInteger requests = new AtomicInteger();
    try {
      tomcat.getService().addConnector(connector);
      String base = "http://127.0.0.1:" + connector.getLocalPort() + "/fhir";
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<String> examples = examples();
      long budget = Math.max(500, properties.warmUpMillis() / 3) * 1_000_000L;
      long deadline = start + budget;
      long hardDeadline = start + 3 * budget;
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        clients.add(CompletableFuture.runAsync(() -> post(client, base, examples, requests, deadline, hardDeadline)));
      }
      clients.forEach(CompletableFuture::join);
      log.info("HTTP path warm: {} loopback requests in {} ms", requests.get(), (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("HTTP warm-up stopped early: {}", e.toString());
    } finally {
      tomcat.getService().removeConnector(connector);
      try {
        connector.destroy();
      } catch (org.apache.catalina.LifecycleException e) {
        log.debug("closing the warm-up connector", e);
      }
    }
  }

  /** Posts example visits until the budget is spent and {@value #MIN_REQUESTS} have been answered, or the hard deadline. */
  private static void post(HttpClient client, String base, List<String> examples, AtomicInteger requests, long deadline, long hardDeadline) {
    while (!examples.isEmpty()
        && (System.nanoTime() < deadline || requests.get() < MIN_REQUESTS)
        && System.nanoTime() < hardDeadline) {
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

  private static List<String> examples() {
    try {
      Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:/fhir-resources/examples/valid-*.json");
      Arrays.sort(files, Comparator.comparing(Resource::getFilename));
      List<String> texts = new ArrayList<>();
      for (Resource f : files) {
        try (InputStream in = f.getInputStream()) {
          texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
