package org.psychcode.fhir.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.store.Interaction;

/**
 * The stored JSON of an AuditEvent is written by {@link AuditEventJson}, not by HAPI's encoder; it must be exactly what
 * HAPI would write, since searches answer the stored JSON as it is. Every kind of event {@link AuditEvents} makes, from
 * every kind of requestor, stamped as the store stamps it, against HAPI's own encoding.
 */
class AuditEventJsonTest {

  private static final FhirContext CTX = FhirContext.forR4Cached();

  private static final List<Requestor> WHO =
      List.of(
          new Requestor(null, null, null, null, null, null, null, null, null, null, null),
          new Requestor(null, null, null, null, null, "127.0.0.1", "http://localhost:8080/fhir", "kNJSE6OpsITdgf09", null, "POST", "/fhir"),
          new Requestor(
              "https://issuer.example/realms/x",
              "user-7",
              "Dr. Ada \"Quote\" Lovelace\\ é ✓",
              "Practitioner/p1",
              "ehr-client",
              "10.0.0.7",
              "https://psychcode.example/fhir",
              "req-\u0001-tab\t",
              "Claim/$submit",
              "GET",
              "/fhir/Encounter?patient=Patient/1&date=ge2025-01-01"),
          new Requestor("https://issuer", "u", "  ", null, "c", null, null, "  ", "$export", null, null));

  @Test
  void writeEventsAreHapisEncoding() {
    for (Requestor who : WHO) {
      for (Interaction i : List.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE)) {
        same(AuditEvents.write(i, set("Patient/1"), set("Patient/1"), who));
        same(AuditEvents.write(i, set("Organization/o"), set(), who));
        same(AuditEvents.write(i, set("Practitioner/a", "Encounter/b", "Claim/c"), set("Patient/9", "Patient/10"), who));
      }
    }
  }

  @Test
  void readSearchAndRefusedEventsAreHapisEncoding() {
    for (Requestor who : WHO) {
      List<AuditEvent> events = new ArrayList<>();
      for (Interaction i : List.of(Interaction.READ, Interaction.VREAD, Interaction.HISTORY_INSTANCE, Interaction.HISTORY_TYPE)) {
        events.addAll(AuditEvents.read(i, "Encounter", "e1", set("Patient/1", "Patient/2"), who));
        events.addAll(AuditEvents.read(i, "Organization", "o1", set(), who));
      }
      events.addAll(AuditEvents.search("search-type", set(), who));
      events.addAll(AuditEvents.search("history-type", set("Patient/3"), who));
      events.add(AuditEvents.refused("read", AuditEventAction.R, "Patient/1", "No scope for Patient.", who));
      events.add(AuditEvents.refused("search-type", AuditEventAction.E, null, "The token has expired.", who));
      events.forEach(AuditEventJsonTest::same);
    }
  }

  /** Stamped as the store stamps a record ({@code ResourceStore.record}), then encoded both ways. */
  private static void same(AuditEvent e) {
    e.setId(new IdType("AuditEvent", "01a24c42-0fdb-7ec0-9fd0-cd73df67b08e", "1"));
    e.getMeta().setVersionId("1");
    e.getMeta().setLastUpdated(new Date(1_796_000_000_123L));
    assertEquals(CTX.newJsonParser().encodeResourceToString(e), AuditEventJson.write(e));
  }

  private static Set<String> set(String... values) {
    return new LinkedHashSet<>(List.of(values));
  }
}
