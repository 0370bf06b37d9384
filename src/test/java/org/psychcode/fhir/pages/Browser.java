package org.psychcode.fhir.pages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for the browser tests: Debian's {@code chromium} and {@code chromium-driver} (or the
 * binaries named by {@code CHROME_BIN} and {@code CHROMEDRIVER}), and axe-core, fetched from npm into
 * {@code target/axe-core} the first time. Where either cannot be had, {@link #missing} says why, and the tests that
 * need it are skipped with that sentence printed, never silently.
 */
final class Browser {

  static final String AXE_VERSION = "4.10.3";
  private static final Path AXE_DIR = Path.of("target", "axe-core");
  private static final Path AXE = AXE_DIR.resolve("package").resolve("axe.min.js");

  private Browser() {}

  static Optional<Path> chromium() {
    return executable("CHROME_BIN", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
  }

  static Optional<Path> chromedriver() {
    return executable("CHROMEDRIVER", List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
  }

  /** Why no browser can be had here, or empty when one can. */
  static Optional<String> missing() {
    if (chromium().isEmpty()) {
      return Optional.of("no Chromium found (set CHROME_BIN, or apt-get install chromium chromium-driver; .ci/run does so as root)");
    }
    if (chromedriver().isEmpty()) {
      return Optional.of("no chromedriver found (set CHROMEDRIVER, or apt-get install chromium-driver; .ci/run does so as root)");
    }
    return Optional.empty();
  }

  /** A fresh headless Chromium of this width and height; with {@code javascript} false, scripts are off. */
  static ChromeDriver start(int width, int height, boolean javascript) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium().orElseThrow().toFile());
    Path profile = Files.createTempDirectory("psychcode-chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    if (!javascript) {
      options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver().orElseThrow().toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
    return driver;
  }

  /**
   * axe-core's script, fetched with {@code npm pack axe-core@}{@value #AXE_VERSION} into {@code target/axe-core} when
   * it is not there yet; empty with the reason when npm cannot fetch it.
   */
  static synchronized Result<String> axe() {
    try {
      if (!Files.exists(AXE)) {
        Files.createDirectories(AXE_DIR);
        String tarball = "axe-core-" + AXE_VERSION + ".tgz";
        if (!run(List.of("npm", "pack", "--silent", "axe-core@" + AXE_VERSION, "--pack-destination", AXE_DIR.toString()))
            || !run(List.of("tar", "-xzf", AXE_DIR.resolve(tarball).toString(), "-C", AXE_DIR.toString()))
            || !Files.exists(AXE)) {
          return Result.failed("npm could not fetch axe-core@" + AXE_VERSION + " into " + AXE_DIR + " (is npm installed and the registry reachable?)");
        }
      }
      return Result.of(Files.readString(AXE));
    } catch (IOException e) {
      return Result.failed("axe-core could not be read: " + e.getMessage());
    }
  }

  private static boolean run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<Path> executable(String variable, List<String> candidates) {
    String named = System.getenv(variable);
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** A value, or why there is none. */
  record Result<T>(T value, String problem) {
    static <T> Result<T> of(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> failed(String problem) {
      return new Result<>(null, problem);
    }

    boolean ok() {
      return problem == null;
    }
  }
}
