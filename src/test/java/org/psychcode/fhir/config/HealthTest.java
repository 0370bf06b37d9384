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
  void onlyHealthIsExposed() throws Exception {
    HttpResponse<String> env =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/env")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(env.statusCode()).isEqualTo(404);
  }
}
