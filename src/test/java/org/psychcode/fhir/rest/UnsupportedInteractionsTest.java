package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.psychcode.fhir.support.RawHttp;
import org.psychcode.fhir.support.RawHttp.Answer;

/** Interactions the server does not have answer 405 with Allow; unknown operations 404; both with an OperationOutcome. */
class UnsupportedInteractionsTest extends HttpSemanticsTestBase {

  @Nested
  class InteractionsTheServerDoesNotHave {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
      "POST, /CodeSystem, create, 'GET,HEAD'",
      "PUT, /CodeSystem/cpt, update, 'GET,HEAD'",
      "DELETE, /CodeSystem/cpt, delete, 'GET,HEAD'",
      "PATCH, /CodeSystem/cpt, patch, 'GET,HEAD'",
      "GET, /CodeSystem/cpt/_history, instance history, ''",
      "GET, /CodeSystem/_history, type history, ''",
      "GET, /_history, system history, ''",
      "PATCH, /Encounter/1, patch, 'GET,HEAD,POST,PUT,DELETE'"
    })
    void answer405WithTheMethodsTheUrlAllows(String method, String path, String interaction, String allowed)
        throws Exception {
      String body = "{\"resourceType\":\"CodeSystem\",\"id\":\"cpt\",\"status\":\"draft\",\"content\":\"complete\"}";
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base() + path))
              .method(
                  method,
                  method.equals("GET") || method.equals("DELETE")
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .header("Content-Type", method.equals("PATCH") ? "application/json-patch+json" : "application/fhir+json");
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Answer a = new Answer(r.statusCode(), r.headers().map().entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> e.getValue().get(0))), r.body());
      OperationOutcome oo = outcome(a, 405, IssueType.NOTSUPPORTED);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains(" " + interaction + " interaction");
      Set<String> expected =
          Arrays.stream(allowed.split(",")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
      assertThat(allow(a)).isEqualTo(expected);
    }

    @Test
    void listsTheAllowedMethodsAlsoOnTheRawWire() throws Exception {
      Answer a = raw("DELETE", "/CodeSystem/cpt");
      outcome(a, 405, IssueType.NOTSUPPORTED);
      assertThat(allow(a)).containsExactlyInAnyOrder("GET", "HEAD");
      Answer none = raw("GET", "/_history");
      outcome(none, 405, IssueType.NOTSUPPORTED);
      assertThat(allow(none)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/CodeSystem/$foo", "/CodeSystem/cpt/$foo", "/ConceptMap/$expand?url=" + CRISIS})
    void answerAnUnknownOperationWith404(String path) throws Exception {
      OperationOutcome oo = outcome(raw("GET", path), 404, IssueType.NOTSUPPORTED);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("is not known");
    }

    @Test
    void keepsTheReadOfAnUnknownIdA404() throws Exception {
      assertThat(get("/CodeSystem/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void keepsTheMethodCheckOfAnOperationAndAddsHeadWhereGetIsAllowed() throws Exception {
      Answer a = raw("DELETE", "/CodeSystem/$validate-code");
      assertThat(a.status()).isEqualTo(405);
      assertThat(allow(a)).containsExactlyInAnyOrder("GET", "HEAD", "POST");
    }
  }
}
