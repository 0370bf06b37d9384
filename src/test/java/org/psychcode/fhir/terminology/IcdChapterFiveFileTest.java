package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

/**
 * {@code terminology/CodeSystem-icd-10-cm.json} is CMS's chapter 5 of ICD-10-CM as the public-domain extract in
 * {@code ../shared/data/icd-10-cm-chapter-5.tsv} (FY2026) gives it, row for row, plus F64.A, the one code FY2027 adds
 * to the chapter. Skipped where that folder is not beside the repository.
 */
class IcdChapterFiveFileTest {

  private static final Path TSV = Path.of("../shared/data/icd-10-cm-chapter-5.tsv");

  private record Row(String code, boolean billable, String parent, String shortTitle, String longTitle) {}

  private static List<Row> rows() throws Exception {
    return Files.readAllLines(TSV).stream()
        .skip(1)
        .map(l -> l.split("\t", -1))
        .map(f -> new Row(f[0], "1".equals(f[1]), f[2], f[3], f[4]))
        .toList();
  }

  private static CodeSystemIndex published() throws Exception {
    return CodeSystemIndex.of(
        FhirContext.forR4Cached().newJsonParser()
            .parseResource(CodeSystem.class, Files.readString(Path.of("terminology/CodeSystem-icd-10-cm.json"))));
  }

  @Test
  void holdsEveryRowOfCmssChapterFiveWithItsTitlesParentAndBillableFlag() throws Exception {
    assumeTrue(Files.exists(TSV), "../shared/data is not beside the repository");
    CodeSystemIndex icd = published();
    List<Row> rows = rows();

    assertThat(rows).hasSize(1124);
    for (Row r : rows) {
      IndexedConcept c = icd.concept(r.code()).orElseThrow(() -> new AssertionError(r.code() + " is missing"));
      assertThat(c.display()).as(r.code()).isEqualTo(r.longTitle());
      assertThat(c.booleanProperty("billable")).as(r.code()).contains(r.billable());
      assertThat(c.parents()).as(r.code()).isEqualTo(r.parent().isEmpty() ? List.of() : List.of(r.parent()));
      if (!r.shortTitle().equals(r.longTitle())) {
        assertThat(c.source().getDesignation()).as(r.code()).anySatisfy(d -> assertThat(d.getValue()).isEqualTo(r.shortTitle()));
      }
    }
  }

  @Test
  void addsF64AOfFy2027AndNothingElse() throws Exception {
    assumeTrue(Files.exists(TSV), "../shared/data is not beside the repository");
    CodeSystemIndex icd = published();
    Set<String> extra = new LinkedHashSet<>();
    icd.concepts().forEach(c -> extra.add(c.code()));
    rows().forEach(r -> extra.remove(r.code()));

    assertThat(extra).containsExactly("F64.A");
    IndexedConcept f64a = icd.concept("F64.A").orElseThrow();
    assertThat(f64a.display()).isEqualTo("Gender identity disorder, in remission");
    assertThat(f64a.isTrue("billable")).isTrue();
    assertThat(icd.version()).isEqualTo("2027");
    assertThat(icd.concepts().stream().filter(c -> c.isTrue("billable"))).hasSize(872);
  }
}
