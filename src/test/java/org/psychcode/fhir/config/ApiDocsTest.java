package org.psychcode.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;

/** The OpenAPI description and its Swagger UI: this server's name, both URLs, and only what the server serves. */
class ApiDocsTest extends ServerTestBase {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\n((?: {4}.*\\n)*)", Pattern.MULTILINE);
  private static final Pattern METHOD = Pattern.compile("^ {4}(get|post|put|delete|patch):", Pattern.MULTILINE);

  private HttpResponse<String> fetch(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sendsTheUiWithoutItsSlashOnToTheUi() throws Exception {
    HttpResponse<String> r = fetch("/swagger-ui");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/fhir/swagger-ui/"));
  }

  @Test
  void brandsTheUiAsThisServer() throws Exception {
    HttpResponse<String> r = fetch("/swagger-ui/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<h1>PsychCode FHIR Server").doesNotContain("HAPI FHIR").doesNotContain("raccoon");
  }

  @Test
  void listsNoGetForAnOperationWhoseInputIsTheBody() throws Exception {
    Map<String, List<String>> paths = paths();
    assertThat(paths.get("/Bundle/$validate")).containsExactly("post");
    assertThat(paths.get("/Encounter/$validate")).containsExactly("post");
    assertThat(paths.get("/ValueSet/$batch-validate-code")).containsExactly("post");
    assertThat(paths.get("/CodeSystem/$lookup")).containsExactly("get", "post");
  }

  @Test
  void answersEveryGetItListsThatNeedsNoId() throws Exception {
    Map<String, List<String>> paths = paths();
    assertThat(paths).isNotEmpty();
    for (Map.Entry<String, List<String>> e : paths.entrySet()) {
      if (e.getValue().contains("get") && !e.getKey().contains("{") && !e.getKey().contains("$")) {
        assertThat(fetch(e.getKey()).statusCode()).as(e.getKey()).isEqualTo(200);
      }
    }
  }

  private Map<String, List<String>> paths() throws Exception {
    HttpResponse<String> r = fetch("/api-docs");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("title: PsychCode FHIR Server");
    Map<String, List<String>> paths = new LinkedHashMap<>();
    Matcher m = PATH.matcher(r.body());
    while (m.find()) {
      paths.put(m.group(1), METHOD.matcher(m.group(2)).results().map(x -> x.group(1)).toList());
    }
    return paths;
  }
}
