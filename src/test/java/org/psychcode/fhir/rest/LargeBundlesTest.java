package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerProcess;

/**
 * The largest Bundles the server accepts (psychcode.validation.max-bundle-entries), posted by many clients at once to
 * a server with the heap of docker/jvm.options: each is answered, none waits beyond the budget of body bytes in
 * flight, and the server serves a visit afterwards. A 4,998-entry Bundle once ended Tomcat's connection thread with
 * an OutOfMemoryError at this heap.
 */
class LargeBundlesTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Pattern GAUGE = Pattern.compile("(?m)^(psychcode_http_[a-z_]+)(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    String heap = Files.readAllLines(Path.of("docker/jvm.options")).stream().filter(l -> l.startsWith("-Xmx")).findFirst().orElseThrow();
    server = ServerProcess.start("large-bundles", List.of(heap), List.of("--management.endpoints.web.exposure.include=health,prometheus"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** {@code visits} copies of the individual example visit, each with its own fullUrls and ids: 6 entries each. */
  private static String bundle(int visits) throws Exception {
    String visit = Files.readString(Path.of("fhir-resources/examples/valid-individual.json"));
    String entries = visit.substring(visit.indexOf('[', visit.indexOf("\"entry\"")) + 1, visit.lastIndexOf(']'));
    List<String> copies = new ArrayList<>();
    for (int v = 0; v < visits; v++) {
      String copy = entries.replace("9f00-0001000000", String.format("9f00-%010d", v * 100));
      copy = copy.replaceAll("\"id\": *\"([a-z]+-1)\"", "\"id\": \"$1-" + v + "\"");
      copies.add(copy);
    }
    return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + String.join(",", copies) + "]}";
  }

  private static HttpResponse<String> validate(String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(server.base() + "/Bundle/$validate"))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static double gauge(String metrics, String name) {
    Matcher m = GAUGE.matcher(metrics);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError(name + " is not in /actuator/prometheus");
  }

  @Test
  void answersEveryLargestBundleFromManyClientsAtOnceWithinTheBudget() throws Exception {
    String large = bundle(166);
    assertThat(large.split("\"fullUrl\"", -1)).hasSize(997);
    int clients = 8;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      answers.add(CompletableFuture.supplyAsync(() -> {
        try {
          return validate(large);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, threads));
    }
    threads.shutdown();
    AtomicBoolean sawWaiting = new AtomicBoolean();
    AtomicLong mostInFlight = new AtomicLong();
    while (!answers.stream().allMatch(CompletableFuture::isDone)) {
      URI prometheus = URI.create(server.base().replace("/fhir", "/actuator/prometheus"));
      String metrics = HTTP.send(HttpRequest.newBuilder(prometheus).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (gauge(metrics, "psychcode_http_bodies_waiting") > 0) {
        sawWaiting.set(true);
      }
      mostInFlight.accumulateAndGet((long) gauge(metrics, "psychcode_http_body_bytes_in_flight_bytes"), Math::max);
      Thread.sleep(50);
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> r = answer.join();
      assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
      assertThat(r.body()).contains("\"OperationOutcome\"");
    }
    assertThat(sawWaiting).as("large bodies waited for one another").isTrue();
    assertThat(mostInFlight.get()).as("at most one 1,000-entry Bundle is read at a time").isGreaterThan(0).isLessThan(2L * large.length());
    assertThat(validate(bundle(1)).statusCode()).isEqualTo(200);
    assertThat(Files.readString(server.log())).doesNotContain("OutOfMemoryError");
  }
}
