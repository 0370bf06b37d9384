package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.psychcode.fhir.rest.VisitFixtures.claim;
import static org.psychcode.fhir.rest.VisitFixtures.encounter;
import static org.psychcode.fhir.rest.VisitFixtures.json;
import static org.psychcode.fhir.rest.VisitFixtures.visit;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.psychcode.fhir.support.ServerTestBase;

/** What cannot be read as a visit answers 4xx with an OperationOutcome: never 500, never a stack trace. */
class BadInputTest extends ServerTestBase {

  private OperationOutcome refused(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).doesNotContain("at org.").doesNotContain("at ca.uhn");
    OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    return oo;
  }

  private static String expression(OperationOutcome oo) {
    return oo.getIssueFirstRep().getExpression().stream().map(StringType::getValue).findFirst().orElse(null);
  }

  @Nested
  class NotAResource {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hello", "{", "[1,2,3]", "{\"foo\":1}", "{\"resourceType\":\"Banana\"}", "{\"resourceType\":\"Bundle\",\"entry\":\"nope\"}"})
    void refusesBodiesThatAreNotFhir(String body) throws Exception {
      refused(post("/Bundle/$validate", "application/fhir+json", body), 400);
    }

    @Test
    void refusesABundleEntryWhoseResourceIsNotAResource() throws Exception {
      String body = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:1\",\"resource\":\"text\"}]}";
      refused(post("/Bundle/$validate", "application/fhir+json", body), 400);
    }

    @Test
    void refusesABundleEntryWithoutResource() throws Exception {
      String body = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:1\"}]}";
      assertThat(expression(refused(post("/Bundle/$validate", "application/fhir+json", body), 400))).isEqualTo("Bundle.entry[0]");
    }

    @Test
    void acceptsADeleteEntryOfATransactionWithoutResource() throws Exception {
      Bundle b = visit();
      b.setType(Bundle.BundleType.TRANSACTION);
      b.getEntry().forEach(e -> e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(e.getResource().fhirType()));
      b.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Encounter/old");
      assertThat(post("/Bundle/$validate", "application/fhir+json", json(b)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesTheWrongResourceType() throws Exception {
      OperationOutcome oo = refused(post("/Encounter/$validate", "application/fhir+json", json(claim(visit()))), 400);
      assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("Claim");
    }

    @Test
    void refusesXmlWithEntities() throws Exception {
      String xml =
          "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
              + "<Encounter xmlns=\"http://hl7.org/fhir\"><status value=\"&e;\"/></Encounter>";
      HttpResponse<String> r = post("/Encounter/$validate", "application/fhir+xml", xml);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("OperationOutcome").doesNotContain("root:");
    }

    @Test
    void refusesAContentTypeThatIsNotFhir() throws Exception {
      HttpResponse<String> r = post("/Encounter/$validate", "text/plain", json(encounter(visit())));
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(r.body()).contains("OperationOutcome").contains("text/plain");
    }
  }

  @Nested
  class NotAVisit {

    @Test
    void refusesAClaimWithoutItems() throws Exception {
      Bundle b = visit();
      claim(b).getItem().clear();
      assertThat(expression(refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 400))).isEqualTo("Bundle.entry[5].resource.item");
      assertThat(expression(refused(post("/Claim/$validate", "application/fhir+json", json(claim(b))), 400))).isEqualTo("Claim.item");
    }

    @Test
    void refusesAReferenceToNothing() throws Exception {
      Bundle b = visit();
      String reference = claim(b).getItemFirstRep().getEncounterFirstRep().getReference();
      String body = json(b).replace("\"encounter\":[{\"reference\":\"" + reference + "\"}]", "\"encounter\":[{}]");
      assertThat(body).contains("\"encounter\":[{}]");
      assertThat(expression(refused(post("/Bundle/$validate", "application/fhir+json", body), 400))).isEqualTo("Bundle.entry[5].resource.item[0].encounter[0]");
    }

    @Test
    void refusesALengthInAnUnknownUnit() throws Exception {
      Bundle b = visit();
      encounter(b).getLength().setCode("wk").setUnit("week");
      OperationOutcome oo = refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 400);
      assertThat(expression(oo)).isEqualTo("Bundle.entry[4].resource.length.code");
      assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("wk");
    }

    @Test
    void refusesALengthInAnotherUnitSystem() throws Exception {
      Bundle b = visit();
      encounter(b).getLength().setSystem("http://example.org/units");
      refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 400);
    }

    @Test
    void refusesANegativeLength() throws Exception {
      Bundle b = visit();
      encounter(b).getLength().setValue(-50);
      assertThat(expression(refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 400))).isEqualTo("Bundle.entry[4].resource.length");
    }

    @Test
    void refusesAPeriodThatEndsBeforeItStarts() throws Exception {
      Bundle b = visit();
      encounter(b).getPeriod().setEndElement(new DateTimeType("2025-03-04T09:00:00-05:00"));
      refused(post("/Encounter/$validate", "application/fhir+json", json(encounter(b))), 400);
    }

    @Test
    void refusesNegativeUnits() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getQuantity().setValue(-1);
      assertThat(expression(refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 400))).isEqualTo("Bundle.entry[5].resource.item[0].quantity");
    }
  }

  @Nested
  class TooLarge {

    @Test
    void refusesABodyOverTheSizeLimit() throws Exception {
      String body = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"id\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}";
      OperationOutcome oo = refused(post("/Bundle/$validate", "application/fhir+json", body), 413);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOLONG);
    }

    @Test
    void refusesAChunkedBodyOverTheSizeLimit() throws Exception {
      byte[] body = ("{\"resourceType\":\"Bundle\",\"id\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(base() + "/Bundle/$validate"))
              .header("Content-Type", "application/fhir+json")
              .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
              .build();
      refused(HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()), 413);
    }

    @Test
    void refusesABundleWithTooManyEntries() throws Exception {
      Bundle b = new Bundle().setType(Bundle.BundleType.COLLECTION);
      for (int i = 0; i < 1001; i++) {
        b.addEntry().setFullUrl("urn:uuid:00000000-0000-0000-0000-" + String.format("%012d", i)).setResource(new Basic());
      }
      OperationOutcome oo = refused(post("/Bundle/$validate", "application/fhir+json", json(b)), 413);
      assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("1001");
    }
  }
}
