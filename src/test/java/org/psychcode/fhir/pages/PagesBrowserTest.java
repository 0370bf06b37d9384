package org.psychcode.fhir.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * The pages in a real headless Chromium, as a biller uses them: search with a typo, filter, open a code, follow its
 * FHIR link, miss a code, check an example visit with and without JavaScript, and read the findings and the suggested
 * billing off the page; axe-core finds no serious or critical violation on the three pages, at desktop and phone
 * width, and no page scrolls sideways on a phone. Screenshots of the three pages land in {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesBrowserTest extends ServerTestBase {

  static final Path SHOTS = Path.of("target", "screenshots");

  private ChromeDriver browser;

  @BeforeAll
  void startBrowser() throws Exception {
    Browser.missing().ifPresentOrElse(reason -> System.out.println("[WARNING] Browser tests skipped: " + reason), () -> {});
    if (Browser.missing().isEmpty()) {
      browser = Browser.start(1280, 900, true);
    }
  }

  /** Each browser test is reported as skipped, with the reason, where no browser can be had. */
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

  WebDriverWait waiting(WebDriver driver) {
    return new WebDriverWait(driver, Duration.ofSeconds(60));
  }

  List<String> resultCodes(WebDriver driver) {
    return driver.findElements(By.cssSelector("ul.results li .code")).stream().map(WebElement::getText).toList();
  }

  @Test
  void aSearchWithATypoFindsTheFamilyCodes() {
    browser.get(page("/"));
    WebElement q = browser.findElement(By.id("q"));
    q.clear();
    q.sendKeys("famly therapy");
    browser.findElement(By.cssSelector("form.search button")).click();
    waiting(browser).until(ExpectedConditions.urlContains("q=famly"));

    assertThat(resultCodes(browser).subList(0, 2)).containsExactlyInAnyOrder("90846", "90847");
    assertThat(browser.findElement(By.id("q")).getAttribute("value")).isEqualTo("famly therapy");
  }

  @Test
  void theSessionTypeFilterKeepsOnlyItsCodes() {
    browser.get(page("/"));
    new Select(browser.findElement(By.id("type"))).selectByValue("crisis");
    browser.findElement(By.cssSelector("form.search button")).click();
    waiting(browser).until(ExpectedConditions.urlContains("type=crisis"));

    assertThat(resultCodes(browser)).containsExactlyInAnyOrder("90839", "90840", "G0017", "G0018");
  }

  @Test
  void aCodesPageShowsEverySectionAndLinksToItsLookup() throws Exception {
    browser.get(page("/?q=90847"));
    browser.findElement(By.linkText("90847 — Family therapy, identified patient present")).click();
    waiting(browser).until(ExpectedConditions.urlContains("/codes/90847"));

    assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("90847");
    List<String> headings = browser.findElements(By.tagName("h2")).stream().map(WebElement::getText).toList();
    assertThat(headings)
        .contains(
            "Summary", "Purpose", "Who it is for", "Preparation", "What happens", "How long", "Where", "Who may bill it",
            "Billing facts", "Risks", "Benefits", "Recovery", "Alternatives", "What it is like for the patient",
            "Similar codes", "For FHIR clients");
    assertThat(browser.findElement(By.id("duration")).findElement(By.xpath("following-sibling::p")).getText()).contains("26 minutes or more");
    assertThat(browser.findElements(By.cssSelector("#similar ~ dl dt .code")).stream().map(WebElement::getText).toList()).contains("90846", "90849");

    String lookup = browser.findElement(By.linkText("$lookup")).getAttribute("href");
    org.hl7.fhir.r4.model.Parameters answer =
        FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Parameters.class, get(lookup.substring(lookup.indexOf("/fhir") + 5), "application/fhir+json").body());
    String purpose =
        answer.getParameter().stream()
            .filter(p -> p.getName().equals("property") && p.getPart().get(0).getValue().primitiveValue().equals("purpose"))
            .map(p -> p.getPart().get(1).getValue().primitiveValue())
            .findFirst()
            .orElseThrow();
    assertThat(browser.findElement(By.id("purpose")).findElement(By.xpath("following-sibling::p")).getText()).isEqualTo(purpose);
  }

  @Test
  void anUnknownCodeOffersTheCodesCloseToIt() {
    browser.get(page("/codes/90835"));

    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("90835");
    assertThat(resultCodes(browser)).contains("90834", "90836");
  }

  @Test
  void theCheckerShowsEachFindingBesideItsLineAndTheSuggestedBilling() {
    browser.get(page("/check"));
    new Select(browser.findElement(By.id("example"))).selectByValue("rule-time-code-mismatch");
    browser.findElement(By.cssSelector("#example-form button")).click();
    waiting(browser).until(ExpectedConditions.urlContains("example=rule-time-code-mismatch"));
    assertThat(browser.findElement(By.id("bundle")).getAttribute("value")).contains("\"resourceType\": \"Bundle\"");
    browser.findElement(By.cssSelector("#paste-form button[type=submit]")).click();
    WebElement results = waiting(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("results-section")));

    assertThat(browser.getCurrentUrl()).endsWith("/check?example=rule-time-code-mismatch");
    WebElement line = results.findElement(By.cssSelector("tr.line"));
    assertThat(line.getText()).contains("Line 1").contains("90837").contains("A 50-minute individual session is billed as 90834, not 90837");
    assertThat(results.findElements(By.cssSelector("tr.suggested-line td:first-child .code")).stream().map(WebElement::getText).toList())
        .containsExactly("90834");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("results-section");
  }

  @Test
  void theShortFormWorksWithoutJavascript() throws Exception {
    ChromeDriver plain = Browser.start(1280, 900, false);
    try {
      plain.get(page("/check"));
      plain.findElement(By.id("minutes")).sendKeys("80");
      new Select(plain.findElement(By.id("sessionType"))).selectByValue("crisis");
      new Select(plain.findElement(By.id("taxonomy"))).selectByValue("1041C0700X");
      plain.findElement(By.id("codes")).sendKeys("90839");
      plain.findElement(By.id("diagnosis")).sendKeys("F43.0");
      plain.findElement(By.cssSelector("#short-form button[type=submit]")).click();
      WebElement results = waiting(plain).until(ExpectedConditions.visibilityOfElementLocated(By.id("results-section")));

      assertThat(results.findElement(By.cssSelector("tr.line")).getText()).contains("90839").contains("crisis-units-mismatch");
      assertThat(results.findElements(By.cssSelector("tr.suggested-line")).stream().map(r -> r.findElements(By.tagName("td")).get(0).getText().substring(0, 5) + " x " + r.findElements(By.tagName("td")).get(1).getText()).toList())
          .containsExactly("90839 x 1", "90840 x 1");
      assertThat(plain.findElement(By.id("minutes")).getAttribute("value")).isEqualTo("80");
    } finally {
      plain.quit();
    }
  }

  @Test
  void axeFindsNoSeriousOrCriticalViolationAndNoPageScrollsSidewaysOnAPhone() throws Exception {
    Browser.Result<String> axe = Browser.axe();
    if (!axe.ok()) {
      System.out.println("[WARNING] Accessibility checks skipped: " + axe.problem());
    }
    Assumptions.assumeTrue(axe.ok(), () -> "Accessibility checks skipped: " + axe.problem());
    Files.createDirectories(SHOTS);
    List<String> problems = new ArrayList<>();
    for (int[] size : List.of(new int[] {1280, 900}, new int[] {390, 844})) {
      String width = size[0] > 600 ? "desktop" : "phone";
      ChromeDriver driver = Browser.start(size[0], size[1], true);
      try {
        for (String name : List.of("index", "code", "check")) {
          switch (name) {
            case "index" -> driver.get(page("/?q=famly+therapy"));
            case "code" -> driver.get(page("/codes/90837"));
            default -> {
              driver.get(page("/check?example=rule-time-code-mismatch"));
              driver.findElement(By.cssSelector("#paste-form button[type=submit]")).click();
              waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(By.id("results-section")));
            }
          }
          JavascriptExecutor js = driver;
          Number scroll = (Number) js.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
          if (scroll.intValue() > 0) {
            problems.add(name + " at " + width + " width scrolls sideways by " + scroll + " px");
          }
          js.executeScript(axe.value());
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> violations =
              (List<Map<String, Object>>)
                  js.executeAsyncScript(
                      "var done = arguments[arguments.length - 1];"
                          + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                          + "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                          + "    .map(function (v) { return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}; }));"
                          + "}).catch(function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: 0}]); });");
          violations.forEach(v -> problems.add(name + " at " + width + " width: " + v));
          long height = ((Number) js.executeScript("return document.documentElement.scrollHeight;")).longValue();
          driver.manage().window().setSize(new Dimension(size[0], (int) Math.min(height, 2400)));
          js.executeScript("window.scrollTo(0, 0);");
          Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
          Files.copy(shot, SHOTS.resolve(name + "-" + width + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          driver.manage().window().setSize(new Dimension(size[0], size[1]));
        }
      } finally {
        driver.quit();
      }
    }
    assertThat(problems).isEmpty();
  }
}
