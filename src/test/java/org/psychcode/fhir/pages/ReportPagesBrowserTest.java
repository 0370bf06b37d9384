package org.psychcode.fhir.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.psychcode.fhir.support.ServerTestBase;
import org.psychcode.fhir.support.Visits;
import org.psychcode.fhir.support.Visits.Visit;

/**
 * The coding-audit and utilization pages in a real headless Chromium, over claims seeded through the API (dated 2034,
 * a year no other test writes): the audit list with each practitioner's signals, one practitioner's page with the code
 * mix, the session-time histograms and the findings over time, the utilization charts with their CSV; axe-core finds no
 * serious or critical violation on the three pages at desktop and phone width, and none scrolls sideways on a phone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportPagesBrowserTest extends ServerTestBase {

  static final String YEAR = "?start=2034-01-01&end=2034-12-31";
  static final LocalDate JAN = LocalDate.of(2034, 1, 9);

  private ChromeDriver browser;
  private int lines;

  @BeforeAll
  void seedAndStart() throws Exception {
    for (String[] p : List.of(new String[] {"rpt-page-a", "1041C0700X", "Clustered"}, new String[] {"rpt-page-b", "1041C0700X", "Untimed"}, new String[] {"rpt-page-c", "103T00000X", "Family"})) {
      HttpResponse<String> r = send("PUT", "/Practitioner/" + p[0], Visits.practitioner(p[0], p[1], p[2]));
      assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }
    List<Visit> visits = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      Visit v = Visits.visit("rpt-page-a", "1041C0700X", JAN.plusDays(7L * i));
      visits.add(i < 12 ? v.minutes(53 + i % 3).bills("90837") : v.minutes(45).bills("90834"));
    }
    for (int i = 0; i < 10; i++) {
      Visit v = Visits.visit("rpt-page-b", "1041C0700X", JAN.plusDays(9L * i));
      visits.add(i < 2 ? v.minutes(60).bills("90837") : v.minutes(45).bills("90834"));
    }
    for (int i = 0; i < 4; i++) {
      Visit v = Visits.visit("rpt-page-c", "103T00000X", JAN.plusDays(30L * i)).session("family-with-patient").minutes(50).diagnosis("F43.10").bills("90847");
      visits.add(i == 0 ? v.telehealth() : v);
    }
    HttpResponse<String> r = send("POST", "", Visits.transaction(visits));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HttpResponse<String> submitted = send("POST", "/Claim/$submit", Visits.submission(Visits.visit("rpt-page-b", "1041C0700X", JAN.plusDays(40)).bills("90834")));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
    lines = visits.stream().mapToInt(v -> v.codes.size()).sum() + 1;

    Browser.missing().ifPresentOrElse(reason -> System.out.println("[WARNING] Browser tests skipped: " + reason), () -> {});
    if (Browser.missing().isEmpty()) {
      browser = Browser.start(1280, 900, true);
    }
  }

  @BeforeEach
  void needsABrowser() {
    Assumptions.assumeTrue(browser != null, () -> "Browser tests skipped: " + Browser.missing().orElse("the browser did not start"));
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  String page(String path) {
    return "http://localhost:" + port + path;
  }

  WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(60));
  }

  @Test
  void theAuditListsEachPractitionerWithTheirSignalsErrorsFirst() {
    browser.get(page("/audit" + YEAR));

    List<WebElement> rows = browser.findElements(By.cssSelector("tr.practitioner"));
    assertThat(rows).extracting(r -> r.findElement(By.tagName("a")).getText()).containsExactly("Test Untimed", "Test Clustered", "Test Family");
    assertThat(rows.get(0).getText()).contains("Error:").contains("Timed sessions billed without a recorded time");
    assertThat(rows.get(1).getText()).contains("Warning:").contains("Session times bunched just over a boundary");
    assertThat(rows.get(2).getText()).contains("none");
    assertThat(browser.findElement(By.id("list-heading")).getText()).contains("3 practitioners").contains("2 with signals");
  }

  @Test
  void aPractitionersPageDrawsTheMixTheSessionTimesWithTheirBoundariesAndTheFindings() {
    browser.get(page("/audit" + YEAR));
    browser.findElement(By.linkText("Test Clustered")).click();
    waiting().until(ExpectedConditions.urlContains("/audit/practitioners/rpt-page-a"));

    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Test Clustered: coding habits");
    assertThat(browser.findElement(By.cssSelector("ul.signals")).getText())
        .contains("Warning: Session times bunched just over a boundary")
        .contains("12 of your 12 90837 sessions with a recorded time (100%) lasted 53-55 minutes");
    WebElement mix = browser.findElement(By.cssSelector("#mix ~ figure svg"));
    assertThat(mix.getAttribute("role")).isEqualTo("img");
    assertThat(mix.findElement(By.tagName("title")).getAttribute("textContent")).contains("Share of each code");
    assertThat(mix.getAttribute("textContent")).contains("90837").contains("80%").contains("Peers (2)");

    List<String> histograms = browser.findElements(By.cssSelector("section h3")).stream().map(WebElement::getText).toList();
    assertThat(histograms).anyMatch(h -> h.startsWith("90837")).anyMatch(h -> h.startsWith("90834"));
    WebElement h90837 = browser.findElement(By.xpath("//section[h3[starts-with(., '90837')]]"));
    assertThat(h90837.findElement(By.tagName("svg")).getAttribute("textContent")).contains("53 min: 90837").contains("38 min: 90834").contains("16 min: 90832");
    h90837.findElement(By.tagName("summary")).click();
    assertThat(h90837.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList()).containsExactly("53 4", "54 4", "55 4");
  }

  @Test
  void findingsAreShownOverTime() {
    browser.get(page("/audit/practitioners/rpt-page-b" + YEAR));

    assertThat(browser.findElement(By.cssSelector("#findings ~ table")).getText()).contains("time-missing").contains("1");
    WebElement over = browser.findElement(By.xpath("//section[h4[. = 'time-missing']]"));
    assertThat(over.findElement(By.tagName("svg")).getAttribute("textContent")).contains("34-02");
  }

  @Test
  void theUtilizationPageChartsEachStratifierAndItsCsvHoldsTheSameCounts() throws Exception {
    browser.get(page("/reports" + YEAR));

    assertThat(browser.findElement(By.id("total")).getText()).isEqualTo(lines + " claim lines");
    assertThat(browser.findElements(By.cssSelector("main section h2")).stream().map(WebElement::getText).toList())
        .containsExactly("By billed code", "By session type", "By diagnosis category", "By place", "By month");
    assertThat(browser.findElements(By.cssSelector("main section svg[role=img]"))).hasSize(5);
    String place = browser.findElement(By.xpath("//section[h2[. = 'By place']]")).findElement(By.tagName("svg")).getAttribute("textContent");
    assertThat(place).contains("telehealth").contains("1 (");

    String csv = browser.findElement(By.linkText("Download as CSV")).getAttribute("href");
    HttpResponse<String> r = send("GET", csv, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(r.body().lines().toList().get(1)).isEqualTo("initial-population,,Claim lines from 2034-01-01 to 2034-12-31," + lines);
    assertThat(r.body()).contains("billed-code,90847,").contains("telehealth,telehealth,");
  }

  @Test
  void axeFindsNoSeriousOrCriticalViolationAndNoPageScrollsSidewaysOnAPhone() throws Exception {
    Browser.Result<String> axe = Browser.axe();
    if (!axe.ok()) {
      System.out.println("[WARNING] Accessibility checks skipped: " + axe.problem());
    }
    Assumptions.assumeTrue(axe.ok(), () -> "Accessibility checks skipped: " + axe.problem());
    List<String> problems = new ArrayList<>();
    for (int[] size : List.of(new int[] {1280, 900}, new int[] {390, 844})) {
      String width = size[0] > 600 ? "desktop" : "phone";
      ChromeDriver driver = Browser.start(size[0], size[1], true);
      try {
        for (String[] p : List.of(new String[] {"audit", "/audit" + YEAR}, new String[] {"audit-practitioner", "/audit/practitioners/rpt-page-a" + YEAR}, new String[] {"reports", "/reports" + YEAR})) {
          driver.get(page(p[1]));
          problems.addAll(Browser.check(driver, axe.value(), p[0] + " at " + width + " width", PagesBrowserTest.SHOTS.resolve(p[0] + "-" + width + ".png"), size));
        }
      } finally {
        driver.quit();
      }
    }
    assertThat(problems).isEmpty();
  }
}
