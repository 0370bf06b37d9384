package org.psychcode.fhir.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.psychcode.fhir.support.ServerTestBase;
import org.springframework.web.util.HtmlUtils;

/**
 * The pages over plain HTTP: every published code's page shows what {@code $lookup} answers for it, and its billing
 * facts from the same properties; unknown codes and paths answer 404 pages, not OperationOutcomes; the checker
 * refuses what it cannot read with a 400 page; each page with its assets weighs under 60 KB.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class PagesHttpTest extends ServerTestBase {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String CPT = "http://www.ama-assn.org/go/cpt";

  /** GET as a browser asks for a page. */
  HttpResponse<String> page(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postForm(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String text(String html) {
    return HtmlUtils.htmlUnescape(html.replaceAll("<[^>]+>", " ")).replaceAll("\\s+", " ");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  Stream<String> codes() throws Exception {
    String json = get("/ValueSet/$expand?url=http://psychcode.org/fhir/ValueSet/behavioral-health-codes&count=1000", "application/fhir+json").body();
    ValueSet vs = FHIR.newJsonParser().parseResource(ValueSet.class, json);
    return vs.getExpansion().getContains().stream().map(c -> c.getSystem() + "|" + c.getCode());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void everyCodesPageShowsWhatLookupAnswersForIt(String systemAndCode) throws Exception {
    String system = systemAndCode.substring(0, systemAndCode.indexOf('|'));
    String code = systemAndCode.substring(systemAndCode.indexOf('|') + 1);
    Parameters lookup =
        FHIR.newJsonParser().parseResource(Parameters.class, get("/CodeSystem/$lookup?system=" + system + "&code=" + code, "application/fhir+json").body());
    HttpResponse<String> r = page("/codes/" + code);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    String page = text(r.body());

    assertThat(page).contains(lookup.getParameterValue("display").primitiveValue());
    List<String> shown = new ArrayList<>();
    Integer minimum = null;
    Integer maximum = null;
    for (ParametersParameterComponent p : lookup.getParameter()) {
      if (p.getName().equals("designation")) {
        shown.add(p.getPart().stream().filter(x -> x.getName().equals("value")).findFirst().orElseThrow().getValue().primitiveValue());
      }
      if (!p.getName().equals("property")) {
        continue;
      }
      String property = p.getPart().get(0).getValue().primitiveValue();
      String value = p.getPart().get(1).getValue().primitiveValue();
      switch (property) {
        case "purpose", "indication", "preparation", "step", "risk", "benefit", "recovery", "alternative", "patient-experience", "typical-duration", "provider-note", "similar-code" -> shown.add(value);
        case "similar-code-difference" -> shown.add(value.substring(value.indexOf(": ") + 2));
        case "typical-indication" -> shown.add(value);
        case "minimum-minutes" -> minimum = Integer.valueOf(value);
        case "maximum-minutes" -> maximum = Integer.valueOf(value);
        default -> {}
      }
    }
    assertThat(shown).isNotEmpty().allSatisfy(s -> assertThat(page).as(code).contains(s));
    if (minimum != null && lookup.getParameter().stream().noneMatch(p -> p.getName().equals("property") && p.getPart().get(0).getValue().primitiveValue().equals("minutes-per-unit"))) {
      assertThat(page).as(code + " time from its properties").contains(maximum == null ? minimum + " minutes or more" : minimum + "-" + maximum + " minutes");
    }
    assertThat(r.body()).contains("/fhir/CodeSystem/").contains("lookup?system=").contains("code=" + code);
  }

  @Test
  void theSearchForgivesATypoAndFiltersBySessionType() throws Exception {
    String found = page("/?q=" + enc("famly therapy")).body();
    Matcher m = Pattern.compile("class=\"code\">([0-9A-Z]{5})<").matcher(found);
    List<String> codes = new ArrayList<>();
    while (m.find()) {
      codes.add(m.group(1));
    }
    assertThat(codes.subList(0, 2)).containsExactlyInAnyOrder("90846", "90847");

    assertThat(text(page("/?type=group").body())).contains("90853").contains("G0410").doesNotContain("90834 —");
    assertThat(text(page("/?q=9083").body())).contains("90832").contains("90839").doesNotContain("90791 —");
    assertThat(text(page("/?q=" + enc("zzzz qqqq")).body())).contains("No code matches");
  }

  @ParameterizedTest
  @ValueSource(strings = {"90835", "99999", "hello"})
  void anUnknownCodeAnswers404WithAPageOfCloseMatches(String code) throws Exception {
    HttpResponse<String> r = page("/codes/" + code);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    assertThat(text(r.body())).contains("No published code " + code);
    if (code.equals("90835")) {
      assertThat(r.body()).contains("/codes/90834").contains("/codes/90836");
    }
  }

  @Test
  void anUnknownPathAnswersAnHtmlPageWhileTheFhirApiKeepsItsOperationOutcomes() throws Exception {
    HttpResponse<String> r = page("/no-such-page");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("<html").contains("No such page");
    HttpResponse<String> fhir = page("/fhir/Nothing/1");
    assertThat(fhir.statusCode()).isEqualTo(404);
    assertThat(fhir.body()).contains("OperationOutcome");
  }

  @Test
  void theCheckerShowsFindingsAndTheSuggestionForAPastedVisit() throws Exception {
    String bundle = Files.readString(Path.of("fhir-resources/examples/rule-session-type-mismatch.json"));
    HttpResponse<String> r = postForm("/check", "mode=paste&bundle=" + enc(bundle));
    assertThat(r.statusCode()).isEqualTo(200);
    String page = text(r.body());
    assertThat(page).contains("session-type-mismatch").contains("Suggested billing").contains("90834");
  }

  @Test
  void anUploadedVisitFileIsCheckedAsAPastedOneIs() throws Exception {
    String boundary = "----psychcode" + System.nanoTime();
    String file = Files.readString(Path.of("fhir-resources/examples/rule-units-exceed-max.json"));
    String body =
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\npaste\r\n"
            + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"\r\n\r\n\r\n"
            + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"visit.json\"\r\nContent-Type: application/fhir+json\r\n\r\n"
            + file + "\r\n--" + boundary + "--\r\n";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/check"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r.body())).contains("units-exceed-max").contains("Suggested billing");
  }

  @Test
  void theShortFormBuildsAVisitFromItsFields() throws Exception {
    HttpResponse<String> r = postForm("/check", "mode=form&minutes=50&sessionType=individual&encounterClass=AMB&taxonomy=1041C0700X&codes=" + enc("90837") + "&diagnosis=F41.1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r.body())).contains("A 50-minute individual session is billed as 90834, not 90837").contains("time-code-mismatch");

    HttpResponse<String> fragment =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Requested-With", "fetch")
                .POST(HttpRequest.BodyPublishers.ofString("mode=form&minutes=80&sessionType=crisis&encounterClass=VR&codes=90839"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fragment.statusCode()).isEqualTo(200);
    assertThat(fragment.body()).doesNotContain("<html").contains("results-section").contains("90840");
    assertThat(text(fragment.body())).contains("No diagnosis was given");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mode=paste&bundle=%7Bnot+json", "mode=paste&bundle=" + "%7B%22resourceType%22%3A%22Patient%22%7D", "mode=form", "mode=form&minutes=abc", "mode=form&codes=%21%21"})
  void whatTheCheckerCannotReadIsA400PageSayingWhy(String form) throws Exception {
    HttpResponse<String> r = postForm("/check", form);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<html").contains("role=\"alert\"").doesNotContain("Exception");
  }

  @Test
  void eachPageWithItsAssetsWeighsUnder60Kilobytes() throws Exception {
    int css = page("/assets/site.css").body().getBytes(StandardCharsets.UTF_8).length;
    int js = page("/assets/check.js").body().getBytes(StandardCharsets.UTF_8).length;
    String bundle = Files.readString(Path.of("fhir-resources/examples/rule-time-code-mismatch.json"));
    List<Integer> weights =
        List.of(
            page("/").body().getBytes(StandardCharsets.UTF_8).length + css,
            page("/codes/90791").body().getBytes(StandardCharsets.UTF_8).length + css,
            page("/codes/90833").body().getBytes(StandardCharsets.UTF_8).length + css,
            postForm("/check", "mode=paste&bundle=" + enc(bundle)).body().getBytes(StandardCharsets.UTF_8).length + css + js);
    assertThat(weights).allSatisfy(w -> assertThat(w).isLessThan(60 * 1024));
  }
}
