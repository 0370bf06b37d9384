package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;

class AnswerCacheTest extends ServerTestBase {

  private static final String VALIDATE =
      "/CodeSystem/$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834";
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base() + pathAndQuery));
  }

  @Test
  void repeatedRequestGetsTheSameAnswerAndETag() throws Exception {
    HttpResponse<String> first = send(request(VALIDATE));
    HttpResponse<String> second = send(request(VALIDATE));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body()).contains("\"result\"");
    assertThat(first.headers().firstValue("ETag")).isPresent();
    assertThat(second.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    assertThat(second.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
  }

  @Test
  void anAnswerFirstAskedForWithGzipIsStoredAndReplayedAsPlainText() throws Exception {
    String expand = "/ValueSet/$expand?url=http://psychcode.org/fhir/ValueSet/behavioral-health-codes&count=40&offset=1";
    HttpResponse<byte[]> gzipClient =
        http.send(request(expand).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<String> plainClient = send(request(expand));
    HttpResponse<String> gzipAgain = send(request(expand).header("Accept-Encoding", "gzip"));

    for (HttpResponse<?> r : java.util.List.of(gzipClient, plainClient, gzipAgain)) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    }
    assertThat(new String(gzipClient.body(), StandardCharsets.UTF_8)).startsWith("{").contains("\"expansion\"");
    assertThat(plainClient.body()).startsWith("{").contains("\"expansion\"");
    assertThat(gzipAgain.body()).isEqualTo(plainClient.body());
  }

  @Test
  void aStoredAnswerCarriesTheCorsHeadersToo() throws Exception {
    String lookup = "/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=90837&property=maximum-minutes";
    HttpResponse<String> first = send(request(lookup).header("Origin", "https://ehr.example.org"));
    HttpResponse<String> second = send(request(lookup).header("Origin", "https://ehr.example.org"));

    assertThat(second.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    assertThat(first.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ehr.example.org");
    assertThat(second.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ehr.example.org");
  }

  @Test
  void aPostIsAnsweredInFullWhateverIfNoneMatchItSends() throws Exception {
    String body =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"system\",\"valueUri\":\"http://www.ama-assn.org/go/cpt\"},"
            + "{\"name\":\"code\",\"valueCode\":\"90832\"}]}";
    HttpRequest.Builder post =
        request("/CodeSystem/$validate-code").header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body));
    String etag = send(post).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = send(post.header("If-None-Match", etag));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"result\"");
  }

  @Test
  void matchingIfNoneMatchAnswersNotModified() throws Exception {
    String etag = send(request(VALIDATE)).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> revalidated = send(request(VALIDATE).header("If-None-Match", etag));
    HttpResponse<String> stale = send(request(VALIDATE).header("If-None-Match", "\"something-else\""));

    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();
    assertThat(stale.statusCode()).isEqualTo(200);
  }

  @Test
  void parameterOrderDoesNotSplitTheCacheButEachEncodingKeepsItsOwn() throws Exception {
    String reordered = "/CodeSystem/$validate-code?code=90834&system=http://www.ama-assn.org/go/cpt";
    HttpResponse<String> json = send(request(VALIDATE).header("Accept", "application/fhir+json"));
    HttpResponse<String> jsonReordered = send(request(reordered).header("Accept", "application/fhir+json"));
    HttpResponse<String> xml = send(request(VALIDATE).header("Accept", "application/fhir+xml"));
    HttpResponse<String> xmlAgain = send(request(VALIDATE).header("Accept", "application/fhir+xml"));

    assertThat(jsonReordered.body()).isEqualTo(json.body()).startsWith("{");
    assertThat(xml.body()).startsWith("<Parameters");
    assertThat(xmlAgain.body()).isEqualTo(xml.body());
    assertThat(xml.headers().firstValue("ETag")).isNotEqualTo(json.headers().firstValue("ETag"));
  }

  @Test
  void postedParametersAreCachedByTheirBody() throws Exception {
    String body =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"system\",\"valueUri\":\"http://www.ama-assn.org/go/cpt\"},"
            + "{\"name\":\"code\",\"valueCode\":\"90837\"}]}";
    HttpResponse<String> first = post("/CodeSystem/$lookup", "application/fhir+json", body);
    HttpResponse<String> second = post("/CodeSystem/$lookup", "application/fhir+json", body);
    HttpResponse<String> other =
        post("/CodeSystem/$lookup", "application/fhir+json", body.replace("90837", "90834"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body()).contains("90837");
    assertThat(second.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).isNotEqualTo(first.body());
    assertThat(other.headers().firstValue("ETag")).isNotEqualTo(first.headers().firstValue("ETag"));
  }

  @Test
  void requestsCarryingTheirOwnTerminologyBypassTheCache() throws Exception {
    String body =
        "{\"resourceType\":\"Parameters\",\"parameter\":["
            + "{\"name\":\"system\",\"valueUri\":\"http://example.org/cs\"},{\"name\":\"code\",\"valueCode\":\"a\"},"
            + "{\"name\":\"tx-resource\",\"resource\":{\"resourceType\":\"CodeSystem\",\"url\":\"http://example.org/cs\","
            + "\"status\":\"active\",\"content\":\"complete\",\"concept\":[{\"code\":\"a\",\"display\":\"A\"}]}}]}";
    HttpResponse<String> answer = post("/CodeSystem/$validate-code", "application/fhir+json", body);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"valueBoolean\":true");
    assertThat(answer.headers().firstValue("ETag")).isEmpty();
  }

  @Test
  void errorsAreNotStored() throws Exception {
    String unknown = "/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=00000";
    HttpResponse<String> first = send(request(unknown));
    HttpResponse<String> second = send(request(unknown));

    assertThat(first.statusCode()).isEqualTo(404);
    assertThat(second.statusCode()).isEqualTo(404);
    assertThat(second.headers().firstValue("ETag")).isEmpty();
    assertThat(second.body()).contains("OperationOutcome");
  }
}
