package org.psychcode.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;

class HealthTest extends ServerTestBase {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> actuator(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health" + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void livenessIsUpAsSoonAsTheServerAnswers() throws Exception {
    HttpResponse<String> liveness = actuator("/liveness");

    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(liveness.body()).contains("\"UP\"");
  }

  @Test
  void readinessTurnsUpOnceTheValidatorIsWarm() throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    HttpResponse<String> readiness = actuator("/readiness");
    while (readiness.statusCode() != 200 && System.nanoTime() < deadline) {
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("OUT_OF_SERVICE");
      Thread.sleep(100);
      readiness = actuator("/readiness");
    }

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"UP\"");
  }

  @Test
  void healthNamesTheStoresDatabaseWithoutItsDetails() throws Exception {
    HttpResponse<String> health = actuator("");

    // 503 until the validator is warm (its own component); the database is up from the start
    assertThat(health.statusCode()).isIn(200, 503);
    assertThat(health.body()).contains("\"db\":{\"status\":\"UP\"}").doesNotContain("jdbc:").doesNotContain("H2");
  }

  /** prometheus is served too, but Spring's tests switch metrics export off: StoreCrashTests scrapes a real start. */
  @Test
  void onlyHealthAndPrometheusAreExposed() throws Exception {
    assertThat(endpoint("/actuator/env").statusCode()).isEqualTo(404);
    assertThat(endpoint("/actuator/metrics").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> endpoint(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
