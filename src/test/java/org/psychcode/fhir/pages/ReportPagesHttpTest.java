package org.psychcode.fhir.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.psychcode.fhir.support.ServerTestBase;
import org.psychcode.fhir.support.Visits;
import org.psychcode.fhir.support.Visits.Visit;

/**
 * The coding-audit and utilization pages over plain HTTP, with or without a browser, over claims seeded through the
 * API (dated 2036, a year no other test writes): they show the numbers the FHIR operations answer, their CSV is the
 * operation's CSV, and what they cannot read is a 400 page (a 404 page for a practitioner with nothing stored), never
 * an error page of the framework.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPagesHttpTest extends ServerTestBase {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String YEAR = "start=2036-01-01&end=2036-12-31";
  static final LocalDate DAY = LocalDate.of(2036, 3, 2);

  @BeforeAll
  void seed() throws Exception {
    HttpResponse<String> r = send("PUT", "/Practitioner/rpt-http-a", Visits.practitioner("rpt-http-a", "1041C0700X", "Pageweight"));
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    List<Visit> visits = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      Visit v = Visits.visit("rpt-http-a", "1041C0700X", DAY.plusDays(5L * i));
      visits.add(i % 5 == 0 ? v.minutes(45).bills("90834") : v.minutes(54).bills("90837"));
    }
    r = send("POST", "", Visits.transaction(visits));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  HttpResponse<String> page(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePractitionersPageShowsTheNumbersOfTheirCodingProfile() throws Exception {
    Parameters profile =
        FHIR.newJsonParser().parseResource(Parameters.class, send("GET", "/Practitioner/rpt-http-a/$coding-profile?" + YEAR, null).body());
    int claims = ((org.hl7.fhir.r4.model.IntegerType) profile.getParameter("claims").getValue()).getValue();
    assertThat(claims).isEqualTo(15);

    HttpResponse<String> r = page("/audit/practitioners/rpt-http-a?" + YEAR);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    String text = PagesHttpTest.text(r.body());
    assertThat(text).contains("15 claims and 15 lines").contains("Session times bunched just over a boundary");
    assertThat(text).contains("12 sessions billed 90837 with a recorded time").contains("54 12");
    assertThat(r.body().length()).as("the page with its charts stays light").isLessThan(60_000);

    HttpResponse<String> list = page("/audit?" + YEAR);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(PagesHttpTest.text(list.body())).contains("1 practitioner from 2036-01-01 to 2036-12-31").contains("1 with signals")
        .contains("Test Pageweight Social Worker, Clinical 1041C0700X 15 15 Warning: Session times bunched just over a boundary");
  }

  @Test
  void theUtilizationCsvIsTheMeasuresCsv() throws Exception {
    HttpResponse<String> download = page("/reports/utilization.csv?" + YEAR);
    HttpResponse<String> measure =
        send("GET", "/Measure/behavioral-health-utilization/$evaluate-measure?periodStart=2036-01-01&periodEnd=2036-12-31", null, "Accept", "text/csv");

    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(download.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment;");
    assertThat(download.body()).isEqualTo(measure.body());
    assertThat(download.body()).contains("\r\ninitial-population,,Claim lines from 2036-01-01 to 2036-12-31,15\r\n").contains("\r\nbilled-code,90837,");
  }

  @Test
  void whatThePagesCannotReadIsA400PageAndAPractitionerWithNothingStoredA404() throws Exception {
    for (String path : List.of("/audit?start=soon", "/reports?start=2036-12-31&end=2036-01-01", "/audit/practitioners/rpt-http-a?end=2036-13-40")) {
      HttpResponse<String> r = page(path);
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
      assertThat(r.body()).as(path).contains("role=\"alert\"").doesNotContain("Exception").doesNotContain("Whitelabel");
    }
    HttpResponse<String> csv = page("/reports/utilization.csv?start=2036-02-30");
    assertThat(csv.statusCode()).isEqualTo(400);
    assertThat(csv.body()).doesNotContain("Exception").isNotBlank();

    HttpResponse<String> nobody = page("/audit/practitioners/rpt-http-nobody?" + YEAR);
    assertThat(nobody.statusCode()).isEqualTo(404);
    assertThat(PagesHttpTest.text(nobody.body())).contains("No practitioner rpt-http-nobody is stored");
  }
}
