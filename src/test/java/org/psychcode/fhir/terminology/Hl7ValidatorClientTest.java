package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * HL7's FHIR validator (org.hl7.fhir.validation 6.10.4, what the validator CLI with {@code -tx}, the IG publisher and
 * HL7's tooling run) with this server as its terminology server, over HTTP, on every example visit of
 * {@code fhir-resources/examples/}. The validator pins a newer FHIR core than HAPI 8.8.0, so it runs in a child JVM on
 * a classpath of its own, which Maven resolves from {@code src/test/hl7-validator/pom.xml} into
 * {@code target/hl7-validator/lib} the first time (Maven Central only; the R4 core package is written from HAPI's
 * hapi-fhir-validation-resources-r4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Hl7ValidatorClientTest extends ServerTestBase {

  private static final Path HOME = Path.of("src/test/hl7-validator");
  private static final Path WORK = Path.of("target/hl7-validator");

  /** One message of HL7's validator: {@code server} names the terminology server that said it, or is "-". */
  record Message(String file, String level, String location, String id, String server, String text) {
    boolean fromTerminologyServer() {
      return !"-".equals(server);
    }

    boolean errorOrWarning() {
      return level.equals("error") || level.equals("fatal") || level.equals("warning");
    }
  }

  private List<Message> messages;
  private Path wrongDisplay;

  @BeforeAll
  void validateTheExamplesWithHl7sValidator() throws Exception {
    Path lib = classpath();
    wrongDisplay = WORK.resolve("wrong-display-individual.json");
    Bundle visit =
        FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("fhir-resources/examples/valid-individual.json")));
    Claim claim = (Claim) visit.getEntry().get(5).getResource();
    claim.getItemFirstRep().getProductOrService().getCodingFirstRep().setDisplay("Ninety minutes of family therapy");
    claim.getDiagnosisFirstRep().getDiagnosisCodeableConcept().getCodingFirstRep().setDisplay("Generalized anxiety disorder");
    Files.writeString(wrongDisplay, FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(visit));

    List<String> command = new ArrayList<>(List.of(java(), "-cp", lib.toAbsolutePath() + "/*", HOME.resolve("ValidateVisits.java").toString(),
        WORK.resolve("packages").toString(), base()));
    try (Stream<Path> examples = Files.list(Path.of("fhir-resources/examples"))) {
      examples.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> command.add(p.toString()));
    }
    command.add(wrongDisplay.toString());
    List<String> lines = run(command, WORK.resolve("validator.log"), 15);
    messages = lines.stream()
        .map(l -> l.split("\t", -1))
        .filter(f -> f.length == 6)
        .map(f -> new Message(Path.of(f[0]).getFileName().toString(), f[1], f[2], f[3], f[4], f[5]))
        .toList();
  }

  @Test
  void noExampleVisitGetsATerminologyErrorAndOnlyACodeOutsideThePublishedFragmentAWarning() {
    List<Message> fromServer =
        messages.stream().filter(m -> m.fromTerminologyServer() && m.errorOrWarning() && !m.file().equals(wrongDisplay.getFileName().toString())).toList();

    // Z63.0 (chapter 21) is outside the chapter 5 fragment the server publishes: a fragment cannot rule a code out
    assertThat(fromServer).singleElement().satisfies(m -> {
      assertThat(m.file()).isEqualTo("rule-diagnosis-not-behavioral.json");
      assertThat(m.level()).isEqualTo("warning");
      assertThat(m.id()).isEqualTo("UNKNOWN_CODE_IN_FRAGMENT");
      assertThat(m.text()).contains("Z63.0");
    });
  }

  @Test
  void theValidatorAskedThisServer() {
    assertThat(messages).as("the validator produced messages").isNotEmpty();
    assertThat(messages).anySatisfy(m -> assertThat(m.server()).isEqualTo(base()));
  }

  @Test
  void noTerminologyErrorAtAllOnTheValidVisits() {
    assertThat(messages.stream().filter(m -> m.file().startsWith("valid-") && m.errorOrWarning() && !m.id().contains("dom-6")))
        .as("errors and warnings other than the narrative best practice")
        .isEmpty();
  }

  @Test
  void aWrongDisplayIsReportedAndTheIcd10CmCodeIsKnown() {
    List<Message> mine = messages.stream().filter(m -> m.file().equals(wrongDisplay.getFileName().toString())).toList();

    assertThat(mine).filteredOn(m -> m.level().equals("error")).singleElement().satisfies(m -> {
      assertThat(m.location()).endsWith(".item[0].productOrService.coding[0].display");
      assertThat(m.id()).isEqualTo("Display_Name_for__should_be_one_of__instead_of");
      assertThat(m.server()).isEqualTo(base());
      assertThat(m.text()).contains("Ninety minutes of family therapy").contains("90834");
    });
    assertThat(mine).noneSatisfy(m -> assertThat(m.location()).contains("diagnosis"));
  }

  /** The validator's classpath, resolved by Maven the first time (and again when the pom changes). */
  private static Path classpath() throws Exception {
    Path lib = WORK.resolve("lib");
    Path done = lib.resolve(".complete");
    if (Files.exists(done) && Files.getLastModifiedTime(done).compareTo(Files.getLastModifiedTime(HOME.resolve("pom.xml"))) > 0) {
      return lib;
    }
    Files.createDirectories(WORK);
    String mvnw = Path.of(System.getProperty("os.name").startsWith("Windows") ? "mvnw.cmd" : "mvnw").toAbsolutePath().toString();
    run(
        List.of(mvnw, "-q", "-B", "-f", HOME.resolve("pom.xml").toString(), "dependency:copy-dependencies",
            "-DincludeScope=runtime", "-DoutputDirectory=" + lib.toAbsolutePath()),
        WORK.resolve("maven.log"),
        15);
    Files.writeString(done, "");
    return lib;
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static List<String> run(List<String> command, Path log, int minutes) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + minutes + " minutes; see " + log);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
        .isZero();
    return lines;
  }
}
