package org.psychcode.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.AtOnce;
import org.psychcode.fhir.support.ServerProcess;
import org.psychcode.fhir.support.TestPostgres;

/**
 * {@link StoreCrashTests} on PostgreSQL (zonky's embedded PostgreSQL, commits synchronous), and two servers sharing one
 * PostgreSQL database as replicas behind a load balancer do.
 */
class StoreCrashPostgresTest extends StoreCrashTests {

  @Override
  String newDatabase() {
    return TestPostgres.newDatabase("crash");
  }

  @Override
  List<String> database(String url) {
    return TestPostgres.arguments(url);
  }

  @Override
  String user() {
    return "postgres";
  }

  @Override
  String password() {
    return "postgres";
  }

  @Test
  void twoServersOnOneDatabaseLetExactlyOneOfConcurrentIfMatchUpdatesWin() throws Exception {
    List<String> args = new ArrayList<>(TestPostgres.arguments(TestPostgres.newDatabase("replicas")));
    args.add("--psychcode.store.validation=off");
    try (ServerProcess a = ServerProcess.start("replica-a", args);
        ServerProcess b = ServerProcess.start("replica-b", args)) {
      Patient p = new Patient();
      p.addIdentifier().setSystem(MRN).setValue("REPLICAS-1");
      p.addName().setFamily("Rivera");
      HttpResponse<String> created = send("POST", a.base() + "/Patient", StoreTestBase.json(p));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
      p.setId(id);

      int writers = 8;
      List<Callable<Integer>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        ServerProcess server = i % 2 == 0 ? a : b;
        Patient mine = p.copy();
        mine.getNameFirstRep().setFamily("Writer" + i);
        String body = StoreTestBase.json(mine);
        writes.add(() -> send("PUT", server.base() + "/Patient/" + id, body, "If-Match", "W/\"1\"").statusCode());
      }
      List<Integer> statuses = AtOnce.run(writes);
      assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
      assertThat(statuses).filteredOn(s -> s == 412).hasSize(writers - 1);
      for (ServerProcess server : List.of(a, b)) {
        Patient read = FHIR.newJsonParser().parseResource(Patient.class, send("GET", server.base() + "/Patient/" + id, null).body());
        assertThat(read.getMeta().getVersionId()).isEqualTo("2");
      }

      // a conditional create of one MRN sent to both at once creates one Patient
      Patient same = new Patient();
      same.addIdentifier().setSystem(MRN).setValue("REPLICAS-2");
      List<Callable<Integer>> creates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ServerProcess server = i % 2 == 0 ? a : b;
        creates.add(
            () -> send("POST", server.base() + "/Patient", StoreTestBase.json(same), "If-None-Exist", "identifier=" + MRN + "|REPLICAS-2").statusCode());
      }
      List<Integer> createStatuses = AtOnce.run(creates);
      assertThat(createStatuses).filteredOn(s -> s == 201).hasSize(1);
      assertThat(createStatuses).filteredOn(s -> s == 200).hasSize(3);
      assertThat(total(b, "Patient?identifier=" + MRN + "|REPLICAS-2")).isEqualTo(1);

      // a page's next link, asked of the other server, goes on where the first left off
      HttpResponse<String> first = send("GET", a.base() + "/Patient?_count=1&_sort=_lastUpdated", null);
      Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, first.body());
      String next = page.getLink("next").getUrl().replace(a.base(), b.base());
      Bundle second = FHIR.newJsonParser().parseResource(Bundle.class, send("GET", next, null).body());
      assertThat(second.getEntry()).hasSize(1);
      assertThat(second.getEntryFirstRep().getResource().getIdElement().getIdPart())
          .isNotEqualTo(page.getEntryFirstRep().getResource().getIdElement().getIdPart());
    }
  }
}
