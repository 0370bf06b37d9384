package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.psychcode.fhir.support.RawHttp;
import org.psychcode.fhir.support.RawHttp.Answer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Content types, FHIR versions, _format, _summary and request ids: the same answer at every URL. */
@ExtendWith(OutputCaptureExtension.class)
class RequestChecksTest extends HttpSemanticsTestBase {

  private static final String VISIT = VisitFixtures.json(VisitFixtures.visit());
  private static final String LOOKUP = "/CodeSystem/$lookup?system=" + CPT + "&code=90837";

  private Answer postRaw(String path, String contentType, String body) throws Exception {
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return RawHttp.exchange(
        port, "POST /fhir" + path + " HTTP/1.1", body, "Content-Type: " + contentType, "Content-Length: " + length);
  }

  @Nested
  class ContentTypes {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/octet-stream"})
    void refusesAVisitThatIsNotFhirJsonOrXmlWith415(String contentType) throws Exception {
      var oo = outcome(postRaw("/Bundle/$validate", contentType, VISIT), 415, IssueType.NOTSUPPORTED);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains(contentType.split(";")[0]).contains("application/fhir+json");
    }

    @Test
    void refusesAFormPostToATerminologyOperationWith415() throws Exception {
      outcome(postRaw("/CodeSystem/$lookup", "application/x-www-form-urlencoded", "system=" + CPT + "&code=90834"), 415, IssueType.NOTSUPPORTED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/fhir+json", "application/json", "application/fhir+json; charset=UTF-8; fhirVersion=4.0"})
    void validatesAVisitPostedAsJson(String contentType) throws Exception {
      Answer a = postRaw("/Bundle/$validate", contentType, VISIT);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }

    @Test
    void refusesABodyOfAnotherFhirVersionWith415() throws Exception {
      outcome(postRaw("/Bundle/$validate", "application/fhir+json; fhirVersion=3.0", VISIT), 415, IssueType.NOTSUPPORTED);
    }

    @Test
    void stillSearchesWithAFormPost() throws Exception {
      Answer a = postRaw("/CodeSystem/_search", "application/x-www-form-urlencoded", "url=" + CPT);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.body()).contains("\"total\":1");
    }
  }

  @Nested
  class FhirVersions {

    @Test
    void answersAnotherFhirVersionWith406() throws Exception {
      var oo = outcome(raw("GET", "/metadata", "Accept: application/fhir+json; fhirVersion=3.0"), 406, IssueType.NOTSUPPORTED);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("3.0").contains("4.0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "application/fhir+json; fhirVersion=4.0",
          "application/fhir+json; fhirVersion=3.0, application/fhir+json; fhirVersion=4.0",
          "application/fhir+xml; fhirVersion=3.0, */*;q=0.1",
          "application/fhir+json"
        })
    void answersWhenTheClientTakesR4(String accept) throws Exception {
      assertThat(raw("GET", "/metadata", "Accept: " + accept).status()).isEqualTo(200);
    }
  }

  @Nested
  class FormatAndSummary {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/metadata?_format=yaml", "/CodeSystem?_format=text/html", "/CodeSystem?_summary=maybe", LOOKUP + "&_summary=all"})
    void refusesAnUnknownValueWith400(String path) throws Exception {
      var oo = outcome(raw("GET", path), 400, IssueType.INVALID);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).startsWith("Unknown _");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/metadata?_format=xml", "/CodeSystem?_format=application/fhir%2Bjson&_summary=true", "/CodeSystem?_summary=count"})
    void servesTheKnownValues(String path) throws Exception {
      assertThat(raw("GET", path).status()).isEqualTo(200);
    }
  }

  @Nested
  class RequestIds {

    @Test
    void givesEveryAnswerAnIdTheCachedOnesToo() throws Exception {
      Answer first = raw("GET", LOOKUP);
      Answer cached = raw("GET", LOOKUP);
      assertThat(cached.header("ETag")).isEqualTo(first.header("ETag"));
      assertThat(first.header("X-Request-ID")).isNotBlank();
      assertThat(cached.header("X-Request-ID")).isNotBlank().isNotEqualTo(first.header("X-Request-ID"));
    }

    @Test
    void echoesTheClientsIdOnce() throws Exception {
      Answer a = raw("GET", "/metadata", "X-Request-ID: visit-42");
      assertThat(a.header("X-Request-ID")).isEqualTo("visit-42");
      Answer refused = raw("GET", "/metadata?_format=yaml", "X-Request-ID: visit-43");
      assertThat(refused.header("X-Request-ID")).isEqualTo("visit-43");
    }

    @Test
    void replacesAnIdWithCharactersALogShouldNotHold() throws Exception {
      assertThat(raw("GET", "/metadata", "X-Request-ID: a<b>").header("X-Request-ID")).isNotBlank().isNotEqualTo("a<b>");
    }
  }

  @Nested
  class Logs {

    @Test
    void logsNeitherA304NorARefusalAsAWarningOrWithAStackTrace(CapturedOutput output) throws Exception {
      Answer read = raw("GET", "/CodeSystem/cpt");
      // what the server logged before (its own start, if this test comes first in the JVM) is not these requests'
      int from = output.getOut().length();
      assertThat(raw("GET", "/CodeSystem/cpt", "If-None-Match: " + read.header("ETag")).status()).isEqualTo(304);
      outcome(postRaw("/Bundle/$validate", "text/plain", VISIT), 415, IssueType.NOTSUPPORTED);
      assertThat(postRaw("/Bundle/$validate?mode=profile", "application/fhir+json", VISIT).status()).isEqualTo(400);
      assertThat(output.getOut().substring(from)).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    @Test
    void logsARefusalThatAHookThrowsInOneLineAtMostWithoutAStackTrace(CapturedOutput output) throws Exception {
      // refused by the body check, a HAPI hook, before HAPI reads the body; HAPI logs what a hook throws as an ERROR
      String doctype = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY e \"a\">]><Patient xmlns=\"http://hl7.org/fhir\"/>";
      raw("GET", "/metadata");
      int from = output.getOut().length();
      Answer refused = postRaw("/Patient", "application/fhir+xml", doctype);
      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("OperationOutcome").contains("DOCTYPE");
      String out = output.getOut().substring(from);
      assertThat(out.lines().filter(l -> l.contains("DOCTYPE"))).hasSizeLessThanOrEqualTo(1).allMatch(l -> l.contains(" INFO "));
      assertThat(out).doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    @Test
    void stillLogsAServerErrorThatAHookThrows(CapturedOutput output) {
      org.slf4j.Logger hooks = org.slf4j.LoggerFactory.getLogger(ca.uhn.fhir.interceptor.executor.BaseInterceptorService.class);
      String format = "Exception thrown by interceptor for pointcut {}: {}";
      hooks.error(format, "SERVER_INCOMING_REQUEST_PRE_HANDLED", "x", new ca.uhn.fhir.rest.server.exceptions.InternalErrorException("broken in a hook"));
      hooks.error(format, "SERVER_INCOMING_REQUEST_PRE_HANDLED", "x", new IllegalStateException("unexpected in a hook"));
      hooks.error(format, "SERVER_INCOMING_REQUEST_PRE_HANDLED", "x", new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException("refused in a hook"));
      assertThat(output.getOut()).contains("broken in a hook").contains("unexpected in a hook").contains("\tat ").doesNotContain("refused in a hook");
    }
  }
}
