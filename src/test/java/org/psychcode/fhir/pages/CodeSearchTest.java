package org.psychcode.fhir.pages;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.terminology.CoreTerminology;
import org.psychcode.fhir.terminology.TerminologyProperties;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyService;

/** The search a biller types into, against the real terminology files: codes, words, typos, and misses. */
class CodeSearchTest {

  static final CodeCatalog CATALOG = catalog();

  static CodeCatalog catalog() {
    try {
      TerminologyRegistry registry = new TerminologyRegistry(FhirContext.forR4Cached(), new TerminologyProperties("file:terminology/"));
      TerminologyService terminology =
          new TerminologyService(registry, new CoreTerminology(FhirContext.forR4Cached()), FhirContext.forR4Cached());
      return new CodeCatalog(terminology, CodeBook.from(terminology));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> top(String query, int n) {
    return CATALOG.search(query, null).stream().limit(n).map(CodeEntry::id).toList();
  }

  @ParameterizedTest(name = "\"{0}\" finds {1} first")
  @CsvSource({
    "famly therapy, 90846 90847",
    "family therapy, 90846 90847",
    "crisis, 90839 90840",
    "psychoanalysis, 90845",
    "psychoanalisis, 90845",
    "hypnosis, 90880",
    "electroconvulsive, 90870",
    "interactive complexity, 90785",
    "interactve complexity, 90785",
    "group therapy, 90853",
    "intake, 90791",
    "neuropsychological, 96132",
    "collaborative care first month, 99492",
  })
  void findsWhatABillerMeans(String query, String expected) {
    List<String> wanted = List.of(expected.split(" "));
    assertThat(top(query, wanted.size())).containsExactlyInAnyOrderElementsOf(wanted);
  }

  @Test
  void aCodeOrItsBeginningListsTheCodesThatStartSo() {
    assertThat(top("90834", 5)).containsExactly("90834");
    assertThat(top("9083", 10)).containsExactly("90832", "90833", "90834", "90836", "90837", "90838", "90839");
    assertThat(top("h0004", 5)).containsExactly("H0004");
  }

  @Test
  void aSessionTypeNarrowsTheSearch() {
    assertThat(CATALOG.search("", "family-with-patient")).extracting(CodeEntry::id).containsExactly("90847");
    assertThat(CATALOG.search("therapy", "group")).extracting(CodeEntry::id).containsExactlyInAnyOrder("90853", "G0410");
  }

  @Test
  void nonsenseFindsNothing() {
    assertThat(CATALOG.search("zzzz qqqq", null)).isEmpty();
  }

  @Nested
  class CloseMatches {

    @Test
    void anUnknownCodeIsOfferedTheCodesADigitAway() {
      assertThat(CATALOG.closeTo("90835")).extracting(CodeEntry::id).startsWith("90832").contains("90834", "90836", "90845");
    }

    @Test
    void wordsAreSearched() {
      assertThat(CATALOG.closeTo("family")).extracting(CodeEntry::id).contains("90846", "90847");
    }
  }
}
