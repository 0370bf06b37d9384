package org.psychcode.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/**
 * The profiles in {@code fhir-resources/} carry their snapshot, so the server need not generate it at
 * start-up (generating one converts every core definition and costs seconds). This test regenerates each
 * snapshot from its differential and fails when the committed one differs; run it with
 * {@code -Dpsychcode.write-snapshots=true} to rewrite the files after changing a differential.
 */
class ProfileSnapshotsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void everyProfileCarriesTheSnapshotItsDifferentialGenerates() throws IOException {
    DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(FHIR);
    ValidationSupportChain chain = new ValidationSupportChain(core, new SnapshotGeneratingValidationSupport(FHIR));
    boolean write = Boolean.getBoolean("psychcode.write-snapshots");
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("fhir-resources"))) {
      files = s.filter(p -> p.getFileName().toString().startsWith("StructureDefinition-")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      StructureDefinition authored = (StructureDefinition) FHIR.newJsonParser().parseResource(Files.readString(file));
      StructureDefinition differential = authored.copy();
      differential.setSnapshot(null);
      StructureDefinition generated =
          (StructureDefinition) chain.generateSnapshot(new ValidationSupportContext(chain), differential, differential.getUrl(), null, differential.getName());
      if (write) {
        Files.writeString(file, FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(generated) + "\n", StandardCharsets.UTF_8);
        continue;
      }
      assertThat(summary(authored)).as(file + " snapshot (rewrite with -Dpsychcode.write-snapshots=true)").isEqualTo(summary(generated));
    }
  }

  private static List<String> summary(StructureDefinition sd) {
    return sd.getSnapshot().getElement().stream().map(ProfileSnapshotsTest::summary).toList();
  }

  private static String summary(ElementDefinition e) {
    return e.getId()
        + " "
        + e.getMin()
        + ".."
        + e.getMax()
        + " "
        + (e.hasBinding() ? e.getBinding().getStrength() + ":" + e.getBinding().getValueSet() : "")
        + " "
        + e.getConstraint().stream().map(ElementDefinition.ElementDefinitionConstraintComponent::getKey).toList()
        + " "
        + e.getType().stream().map(t -> t.getCode() + t.getTargetProfile()).toList();
  }
}
