package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every code of {@code behavioral-health-codes} carries the content the code pages and {@code $lookup} show, as
 * declared string properties and synonym designations of its CodeSystem: a page never has an empty section, and
 * each similar code comes with how it differs.
 */
class CodeContentFilesTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final List<String> ONE = List.of("purpose", "indication", "preparation", "recovery", "patient-experience");
  static final List<String> SOME = List.of("step", "risk", "benefit", "alternative");
  static final Map<String, ConceptDefinitionComponent> CONCEPTS = new LinkedHashMap<>();
  static final Map<String, CodeSystem> OWNERS = new LinkedHashMap<>();

  static {
    for (String file : List.of("CodeSystem-cpt.json", "CodeSystem-hcpcs.json")) {
      CodeSystem cs = read(file, CodeSystem.class);
      cs.getConcept().forEach(c -> CONCEPTS.put(c.getCode(), c));
      cs.getConcept().forEach(c -> OWNERS.put(c.getCode(), cs));
    }
  }

  static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T read(String file, Class<T> type) {
    try {
      return FHIR.newJsonParser().parseResource(type, Files.readString(Path.of("terminology", file)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Stream<String> codes() {
    ValueSet vs = read("ValueSet-behavioral-health-codes.json", ValueSet.class);
    return vs.getCompose().getInclude().stream().flatMap(i -> i.getConcept().stream()).map(c -> c.getCode());
  }

  static List<String> strings(ConceptDefinitionComponent c, String property) {
    List<String> values = new ArrayList<>();
    c.getProperty().stream().filter(p -> p.getCode().equals(property)).forEach(p -> values.add(p.getValue().primitiveValue()));
    return values;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void carriesEverySectionOfItsPage(String code) {
    ConceptDefinitionComponent c = CONCEPTS.get(code);
    assertThat(c).as(code).isNotNull();
    for (String p : ONE) {
      assertThat(strings(c, p)).as(code + " " + p).singleElement().asString().hasSizeGreaterThan(4);
    }
    for (String p : SOME) {
      assertThat(strings(c, p)).as(code + " " + p).isNotEmpty().allSatisfy(v -> assertThat(v).hasSizeGreaterThan(10));
    }
    boolean timed = !strings(c, "minimum-minutes").isEmpty();
    assertThat(strings(c, "typical-duration")).as(code + ": typical-duration only where no minutes are published").hasSize(timed ? 0 : 1);
    assertThat(c.getDesignation())
        .as(code + " common names")
        .isNotEmpty()
        .allSatisfy(d -> {
          assertThat(d.getLanguage()).isEqualTo("en");
          assertThat(d.getUse().getCode()).isEqualTo("900000000000013009");
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void tellsHowItDiffersFromEachSimilarCodeAndFromNoOther(String code) {
    ConceptDefinitionComponent c = CONCEPTS.get(code);
    Set<String> similar = new TreeSet<>(strings(c, "similar-code"));
    Set<String> explained = new TreeSet<>();
    for (String d : strings(c, "similar-code-difference")) {
      assertThat(d).as(code).matches("[0-9A-Z]{5}: .{20,}");
      explained.add(d.substring(0, 5));
    }
    assertThat(explained).as(code).isEqualTo(similar);
    similar.forEach(s -> assertThat(CONCEPTS).as(code + " names " + s).containsKey(s));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void declaresEveryPropertyItUses(String code) {
    CodeSystem cs = OWNERS.get(code);
    Set<String> declared = new TreeSet<>();
    cs.getProperty().forEach(p -> declared.add(p.getCode()));
    CONCEPTS.get(code).getProperty().forEach(p -> assertThat(declared).as(code).contains(p.getCode()));
  }
}
