package org.psychcode.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;
import org.yaml.snakeyaml.Yaml;

/**
 * The files of docker/, checked as far as a machine without a Docker engine can: the compose file parses as YAML and
 * its services, profiles, volumes and settings fit together and fit the image; the image is multi-stage, runs as a
 * user that is not root and has a health check, whose command is run here against the running server.
 */
class DockerFilesTest extends ServerTestBase {

  private static final Path DOCKER = Path.of("docker");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void theComposeFileStartsPostgresAndTheServerAndAProfileOfTwoReplicasBehindNginx() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsOnlyKeys("postgres", "psychcode", "replica", "nginx");

    Map<String, Object> postgres = map(services.get("postgres"));
    assertThat((List<String>) postgres.get("volumes")).contains("pgdata:/var/lib/postgresql/data");
    assertThat(map(compose.get("volumes"))).containsKey("pgdata");
    Map<String, Object> pgEnv = map(postgres.get("environment"));

    for (String name : List.of("psychcode", "replica")) {
      Map<String, Object> server = map(services.get(name));
      Map<String, Object> env = map(server.get("environment"));
      assertThat(env.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + pgEnv.get("POSTGRES_DB"));
      assertThat(env.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(pgEnv.get("POSTGRES_USER"));
      assertThat(env.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(pgEnv.get("POSTGRES_PASSWORD"));
      Map<String, Object> build = map(server.get("build"));
      assertThat(DOCKER.resolve(build.get("context").toString()).resolve(build.get("dockerfile").toString())).isRegularFile();
      assertThat(map(map(server.get("depends_on")).get("postgres")).get("condition")).isEqualTo("service_healthy");
    }
    assertThat((List<String>) map(services.get("psychcode")).get("ports")).containsExactly("8080:8080");
    Map<String, Object> replica = map(services.get("replica"));
    assertThat((List<String>) replica.get("profiles")).containsExactly("replicas");
    assertThat(map(replica.get("deploy")).get("replicas")).isEqualTo(2);
    assertThat(replica).doesNotContainKey("ports");

    Map<String, Object> nginx = map(services.get("nginx"));
    assertThat((List<String>) nginx.get("profiles")).containsExactly("replicas");
    String mount = ((List<String>) nginx.get("volumes")).get(0);
    assertThat(mount).endsWith(":/etc/nginx/nginx.conf:ro");
    String conf = Files.readString(DOCKER.resolve(mount.substring(0, mount.indexOf(':'))));
    assertThat(conf).contains("server replica:8080").contains("proxy_pass http://psychcode;").contains("proxy_set_header Host $http_host;");
    assertThat(conf.chars().filter(c -> c == '{').count()).isEqualTo(conf.chars().filter(c -> c == '}').count());
    assertThat(map(map(nginx.get("depends_on")).get("replica")).get("condition")).isEqualTo("service_healthy");
  }

  @Test
  void theImageIsMultiStageRunsAsItsOwnUserAndItsHealthCheckAsksReadiness() throws Exception {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
    assertThat(dockerfile).containsPattern("(?m)^USER psychcode$").containsPattern("(?m)^VOLUME /var/lib/psychcode/data$");
    Matcher health = Pattern.compile("(?m)^HEALTHCHECK .*\\\\\\n\\s+CMD (.*)$").matcher(dockerfile);
    assertThat(health.find()).as("a HEALTHCHECK with a shell-form CMD").isTrue();
    String command = health.group(1);

    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() != 200
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(healthCheck(command, port)).as("the health check against the ready server").isZero();
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(healthCheck(command, closed)).as("the health check against a port nothing listens on").isNotZero();

    // Not ready yet: the group answers 503 while its body already names the database as UP.
    com.sun.net.httpserver.HttpServer starting = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = "{\"status\":\"OUT_OF_SERVICE\",\"components\":{\"db\":{\"status\":\"UP\"}}}".getBytes();
    starting.createContext(
        "/actuator/health/readiness",
        exchange -> {
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    starting.start();
    try {
      assertThat(healthCheck(command, starting.getAddress().getPort())).as("the health check against a server not ready yet").isNotZero();
    } finally {
      starting.stop(0);
    }
  }

  /** Runs the health check's command as Docker would (sh -c), with SERVER_PORT set: its exit status. */
  private static int healthCheck(String command, int port) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
    pb.environment().put("SERVER_PORT", Integer.toString(port));
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
