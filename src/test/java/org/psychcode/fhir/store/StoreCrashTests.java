package org.psychcode.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerProcess;

/**
 * What the store keeps when its server dies: a server process killed with {@code kill -9} while clients stream visit
 * transactions at it restarts with every transaction it acknowledged and none half-stored; a normal restart keeps
 * everything; a database written by schema version 1 is migrated and keeps its resources. Run against an H2 file
 * ({@link StoreCrashH2Test}) and PostgreSQL ({@link StoreCrashPostgresTest}).
 */
abstract class StoreCrashTests {

  static final String MRN = StoreTestBase.MRN;
  static final List<String> TYPES = List.of("Patient", "Practitioner", "Organization", "Coverage", "Encounter", "Claim");
  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A new, empty database of the kind under test: its JDBC URL. */
  abstract String newDatabase();

  /** The server arguments that point it at that database. */
  abstract List<String> database(String url);

  abstract String user();

  abstract String password();

  @Test
  void aServerKilledMidStreamRestartsWithEveryAcknowledgedTransactionAndNoPartialOne() throws Exception {
    String url = newDatabase();
    String legacy = storeAtVersionOne(url);
    List<String> args = new ArrayList<>(database(url));
    args.add("--psychcode.store.validation=off");

    Set<String> attempted = ConcurrentHashMap.newKeySet();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (ServerProcess first = ServerProcess.start(getClass().getSimpleName() + "-first", args)) {
      assertThat(send("GET", first.base() + "/Patient/" + legacy, null).statusCode()).as("the version 1 patient after migrating").isEqualTo(200);
      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger failures = new AtomicInteger();
      int clients = 4;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      for (int c = 0; c < clients; c++) {
        int client = c;
        pool.submit(
            () -> {
              for (int i = 0; !killed.get(); i++) {
                String mrn = "CRASH-" + client + "-" + i;
                try {
                  String body = StoreTestBase.json(StoreTestBase.visit("valid-individual", mrn));
                  attempted.add(mrn);
                  HttpResponse<String> r = send("POST", first.base(), body);
                  if (r.statusCode() == 200) {
                    acknowledged.add(mrn);
                  } else {
                    failures.incrementAndGet();
                  }
                } catch (Exception e) {
                  if (!killed.get()) {
                    failures.incrementAndGet();
                  }
                }
              }
              return null;
            });
      }
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (acknowledged.size() < 40 && System.nanoTime() < end && failures.get() == 0) {
        Thread.sleep(20);
      }
      killed.set(true);
      first.kill();
      pool.shutdown();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      assertThat(failures.get()).as("transactions refused before the kill; see " + first.log()).isZero();
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);
    }
    assertThat(attempted).as("transactions in flight when the server was killed").hasSizeGreaterThan(acknowledged.size());

    int stored;
    try (ServerProcess second = ServerProcess.start(getClass().getSimpleName() + "-after-kill", args)) {
      stored = visitsStored(second);
      System.out.printf(
          "%s: killed with %d visits acknowledged and %d in flight; %d stored after the restart%n",
          getClass().getSimpleName(), acknowledged.size(), attempted.size() - acknowledged.size(), stored);
      assertThat(stored).isBetween(acknowledged.size(), attempted.size());
      for (String mrn : attempted) {
        int patients = total(second, "Patient?identifier=" + MRN + "|" + mrn);
        int claims = total(second, "Claim?patient.identifier=" + MRN + "|" + mrn);
        int encounters = total(second, "Encounter?patient.identifier=" + MRN + "|" + mrn);
        if (acknowledged.contains(mrn)) {
          assertThat(List.of(patients, encounters, claims)).as("acknowledged visit " + mrn).containsOnly(1);
        } else {
          assertThat(new java.util.HashSet<>(List.of(patients, encounters, claims))).as("visit " + mrn + " in flight: all or nothing").hasSize(1);
        }
      }
      assertThat(send("GET", second.base() + "/Patient/" + legacy, null).statusCode()).isEqualTo(200);
      second.stop();
    }

    try (ServerProcess third = ServerProcess.start(getClass().getSimpleName() + "-restart", args)) {
      assertThat(visitsStored(third)).as("after a normal restart").isEqualTo(stored);
      HttpResponse<String> more = send("POST", third.base(), StoreTestBase.json(StoreTestBase.visit("valid-individual", "AFTER-RESTART")));
      assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
      assertThat(visitsStored(third)).isEqualTo(stored + 1);
      assertThat(total(third, "Patient?identifier=" + MRN + "|LEGACY-1")).isEqualTo(1);

      // what operations watch on a server started as in production: its metrics, and its database in its health
      HttpResponse<String> metrics = send("GET", third.base().replace("/fhir", "/actuator/prometheus"), null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes{").contains("hikaricp_connections_active{").contains("process_uptime_seconds");
      assertThat(send("GET", third.base().replace("/fhir", "/actuator/health"), null).body()).contains("\"db\":{\"status\":\"UP\"}");
      third.stop();
    }
  }

  /**
   * The visits stored, after checking that every type of a visit has as many resources as the others (a half-stored
   * transaction would leave one type short).
   */
  private static int visitsStored(ServerProcess server) throws Exception {
    List<Integer> counts = new ArrayList<>();
    for (String type : TYPES) {
      counts.add(total(server, type + "?_summary=count") - ("Patient".equals(type) ? 1 : 0));
    }
    assertThat(counts).as("resources per type " + TYPES + " (the version 1 patient left out)").containsOnly(counts.get(0));
    return counts.get(0);
  }

  static int total(ServerProcess server, String query) throws Exception {
    HttpResponse<String> r = send("GET", server.base() + "/" + query.replace("|", "%7C"), null);
    assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, r.body()).getTotal();
  }

  static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", StoreTestBase.JSON);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Brings a new database to schema version 1 (the first store's) and stores a Patient the way that version did: an
   * identity key, a version row, an identifier index row. Its id.
   */
  String storeAtVersionOne(String url) throws SQLException {
    Flyway.configure().dataSource(url, user(), password()).locations("classpath:db/migration").target("1").load().migrate();
    Patient p = new Patient();
    p.setId("legacy-1");
    p.addIdentifier().setSystem(MRN).setValue("LEGACY-1");
    p.getMeta().setVersionId("1");
    String json = StoreTestBase.json(p);
    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection(url, user(), password())) {
      try (PreparedStatement s =
          c.prepareStatement("INSERT INTO resource (res_type, res_id, version, deleted, last_updated) VALUES ('Patient', 'legacy-1', 1, FALSE, ?)")) {
        s.setLong(1, now);
        s.executeUpdate();
      }
      long pk;
      try (PreparedStatement s = c.prepareStatement("SELECT res_pk FROM resource WHERE res_id = 'legacy-1'");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        pk = rs.getLong(1);
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO resource_version (res_pk, version, res_type, res_id, method, last_updated, content) VALUES (?, 1, 'Patient', 'legacy-1', 'POST', ?, ?)")) {
        s.setLong(1, pk);
        s.setLong(2, now);
        s.setString(3, json);
        s.executeUpdate();
      }
      try (PreparedStatement s =
          c.prepareStatement("INSERT INTO sp_token (res_pk, res_type, param, system, code) VALUES (?, 'Patient', 'identifier', ?, 'LEGACY-1')")) {
        s.setLong(1, pk);
        s.setString(2, MRN);
        s.executeUpdate();
      }
    }
    return "legacy-1";
  }
}
