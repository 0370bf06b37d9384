package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LookupExpandTranslateTest extends TerminologyTestSupport {

  private static List<ParametersParameterComponent> properties(Parameters p, String code) {
    return p.getParameter().stream()
        .filter(x -> x.getName().equals("property"))
        .filter(x -> code.equals(x.getPart().get(0).getValue().primitiveValue()))
        .toList();
  }

  private static org.hl7.fhir.r4.model.Type propertyValue(ParametersParameterComponent property) {
    return property.getPart().stream().filter(x -> x.getName().equals("value")).findFirst().orElseThrow().getValue();
  }

  private static List<String> codes(ValueSet vs) {
    return vs.getExpansion().getContains().stream().map(ValueSetExpansionContainsComponent::getCode).toList();
  }

  private static CodeSystem hierarchy() {
    return testResource(CodeSystem.class, "CodeSystem-hierarchy.json");
  }

  private static ValueSet therapies() {
    return testResource(ValueSet.class, "ValueSet-therapies.json");
  }

  @Nested
  class Lookup {

    @Test
    void sixtyMinutePsychotherapyStartsAtFiftyThreeMinutes() throws Exception {
      Parameters p = getJson("/CodeSystem/$lookup?system=" + CPT + "&code=90837").parameters();

      assertThat(value(p, "name")).isEqualTo("CPTBehavioralHealthFragment");
      assertThat(value(p, "code")).isEqualTo("90837");
      assertThat(value(p, "display")).isNotBlank();
      assertThat(value(p, "definition")).isNotBlank();
      assertThat(properties(p, "minimum-minutes")).singleElement()
          .satisfies(x -> assertThat(((IntegerType) propertyValue(x)).getValue()).isEqualTo(53));
      assertThat(properties(p, "session-type")).singleElement()
          .satisfies(x -> assertThat(propertyValue(x).primitiveValue()).isEqualTo("individual"));
      assertThat(properties(p, "never-with")).hasSizeGreaterThan(1);
      assertThat(properties(p, "inactive")).singleElement()
          .satisfies(x -> assertThat(propertyValue(x).primitiveValue()).isEqualTo("false"));
      assertThat(p.getParameter()).anyMatch(x -> x.getName().equals("designation"));
    }

    @Test
    void thePropertyParameterPicksWhichPropertiesComeBack() throws Exception {
      Parameters p =
          getJson("/CodeSystem/$lookup?system=" + CPT + "&code=90837&property=minimum-minutes").parameters();

      assertThat(p.getParameter().stream().filter(x -> x.getName().equals("property")))
          .singleElement()
          .satisfies(x -> assertThat(x.getPart().get(0).getValue().primitiveValue()).isEqualTo("minimum-minutes"));
      assertThat(param(p, "designation")).isNull();
      assertThat(param(p, "definition")).isNull();
    }

    @Test
    void givesParentAndChildrenWithTheirDisplays() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$lookup",
                  params("system", new UriType(HIERARCHY), "code", new CodeType("talk"), "tx-resource", hierarchy()))
              .parameters();

      assertThat(properties(p, "parent")).singleElement()
          .satisfies(x -> assertThat(propertyValue(x).primitiveValue()).isEqualTo("therapy"));
      assertThat(properties(p, "child")).singleElement()
          .satisfies(
              x -> {
                assertThat(propertyValue(x).primitiveValue()).isEqualTo("talk-short");
                assertThat(x.getPart()).anyMatch(part -> part.getName().equals("description")
                    && part.getValue().primitiveValue().equals("Short talk therapy"));
              });
      assertThat(p.getParameter())
          .anySatisfy(
              x -> {
                assertThat(x.getName()).isEqualTo("designation");
                assertThat(x.getPart())
                    .anyMatch(part -> part.getName().equals("value")
                        && part.getValue().primitiveValue().equals("Gesprächstherapie"));
              });
    }

    @Test
    void displayLanguagePicksTheDisplay() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$lookup",
                  params(
                      "coding", new Coding(HIERARCHY, "talk", null),
                      "displayLanguage", new CodeType("de"),
                      "tx-resource", hierarchy()))
              .parameters();

      assertThat(value(p, "display")).isEqualTo("Gesprächstherapie");
    }

    @Test
    void anUnknownCodeIsNotFound() throws Exception {
      var oo = assertClientError(getJson("/CodeSystem/$lookup?system=" + CPT + "&code=99999"), 404);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("'99999'");
    }

    @Test
    void anUnknownCodeSystemIsNotFound() throws Exception {
      var oo = assertClientError(getJson("/CodeSystem/$lookup?system=http://example.org/none&code=1"), 404);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("http://example.org/none");
    }
  }

  @Nested
  class Expand {

    @Test
    void expandsTheCrisisSet() throws Exception {
      ValueSet vs = getJson("/ValueSet/$expand?url=" + VS + "crisis").as(ValueSet.class);

      assertThat(vs.getUrl()).isEqualTo(VS + "crisis");
      assertThat(vs.getExpansion().getTotal()).isEqualTo(4);
      assertThat(codes(vs)).containsExactlyInAnyOrder("90839", "90840", "G0017", "G0018");
      assertThat(vs.getExpansion().getContains())
          .filteredOn(c -> c.getCode().startsWith("G"))
          .allMatch(c -> c.getSystem().equals(HCPCS));
      assertThat(vs.getExpansion().getContains()).allMatch(c -> c.getDisplay() != null);
      assertThat(vs.getExpansion().getParameter())
          .anyMatch(p -> p.getName().equals("used-fragment") && p.getValue().primitiveValue().startsWith(CPT));
    }

    @Test
    void pagesWithCountAndOffset() throws Exception {
      ValueSet all = getJson("/ValueSet/$expand?url=" + VS + "behavioral-health-codes").as(ValueSet.class);
      ValueSet page =
          getJson("/ValueSet/$expand?url=" + VS + "behavioral-health-codes&count=5&offset=5").as(ValueSet.class);

      assertThat(page.getExpansion().getContains()).hasSize(5);
      assertThat(page.getExpansion().getOffset()).isEqualTo(5);
      assertThat(page.getExpansion().getTotal()).isEqualTo(all.getExpansion().getTotal());
      assertThat(codes(page)).isEqualTo(codes(all).subList(5, 10));
    }

    @Test
    void filtersByText() throws Exception {
      ValueSet vs = getJson("/ValueSet/$expand?url=" + VS + "behavioral-health-codes&filter=crisis").as(ValueSet.class);

      assertThat(codes(vs)).contains("90839", "90840").doesNotContain("90834");
      assertThat(vs.getExpansion().getTotal()).isEqualTo(codes(vs).size());
      assertThat(vs.getExpansion().getParameter())
          .anyMatch(p -> p.getName().equals("filter") && p.getValue().primitiveValue().equals("crisis"));
    }

    @Test
    void keepsTheHierarchyAndFlattensItOnRequest() throws Exception {
      ValueSet nested =
          postJson("/ValueSet/$expand", params("url", new UriType(THERAPIES), "tx-resource", hierarchy(),
                  "tx-resource", therapies()))
              .as(ValueSet.class);
      ValueSet flat =
          postJson(
                  "/ValueSet/$expand",
                  params(
                      "url", new UriType(THERAPIES),
                      "excludeNested", new BooleanType(true),
                      "tx-resource", hierarchy(),
                      "tx-resource", therapies()))
              .as(ValueSet.class);

      assertThat(codes(nested)).containsExactly("therapy");
      ValueSetExpansionContainsComponent therapy = nested.getExpansion().getContainsFirstRep();
      assertThat(therapy.getAbstract()).isTrue();
      assertThat(therapy.getContains()).extracting(ValueSetExpansionContainsComponent::getCode)
          .containsExactly("talk", "old");
      assertThat(codes(flat)).containsExactly("therapy", "talk", "talk-short", "old");
      assertThat(flat.getExpansion().getTotal()).isEqualTo(4);
    }

    @Test
    void activeOnlyLeavesRetiredCodesOut() throws Exception {
      ValueSet vs =
          postJson(
                  "/ValueSet/$expand",
                  params(
                      "url", new UriType(THERAPIES),
                      "activeOnly", new BooleanType(true),
                      "excludeNested", new BooleanType(true),
                      "tx-resource", hierarchy(),
                      "tx-resource", therapies()))
              .as(ValueSet.class);

      assertThat(codes(vs)).containsExactly("therapy", "talk", "talk-short");
    }

    @Test
    void includesDesignationsAndShowsDisplaysInTheLanguageAsked() throws Exception {
      ValueSet vs =
          postJson(
                  "/ValueSet/$expand",
                  params(
                      "url", new UriType(THERAPIES),
                      "includeDesignations", new BooleanType(true),
                      "displayLanguage", new CodeType("de"),
                      "excludeNested", new BooleanType(true),
                      "tx-resource", hierarchy(),
                      "tx-resource", therapies()))
              .as(ValueSet.class);

      ValueSetExpansionContainsComponent talk =
          vs.getExpansion().getContains().stream().filter(c -> c.getCode().equals("talk")).findFirst().orElseThrow();
      assertThat(talk.getDisplay()).isEqualTo("Gesprächstherapie");
      assertThat(talk.getDesignation()).anyMatch(d -> d.getValue().equals("Talk therapy"));
    }

    @Test
    void expandsAtInstanceLevel() throws Exception {
      ValueSet vs = getJson("/ValueSet/psychotherapy-individual/$expand").as(ValueSet.class);

      assertThat(codes(vs)).containsExactlyInAnyOrder("90832", "90833", "90834", "90836", "90837", "90838");
    }

    @Test
    void anUnknownValueSetIsNotFound() throws Exception {
      assertClientError(getJson("/ValueSet/$expand?url=" + VS + "nothing-here"), 404);
    }

    @Test
    void aNegativeCountIsABadRequest() throws Exception {
      var oo = assertClientError(getJson("/ValueSet/$expand?url=" + VS + "crisis&count=-1"), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("count");
    }

    @Test
    void aCatastrophicRegexFilterAnswersQuickly() throws Exception {
      ValueSet bad = therapies();
      bad.getCompose().getIncludeFirstRep().getFilterFirstRep()
          .setProperty("code").setOp(ValueSet.FilterOperator.REGEX).setValue("((a+)+)+");
      CodeSystem cs = hierarchy();
      cs.addConcept().setCode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!").setDisplay("Long");
      long start = System.nanoTime();

      ValueSet vs = postJson("/ValueSet/$expand", params("valueSet", bad, "tx-resource", cs)).as(ValueSet.class);

      assertThat(codes(vs)).isEmpty();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
    }

    @Test
    void aValueSetThatImportsItselfIsRefused() throws Exception {
      ValueSet circular = new ValueSet();
      circular.setUrl("http://psychcode.org/fhir/test/ValueSet/circular").setStatus(
          org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
      circular.getCompose().addInclude().addValueSet("http://psychcode.org/fhir/test/ValueSet/circular");

      var oo = assertClientError(postJson("/ValueSet/$expand", params("valueSet", circular)), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("circularity");
    }

    @Test
    void diagnosticsNameTheValueSetAndCodeSystemsThatAnswered() throws Exception {
      ValueSet traced = getJson("/ValueSet/$expand?url=" + VS + "crisis&diagnostics=true").as(ValueSet.class);
      ValueSet plain = getJson("/ValueSet/$expand?url=" + VS + "crisis").as(ValueSet.class);

      assertThat(traced.getExpansion().getParameter())
          .filteredOn(p -> p.getName().equals("diagnostics"))
          .singleElement()
          .satisfies(p -> assertThat(p.getValue().primitiveValue()).contains("ValueSet " + VS + "crisis"));
      assertThat(plain.getExpansion().getParameter()).noneMatch(p -> p.getName().equals("diagnostics"));
    }

    @Test
    void thePublishedExpansionIsServedIdenticallyEachTime() throws Exception {
      Answer first = getJson("/ValueSet/$expand?url=" + VS + "family&_pretty=false");
      Answer second = getJson("/ValueSet/$expand?url=" + VS + "family&_pretty=false");

      assertThat(second.body()).isEqualTo(first.body());
    }
  }

  @Nested
  class Subsumes {

    private String outcome(String a, String b) throws Exception {
      return value(
          postJson(
                  "/CodeSystem/$subsumes",
                  params(
                      "system", new UriType(HIERARCHY),
                      "codeA", new CodeType(a),
                      "codeB", new CodeType(b),
                      "tx-resource", hierarchy()))
              .parameters(),
          "outcome");
    }

    @Test
    void relatesCodesThroughTheHierarchy() throws Exception {
      assertThat(outcome("therapy", "talk-short")).isEqualTo("subsumes");
      assertThat(outcome("talk-short", "therapy")).isEqualTo("subsumed-by");
      assertThat(outcome("talk", "talk")).isEqualTo("equivalent");
      assertThat(outcome("talk", "assessment")).isEqualTo("not-subsumed");
    }

    @Test
    void anUnknownCodeIsNotFound() throws Exception {
      Answer a =
          postJson(
              "/CodeSystem/$subsumes",
              params(
                  "system", new UriType(HIERARCHY),
                  "codeA", new CodeType("therapy"),
                  "codeB", new CodeType("nope"),
                  "tx-resource", hierarchy()));
      assertClientError(a, 404);
    }
  }

  @Nested
  class Translate {

    @Test
    void mapsTheIndividualSessionTypeToItsCptCodes() throws Exception {
      Parameters p =
          getJson("/ConceptMap/$translate?url=http://psychcode.org/fhir/ConceptMap/session-type-to-cpt"
                  + "&system=" + SESSION_TYPE + "&code=individual")
              .parameters();

      assertThat(result(p)).isTrue();
      List<ParametersParameterComponent> matches =
          p.getParameter().stream().filter(x -> x.getName().equals("match")).toList();
      assertThat(matches)
          .extracting(m -> ((Coding) m.getPart().stream().filter(x -> x.getName().equals("concept")).findFirst()
              .orElseThrow().getValue()).getCode())
          .contains("90832", "90834", "90837");
      assertThat(matches.get(0).getPart())
          .anyMatch(x -> x.getName().equals("equivalence") && x.getValue().primitiveValue().equals("narrower"));
    }

    @Test
    void anUnknownConceptMapIsNotFound() throws Exception {
      assertClientError(
          getJson("/ConceptMap/$translate?url=http://psychcode.org/fhir/ConceptMap/none&system=" + SESSION_TYPE
              + "&code=individual"),
          404);
    }
  }
}
