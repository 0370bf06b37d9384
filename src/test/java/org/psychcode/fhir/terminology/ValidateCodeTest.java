package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ValidateCodeTest extends TerminologyTestSupport {

  @Autowired TerminologyRegistry registry;

  private String cptDisplay(String code) {
    return registry.codeSystem(CPT).orElseThrow().concept(code).orElseThrow().display();
  }

  @Nested
  class InCodeSystem {

    @Test
    void acceptsAPublishedCptCodeAndGivesItsDisplay() throws Exception {
      Answer a = getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90834");

      assertThat(a.status()).isEqualTo(200);
      Parameters p = a.parameters();
      assertThat(result(p)).isTrue();
      assertThat(value(p, "code")).isEqualTo("90834");
      assertThat(value(p, "system")).isEqualTo(CPT);
      assertThat(value(p, "version")).isEqualTo(registry.codeSystem(CPT).orElseThrow().version());
      assertThat(value(p, "display")).isEqualTo(cptDisplay("90834"));
      assertThat(param(p, "issues")).isNull();
    }

    @Test
    void diagnosticsNameTheCodeSystemThatAnswered() throws Exception {
      Parameters traced =
          getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90834&diagnostics=true").parameters();
      Parameters plain = getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90834").parameters();

      assertThat(value(traced, "diagnostics")).contains("CodeSystem " + CPT).contains("content fragment");
      assertThat(param(plain, "diagnostics")).isNull();
    }

    @Test
    void acceptsACodeTheCptFragmentLacksWithAWarning() throws Exception {
      Parameters p = getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=99999").parameters();

      assertThat(result(p)).isTrue();
      assertThat(issues(p)).hasSize(1);
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING);
      assertThat(issue.getCode()).isEqualTo(IssueType.CODEINVALID);
      assertThat(txType(issue)).isEqualTo("invalid-code");
      assertThat(expression(issue)).isEqualTo("code");
      assertThat(issue.getDetails().getText()).contains("99999").contains("fragment");
    }

    @Test
    void rejectsACodeTheCompleteSessionTypeSystemLacks() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params("url", new UriType(SESSION_TYPE), "code", new CodeType("couples")))
              .parameters();

      assertThat(result(p)).isFalse();
      assertThat(value(p, "message")).contains("Unknown code 'couples'");
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(IssueType.CODEINVALID);
      assertThat(txType(issue)).isEqualTo("invalid-code");
      assertThat(expression(issue)).isEqualTo("code");
    }

    @Test
    void namesTheRightDisplayWhenTheDisplayIsWrong() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params("url", new UriType(CPT), "code", new CodeType("90834"), "display", "Ninety minutes of talk"))
              .parameters();

      assertThat(result(p)).isFalse();
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(IssueType.INVALID);
      assertThat(txType(issue)).isEqualTo("invalid-display");
      assertThat(expression(issue)).isEqualTo("display");
      assertThat(issue.getDetails().getText())
          .contains("'Ninety minutes of talk'")
          .contains("'" + cptDisplay("90834") + "'");
      assertThat(value(p, "message")).isEqualTo(issue.getDetails().getText());
    }

    @Test
    void lenientDisplayValidationMakesAWrongDisplayAWarning() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params(
                      "url", new UriType(CPT),
                      "code", new CodeType("90834"),
                      "display", "Ninety minutes of talk",
                      "lenient-display-validation", new BooleanType(true)))
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(issues(p).get(0).getSeverity()).isEqualTo(IssueSeverity.WARNING);
      assertThat(txType(issues(p).get(0))).isEqualTo("invalid-display");
    }

    @Test
    void answersFalseWithAnIssueForACodeSystemTheServerDoesNotKnow() throws Exception {
      Answer a = getJson("/CodeSystem/$validate-code?system=http://example.org/unknown-system&code=X1");

      assertThat(a.status()).isEqualTo(200);
      Parameters p = a.parameters();
      assertThat(result(p)).isFalse();
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getCode()).isEqualTo(IssueType.NOTFOUND);
      assertThat(txType(issue)).isEqualTo("not-found");
      assertThat(expression(issue)).isEqualTo("system");
      assertThat(issue.getDetails().getText())
          .isEqualTo(
              "A definition for CodeSystem 'http://example.org/unknown-system' could not be found, so the code"
                  + " cannot be validated");
      assertThat(value(p, "x-caused-by-unknown-system")).isEqualTo("http://example.org/unknown-system");
    }

    @Test
    void acceptsHcpcsUnderItsHttpAliasAndAnswersWithThePublishedUrl() throws Exception {
      Parameters p =
          getJson("/CodeSystem/$validate-code?system=http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets&code=G0410")
              .parameters();

      assertThat(result(p)).as(p.toString()).isTrue();
      assertThat(value(p, "system")).isEqualTo(HCPCS);
      assertThat(value(p, "display")).isNotBlank();
    }

    @Test
    void acceptsARetiredCodeButSaysItIsInactive() throws Exception {
      Parameters p = getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90801").parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "inactive")).isEqualTo("true");
      assertThat(value(p, "status")).isEqualTo("retired");
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING);
      assertThat(issue.getCode()).isEqualTo(IssueType.BUSINESSRULE);
      assertThat(txType(issue)).isEqualTo("code-comment");
      assertThat(issue.getDetails().getText()).contains("'90801'").contains("retired");
    }

    @Test
    void validatesACodingAtInstanceLevel() throws Exception {
      Parameters p =
          postJson("/CodeSystem/cpt/$validate-code", params("coding", new Coding(CPT, "90837", null))).parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "display")).isEqualTo(cptDisplay("90837"));
    }

    @Test
    void aBareCodeAtInstanceLevelIsACodeOfThatCodeSystem() throws Exception {
      Parameters get = getJson("/CodeSystem/cpt/$validate-code?code=90834").parameters();
      Parameters post = postJson("/CodeSystem/session-type/$validate-code", params("code", new CodeType("group"))).parameters();
      Parameters unknown = getJson("/CodeSystem/session-type/$validate-code?code=couples").parameters();

      assertThat(result(get)).isTrue();
      assertThat(value(get, "system")).isEqualTo(CPT);
      assertThat(value(get, "display")).isEqualTo(cptDisplay("90834"));
      assertThat(result(post)).isTrue();
      assertThat(value(post, "system")).isEqualTo(SESSION_TYPE);
      assertThat(result(unknown)).isFalse();
      assertThat(value(unknown, "message")).contains("Unknown code 'couples'");
    }

    @Test
    void refusesAnAbstractCodeWhenAbstractIsFalse() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params(
                      "url", new UriType(HIERARCHY),
                      "code", new CodeType("therapy"),
                      "abstract", new BooleanType(false),
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json")))
              .parameters();

      assertThat(result(p)).isFalse();
      assertThat(issues(p))
          .anySatisfy(
              i -> {
                assertThat(i.getCode()).isEqualTo(IssueType.BUSINESSRULE);
                assertThat(txType(i)).isEqualTo("code-rule");
                assertThat(i.getDetails().getText()).contains("is abstract");
              });
    }

    @Test
    void checksTheDisplayInTheLanguageAsked() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params(
                      "url", new UriType(HIERARCHY),
                      "code", new CodeType("talk"),
                      "display", "Gesprächstherapie",
                      "displayLanguage", new CodeType("de"),
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json")))
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "display")).isEqualTo("Gesprächstherapie");
      assertThat(issues(p)).isEmpty();
    }
  }

  @Nested
  class InValueSet {

    @Test
    void rejectsFamilyTherapyInTheIndividualPsychotherapySet() throws Exception {
      Answer a =
          getJson(
              "/ValueSet/$validate-code?url=" + VS + "psychotherapy-individual&system=" + CPT + "&code=90847");

      assertThat(a.status()).isEqualTo(200);
      Parameters p = a.parameters();
      assertThat(result(p)).isFalse();
      assertThat(value(p, "message"))
          .startsWith("The provided code 'http://www.ama-assn.org/go/cpt#90847' was not found in the value set")
          .contains("psychotherapy-individual");
      OperationOutcomeIssueComponent issue = issues(p).get(0);
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(IssueType.CODEINVALID);
      assertThat(txType(issue)).isEqualTo("not-in-vs");
      assertThat(expression(issue)).isEqualTo("code");
    }

    @Test
    void acceptsFortyFiveMinutePsychotherapyInTheIndividualSet() throws Exception {
      Parameters p =
          getJson("/ValueSet/$validate-code?url=" + VS + "psychotherapy-individual&system=" + CPT + "&code=90834")
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "display")).isEqualTo(cptDisplay("90834"));
      assertThat(value(p, "message")).isNull();
    }

    @Test
    void aCodeableConceptIsValidWhenOneOfItsCodingsIs() throws Exception {
      CodeableConcept cc = new CodeableConcept();
      cc.addCoding(new Coding("http://example.org/local-codes", "talk-45", null));
      cc.addCoding(new Coding(CPT, "90834", null));

      Parameters p =
          postJson(
                  "/ValueSet/$validate-code",
                  params("url", new UriType(VS + "psychotherapy-individual"), "codeableConcept", cc))
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "code")).isEqualTo("90834");
      assertThat(issues(p))
          .anySatisfy(
              i -> {
                assertThat(i.getSeverity()).isEqualTo(IssueSeverity.WARNING);
                assertThat(expression(i)).isEqualTo("CodeableConcept.coding[0].system");
              });
    }

    @Test
    void aCodeInAnUnknownSystemIsFalseWithAnIssueSayingSo() throws Exception {
      Parameters p =
          getJson("/ValueSet/$validate-code?url=" + VS + "psychotherapy-individual&system=http://example.org/x&code=1")
              .parameters();

      assertThat(result(p)).isFalse();
      assertThat(issues(p))
          .anySatisfy(
              i -> {
                assertThat(i.getCode()).isEqualTo(IssueType.NOTFOUND);
                assertThat(txType(i)).isEqualTo("not-found");
                assertThat(i.getDetails().getText()).contains("'http://example.org/x' could not be found");
              });
      assertThat(value(p, "x-unknown-system")).isEqualTo("http://example.org/x");
    }

    @Test
    void anUnknownValueSetIsNotFound() throws Exception {
      Answer a = getJson("/ValueSet/$validate-code?url=" + VS + "no-such-set&system=" + CPT + "&code=90834");

      var oo = assertClientError(a, 404);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("no-such-set");
    }

    @Test
    void activeOnlyRefusesARetiredCode() throws Exception {
      Parameters p =
          postJson(
                  "/ValueSet/$validate-code",
                  params(
                      "url", new UriType(THERAPIES),
                      "system", new UriType(HIERARCHY),
                      "code", new CodeType("old"),
                      "activeOnly", new BooleanType(true),
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json"),
                      "tx-resource", testResource(ValueSet.class, "ValueSet-therapies.json")))
              .parameters();

      assertThat(result(p)).isFalse();
      assertThat(value(p, "inactive")).isEqualTo("true");
      assertThat(issues(p)).anySatisfy(i -> assertThat(i.getDetails().getText()).contains("not active"));
    }

    @Test
    void infersTheSystemFromTheValueSetWhenAsked() throws Exception {
      Parameters p =
          postJson(
                  "/ValueSet/$validate-code",
                  params(
                      "url", new UriType(VS + "crisis"),
                      "code", new CodeType("90839"),
                      "inferSystem", new BooleanType(true)))
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "system")).isEqualTo(CPT);
    }

    @Test
    void validatesAgainstAValueSetSentInline() throws Exception {
      Parameters p =
          postJson(
                  "/ValueSet/$validate-code",
                  params(
                      "valueSet", testResource(ValueSet.class, "ValueSet-therapies.json"),
                      "coding", new Coding(HIERARCHY, "talk-short", "Short talk therapy"),
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json")))
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(value(p, "display")).isEqualTo("Short talk therapy");
    }

    @Test
    void issuesNameTheValidatorsMessageIdAndTheElementInExpressionNotLocation() throws Exception {
      Coding wrongDisplay = new Coding(HIERARCHY, "talk-short", "Long talk therapy");
      Parameters byUrl =
          postJson(
                  "/ValueSet/$validate-code",
                  params(
                      "url", new UriType(THERAPIES),
                      "coding", wrongDisplay,
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json"),
                      "tx-resource", testResource(ValueSet.class, "ValueSet-therapies.json")))
              .parameters();
      Parameters inline =
          postJson(
                  "/ValueSet/$validate-code",
                  params(
                      "valueSet", testResource(ValueSet.class, "ValueSet-therapies.json"),
                      "coding", wrongDisplay,
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json")))
              .parameters();

      for (Parameters p : java.util.List.of(byUrl, inline)) {
        assertThat(result(p)).isFalse();
        OperationOutcomeIssueComponent issue = issues(p).get(0);
        assertThat(expression(issue)).isEqualTo("Coding.display");
        assertThat(issue.getLocation()).isEmpty();
        assertThat(issue.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id"))
            .satisfies(e -> assertThat(e.getValue().primitiveValue()).isEqualTo("Display_Name_for__should_be_one_of__instead_of"));
      }
    }

    @Test
    void answersInXmlWhenAskedTo() throws Exception {
      Answer a =
          read(
              get(
                  "/ValueSet/$validate-code?url=" + VS + "psychotherapy-individual&system=" + CPT + "&code=90847",
                  FHIR_XML));

      assertThat(a.body()).startsWith("<Parameters");
      assertThat(result(a.parameters())).isFalse();
    }

    @Test
    void takesAnXmlParametersBody() throws Exception {
      String xml =
          FHIR.newXmlParser()
              .encodeResourceToString(
                  params("url", new UriType(VS + "crisis"), "coding", new Coding(CPT, "90840", null)));

      Answer a = postRaw("/ValueSet/$validate-code", FHIR_XML, xml);

      assertThat(a.status()).isEqualTo(200);
      assertThat(result(a.parameters())).isTrue();
    }

    @Test
    void worksThroughHapisGenericClient() {
      Parameters out =
          client()
              .operation()
              .onType(ValueSet.class)
              .named("$validate-code")
              .withParameters(params("url", new UriType(VS + "crisis"), "coding", new Coding(CPT, "90839", null)))
              .execute();

      assertThat(result(out)).isTrue();
      assertThat(value(out, "display")).isEqualTo(cptDisplay("90839"));
    }
  }

  @Test
  void theAnswerIsTheSameEveryTime() throws Exception {
    Parameters body =
        params("url", new UriType(VS + "psychotherapy-individual"), "coding", new Coding(CPT, "90847", null));
    Answer first = postJson("/ValueSet/$validate-code", body);
    Answer second = postJson("/ValueSet/$validate-code", body);

    assertThat(second.body()).isEqualTo(first.body());
  }

  @Test
  void stringDisplayIsEchoedForTheFirstValidCoding() throws Exception {
    Parameters p =
        postJson(
                "/ValueSet/$validate-code",
                params("url", new UriType(VS + "crisis"), "code", new CodeType("G0017"), "system", new StringType(HCPCS)))
            .parameters();

    assertThat(result(p)).isTrue();
    assertThat(value(p, "system")).isEqualTo(HCPCS);
  }
}
