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

/** HEAD answers what GET answers, without the body. */
class HeadRequestTest extends HttpSemanticsTestBase {

  @Nested
  class Head {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "/metadata",
          "/CodeSystem/cpt",
          "/ValueSet?url=" + CRISIS,
          "/CodeSystem/$validate-code?url=" + CPT + "&code=90834",
          "/ValueSet/$expand?url=" + CRISIS,
          "/CodeSystem/$lookup?system=" + CPT + "&code=00000",
          "/CodeSystem/$foo",
          "/Encounter/1"
        })
    void answersWhatGetAnswersWithoutTheBody(String path) throws Exception {
      Answer get = raw("GET", path);
      Answer head = raw("HEAD", path);
      assertThat(head.status()).as(path).isEqualTo(get.status());
      assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
      assertThat(head.header("ETag")).isEqualTo(get.header("ETag"));
      assertThat(head.header("Allow")).isEqualTo(get.header("Allow"));
      assertThat(head.body()).isEmpty();
      if (head.header("Content-Length") != null) {
        assertThat(Integer.parseInt(head.header("Content-Length")))
            .isEqualTo(get.body().getBytes(StandardCharsets.UTF_8).length);
      }
    }

    @Test
    void repeatsTheETagOfACachedTerminologyAnswerAndHonoursIfNoneMatch() throws Exception {
      String path = "/CodeSystem/$validate-code?url=" + CPT + "&code=90837";
      Answer head = raw("HEAD", path);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("ETag")).isNotBlank();
      Answer get = raw("GET", path);
      assertThat(get.header("ETag")).isEqualTo(head.header("ETag"));
      assertThat(Integer.parseInt(head.header("Content-Length"))).isEqualTo(get.body().length());
      Answer revalidated = raw("HEAD", path, "If-None-Match: " + get.header("ETag"));
      assertThat(revalidated.status()).isEqualTo(304);
      assertThat(revalidated.body()).isEmpty();
    }
  }
}
