package org.psychcode.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * The server as the local two-command start runs it (security off): stored data answers without a token, a token sent
 * is not looked at, nothing describes a token no one can get, and the audit trail is written all the same, naming the
 * client by its network address.
 */
class SecurityOffTest extends ServerTestBase {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<String> withToken(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/fhir+json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void storedDataAnswersWithoutATokenAndAnyTokenIsIgnored() throws Exception {
    Patient p = new Patient();
    p.addIdentifier().setSystem("http://example.org/fhir/mrn").setValue("MRN-" + UUID.randomUUID());
    HttpResponse<String> created = withToken("POST", "/fhir/Patient", FHIR.newJsonParser().encodeResourceToString(p), null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
    assertThat(withToken("GET", "/fhir/Patient/" + id, null, null).statusCode()).isEqualTo(200);
    assertThat(withToken("GET", "/fhir/Patient/" + id, null, "not-a-jwt").statusCode()).isEqualTo(200);
    assertThat(withToken("GET", "/fhir/Patient?_id=" + id, null, null).statusCode()).isEqualTo(200);

    List<AuditEvent> events = List.of();
    for (int i = 0; i < 100 && events.size() < 4; i++) {
      HttpResponse<String> r = withToken("GET", "/fhir/AuditEvent?entity=Patient/" + id + "&_count=50", null, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      events = FHIR.newJsonParser().parseResource(Bundle.class, r.body()).getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
      if (events.size() < 4) {
        Thread.sleep(100);
      }
    }
    assertThat(events).extracting(AuditEvent::getAction)
        .contains(AuditEvent.AuditEventAction.C, AuditEvent.AuditEventAction.R);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(e.getAgent()).anySatisfy(a -> {
        assertThat(a.getRequestor()).isTrue();
        assertThat(a.getName()).isEqualTo("anonymous");
      });
      assertThat(e.getAgent()).anySatisfy(a -> assertThat(a.getNetwork().getAddress()).isNotBlank());
    });
  }

  @Test
  void noTokenIsDescribedWhenNoneIsAskedFor() throws Exception {
    assertThat(withToken("GET", "/.well-known/smart-configuration", null, null).statusCode()).isEqualTo(404);
    HttpResponse<String> r = withToken("GET", "/fhir/metadata", null, null);
    CapabilityStatement cs = FHIR.newJsonParser().parseResource(CapabilityStatement.class, r.body());
    assertThat(cs.getRestFirstRep().hasSecurity()).isFalse();
  }
}
