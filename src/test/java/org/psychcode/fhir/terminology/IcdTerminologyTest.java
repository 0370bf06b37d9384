package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ICD-10-CM chapter 5 and the behavioral-diagnosis value set, as a terminology client asks about them. */
class IcdTerminologyTest extends TerminologyTestSupport {

  private static final String ICD = "http://hl7.org/fhir/sid/icd-10-cm";
  private static final String DIAGNOSES = VS + "mental-behavioral-diagnoses";

  private Parameters inDiagnoses(String code) throws Exception {
    return getJson("/ValueSet/$validate-code?url=" + DIAGNOSES + "&system=" + ICD + "&code=" + code).parameters();
  }

  @ParameterizedTest
  @ValueSource(strings = {"F41.1", "F32.A", "F01.A0", "F43.10", "F64.A", "F99"})
  void aBillableChapterFiveCodeIsABehavioralDiagnosis(String code) throws Exception {
    Parameters p = inDiagnoses(code);

    assertThat(result(p)).as(code).isTrue();
    assertThat(p.getParameterValue("version").primitiveValue()).isEqualTo("2027");
  }

  @ParameterizedTest
  @ValueSource(strings = {"F41", "F43.1", "F32.8", "F40-F48"})
  void aCategoryWithSubcodesIsNotOneAndTheAnswerSaysWhy(String code) throws Exception {
    Parameters p = inDiagnoses(code);

    assertThat(result(p)).isFalse();
    assertThat(p.getParameterValue("message").primitiveValue())
        .contains("'" + ICD + "#" + code + "'")
        .contains("was not found in the value set");
    assertThat(issues(p)).anySatisfy(i -> assertThat(i.getDetails().getText())
        .isEqualTo(code + " is in " + ICD + " but not in the value set: its billable is false, and the value set takes only billable = true"));
  }

  @Test
  void aCodeOfNoReleaseIsNotOne() throws Exception {
    Parameters p = inDiagnoses("F41.5");

    assertThat(result(p)).isFalse();
    assertThat(p.getParameterValue("message").primitiveValue()).contains("F41.5");
  }

  @Test
  void lookupGivesTheParentTheChildrenAndBillable() throws Exception {
    Parameters p = getJson("/CodeSystem/$lookup?system=" + ICD + "&code=F41.1").parameters();

    assertThat(p.getParameterValue("display").primitiveValue()).isEqualTo("Generalized anxiety disorder");
    assertThat(p.getParameterValue("version").primitiveValue()).isEqualTo("2027");
    assertThat(property(p, "parent")).isEqualTo("F41");
    assertThat(property(p, "billable")).isEqualTo("true");
    assertThat(property(getJson("/CodeSystem/$lookup?system=" + ICD + "&code=F43.1").parameters(), "billable")).isEqualTo("false");
  }

  @Test
  void expandingWithAFilterFindsTheAnxietyCodes() throws Exception {
    ValueSet vs = getJson("/ValueSet/$expand?url=" + DIAGNOSES + "&filter=anxiety").as(ValueSet.class);

    assertThat(vs.getExpansion().getContains()).extracting(c -> c.getCode())
        .contains("F41.0", "F41.1", "F41.3", "F41.8", "F41.9", "F06.4")
        .doesNotContain("F41", "F32.A");
  }

  private static String property(Parameters p, String code) {
    for (ParametersParameterComponent pp : p.getParameter()) {
      if ("property".equals(pp.getName())
          && pp.getPart().stream().anyMatch(x -> x.getName().equals("code") && code.equals(x.getValue().primitiveValue()))) {
        return pp.getPart().stream().filter(x -> x.getName().equals("value")).findFirst().orElseThrow().getValue().primitiveValue();
      }
    }
    return null;
  }
}
