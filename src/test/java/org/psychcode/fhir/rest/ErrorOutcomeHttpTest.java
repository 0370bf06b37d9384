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

/** What Tomcat would refuse or render as HTML: unencoded query characters are accepted, and whatever it still refuses answers an OperationOutcome. */
class ErrorOutcomeHttpTest extends HttpSemanticsTestBase {

  @Nested
  class CharactersTypedUnencodedInTheQuery {

    @Test
    void answersValidateCodeWithAnUnencodedPipeInUrlVersion() throws Exception {
      Answer a = raw("GET", "/ValueSet/$validate-code?url=" + CRISIS + "|1.0.0&system=" + CPT + "&code=90839");
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      Parameters p = FHIR.newJsonParser().parseResource(Parameters.class, a.body());
      assertThat(((BooleanType) p.getParameter("result").getValue()).booleanValue()).isTrue();
    }

    @Test
    void searchesWithAnUnencodedPipe() throws Exception {
      Answer a = raw("GET", "/ValueSet?url=" + CRISIS + "|1.0.0");
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(FHIR.newJsonParser().parseResource(Bundle.class, a.body()).getType())
          .isEqualTo(Bundle.BundleType.SEARCHSET);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{45}", "[45]", "\"45\"", "a^b", "a`b", "<45>", "a\\b", "a|b"})
    void passesTheCharacterToTheOperation(String display) throws Exception {
      Answer a = raw("GET", "/CodeSystem/$validate-code?url=" + CPT + "&code=90834&display=" + display);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      Parameters p = FHIR.newJsonParser().parseResource(Parameters.class, a.body());
      assertThat(((BooleanType) p.getParameter("result").getValue()).booleanValue()).isFalse();
      assertThat(p.getParameter("message").getValue().primitiveValue()).contains(display);
    }
  }

  @Nested
  class RequestsTomcatRefusesItself {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/CodeSystem/%00", "/CodeSystem/..%2F..%2Fetc", "/CodeSystem/..%5C..%5Cetc"})
    void answerAnOperationOutcomeInsteadOfAnHtmlPage(String path) throws Exception {
      outcome(raw("GET", path, "Accept: text/html"), 400, IssueType.INVALID);
    }

    @Test
    void answersAMalformedRequestLineWithAnOperationOutcome() throws Exception {
      outcome(RawHttp.send(port, "GET /fhir/Code System HTTP/1.1"), 400, IssueType.INVALID);
    }

    @Test
    void answersAnUnknownHttpVersionWithAnOperationOutcome() throws Exception {
      outcome(RawHttp.send(port, "GET /fhir/metadata HTTP/9.1"), 505, IssueType.NOTSUPPORTED);
    }

    @Test
    void answersAMalformedChunkedBodyWithAnOperationOutcomeEvenToABrowser() throws Exception {
      Answer a =
          RawHttp.exchange(
              port,
              "POST /fhir/Bundle/$validate HTTP/1.1",
              "zz\r\nabc\r\n0\r\n\r\n",
              "Accept: text/html",
              "Content-Type: application/fhir+json",
              "Transfer-Encoding: chunked");
      assertThat(a.status()).isBetween(400, 499);
      outcome(a, a.status(), IssueType.INVALID);
    }
  }
}
