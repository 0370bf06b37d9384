package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.psychcode.fhir.support.TokenIssuer;
import org.springframework.test.context.ContextConfiguration;

/**
 * Input a careless or hostile client sends. DESIGN.md: bad input answers 4xx with an OperationOutcome, never a
 * 500 and never a stack trace; what can still be read as a visit answers 200 with its findings. The server runs with
 * security on (tokens from the tests' own issuer), as it would in front of a network; {@link HostileCorpus} sends a
 * corpus of hostile bodies, URLs, headers and tokens to every endpoint family, with security on and off.
 */
@ContextConfiguration(initializers = TokenIssuer.Secured.class)
class HostileInputContractTest extends ContractTestBase {

  private static final String XML_VISIT_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

  /** Either a 200 with an OperationOutcome or a refusal; never a 5xx or a stack trace. */
  private OperationOutcome answered(HttpResponse<String> r, String mime) {
    assertThat(r.statusCode()).as(r.body()).isLessThan(500);
    if (r.statusCode() == 200) {
      assertThat(r.body()).doesNotContain("\tat ").doesNotContain("at org.").doesNotContain("at ca.uhn");
      return parser(mime).parseResource(OperationOutcome.class, r.body());
    }
    return refused(r, mime);
  }

  private String jsonWith(Visit v, String from, String to) {
    String body = json(v.bundle());
    assertThat(body).contains(from);
    return body.replace(from, to);
  }

  @Nested
  class Malformed {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "{", "null", "[]", "\"text\"", "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{}}]}",
        "{\"resourceType\":\"Nonsense\"}", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[null]}",
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":null}]}"})
    void brokenJsonIsRefused(String body) throws Exception {
      refused(post("/Bundle/$validate", JSON, body), JSON);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"<Bundle", "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/>",
        "<Nonsense xmlns=\"http://hl7.org/fhir\"/>", "<Bundle/>", "not xml"})
    void brokenXmlIsRefused(String body) throws Exception {
      refused(post("/Bundle/$validate", XML, body), XML);
    }

    @Test
    void xmlWithADoctypeAndEntitiesIsRefused() throws Exception {
      String body = XML_VISIT_HEAD + "<!DOCTYPE Bundle [<!ENTITY x \"90834\">]>"
          + "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/></Bundle>";
      refused(post("/Bundle/$validate", XML, body), XML);
    }

    @Test
    void xmlWithAnExternalEntityIsRefusedWithoutReadingTheFile() throws Exception {
      String body = XML_VISIT_HEAD + "<!DOCTYPE Bundle [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
          + "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&xxe;\"/><type value=\"collection\"/></Bundle>";
      HttpResponse<String> r = post("/Bundle/$validate", XML, body);
      refused(r, XML);
      assertThat(r.body()).doesNotContain("root:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Bundle", "Claim", "Encounter"})
    void doctypeInAParametersBodyIsRefused(String endpoint) throws Exception {
      Visit v = Visit.individual().bill("90834");
      org.hl7.fhir.r4.model.Resource r = switch (endpoint) {
        case "Claim" -> v.claim();
        case "Encounter" -> v.encounter();
        default -> v.bundle();
      };
      org.hl7.fhir.r4.model.Parameters p = new org.hl7.fhir.r4.model.Parameters();
      p.addParameter().setName("resource").setResource(r);
      String body = XML_VISIT_HEAD + "<!DOCTYPE Parameters [<!ENTITY unused \"90837\">]>"
          + FHIR.newXmlParser().encodeResourceToString(p);
      refused(post("/" + endpoint + "/$validate", XML, body), XML);
    }

    @Test
    void billionLaughsIsRefused() throws Exception {
      StringBuilder dtd = new StringBuilder("<!DOCTYPE Bundle [<!ENTITY l0 \"ha\">");
      for (int i = 1; i < 10; i++) {
        dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
      }
      dtd.append("]>");
      String body = XML_VISIT_HEAD + dtd + "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&l9;\"/></Bundle>";
      refused(post("/Bundle/$validate", XML, body), XML);
    }

    @Test
    void nonFhirContentTypeIsRefused() throws Exception {
      HttpResponse<String> r = post("/Bundle/$validate", "text/plain", json(Visit.individual().bill("90834").bundle()));
      assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
      assertThat(r.body()).doesNotContain("at org.");
    }

    @ParameterizedTest(name = "{0} posted to {1}")
    @CsvSource({"Encounter,Claim", "Claim,Bundle", "Bundle,Encounter"})
    void wrongResourceTypeForTheEndpointIsRefused(String type, String endpoint) throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.bundle();
      org.hl7.fhir.r4.model.Resource r = switch (type) {
        case "Encounter" -> v.encounter();
        case "Claim" -> v.claim();
        default -> v.bundle();
      };
      refused(post("/" + endpoint + "/$validate", JSON, json(r)), JSON);
    }

    @Test
    void deeplyNestedJsonIsRefused() throws Exception {
      String body = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"extension\":[" + "[".repeat(20000) + "]".repeat(20000) + "]}";
      refused(post("/Bundle/$validate", JSON, body), JSON);
    }

    @Test
    void deeplyNestedXmlIsRefusedOrAnswered() throws Exception {
      String body = "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/>"
          + "<extension url=\"http://x\">".repeat(5000) + "</extension>".repeat(5000) + "</Bundle>";
      answered(post("/Bundle/$validate", XML, body), XML);
    }

    @Test
    void invalidDateIsRefused() throws Exception {
      Visit v = Visit.individual().bill("90834");
      refused(post("/Bundle/$validate", JSON, jsonWith(v, "\"servicedDate\":\"2025-03-04\"", "\"servicedDate\":\"2025-02-30\"")), JSON);
    }

    @Test
    void lengthValueThatIsNotANumberIsRefused() throws Exception {
      Visit v = Visit.individual().bill("90834");
      refused(post("/Bundle/$validate", JSON, jsonWith(v, "\"value\":50,", "\"value\":\"fifty\",")), JSON);
    }
  }

  @Nested
  class Numbers {

    @ParameterizedTest(name = "length {0} min")
    @ValueSource(strings = {"1e308", "99999999999999999999999999999999", "1e-300", "0.0000001"})
    void extremeLengthsAreAnsweredNotCrashed(String value) throws Exception {
      Visit v = Visit.individual().bill("90834");
      answered(post("/Bundle/$validate", JSON, jsonWith(v, "\"value\":50,", "\"value\":" + value + ",")), JSON);
    }

    @Test
    void hugeLengthBilledAs90837IsNoTimeFinding() throws Exception {
      Visit v = Visit.individual().bill("90837");
      HttpResponse<String> r = post("/Bundle/$validate", JSON, jsonWith(v, "\"value\":50,", "\"value\":99999999999999999999,"));
      OperationOutcome oo = answered(r, JSON);
      if (r.statusCode() == 200) {
        new Findings(oo, "Bundle.entry[").exactly("duration-inconsistent");
      }
    }

    @Test
    void hugeQuantityIsUnitsExceedMax() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.units("100000000000000000000"));
      HttpResponse<String> r = post("/Bundle/$validate", JSON, json(v.bundle()));
      OperationOutcome oo = answered(r, JSON);
      assertThat(r.statusCode()).isEqualTo(200);
      new Findings(oo, "Bundle.entry[").exactly("units-exceed-max");
    }

    @Test
    void hugeQuantitiesOnTwoLinesStillExceedTheMaximum() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.units("100000000000000000000")).bill("90834", l -> l.units("100000000000000000000"));
      validate(v).exactly("units-exceed-max");
    }

    @Test
    void hugeCrisisAddOnUnitsOnTwoLinesAreNotANegativeCount() throws Exception {
      Visit v = Visit.session("crisis").minutes(80).bill("90839")
          .bill("90840", l -> l.units(Integer.MAX_VALUE)).bill("90840", l -> l.units(Integer.MAX_VALUE));
      Findings f = validate(v).exactly("crisis-units-mismatch");
      org.assertj.core.api.Assertions.assertThat(f.issues("crisis-units-mismatch").get(0).getDiagnostics()).doesNotContain("x -");
    }

    @ParameterizedTest(name = "quantity {0}")
    @ValueSource(strings = {"-1", "0", "1.5", "-99999999999999999999"})
    void oddQuantitiesAreAnsweredNotCrashed(String units) throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.units(units));
      OperationOutcome oo = answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
      assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getSeverity()).isIn(
          OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL));
    }

    @Test
    void negativeLengthIsRefusedOrAnError() throws Exception {
      Visit v = Visit.individual().lengthOnly("-50", "min").bill("90834");
      OperationOutcome oo = answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
      assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR));
    }

    @Test
    void zeroLengthSessionIsBelowTheMinimum() throws Exception {
      validate(Visit.individual().lengthOnly("0", "min").bill("90834")).exactly("time-below-minimum");
    }

    @Test
    void periodThatEndsBeforeItStartsIsRefused() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().setLength(null);
      v.encounter().getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T09:00:00-05:00"));
      refused(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void lineServicedPeriodThatEndsBeforeItStartsIsRefused() throws Exception {
      Visit v = Visit.individual().provider(Visit.PSYCHIATRIST).bill("99214").bill("90833", l -> l.ownTime(40, 10));
      refused(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }
  }

  @Nested
  class Units {

    @Test
    void lengthWithNoUnitAtAllIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().getLength().setUnit(null).setSystem(null).setCode(null);
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void lengthWithUcumCodeButNoSystemIsReadAsMinutes() throws Exception {
      Visit v = Visit.individual().bill("90837");
      v.encounter().getLength().setUnit(null).setSystem(null);
      HttpResponse<String> r = post("/Bundle/$validate", JSON, json(v.bundle()));
      OperationOutcome oo = answered(r, JSON);
      if (r.statusCode() == 200) {
        new Findings(oo, "Bundle.entry[").exactly("time-code-mismatch");
      }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"wk", "d", "ms", "furlong", "MIN"})
    void lengthInAnotherUnitIsAnsweredNotCrashed(String unit) throws Exception {
      Visit v = Visit.individual().lengthOnly("50", unit).bill("90834");
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void periodWithDatesOnlyIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().setLength(null);
      v.encounter().getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04"))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04"));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void periodMixingDateAndDateTimeIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().setLength(null);
      v.encounter().getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04"));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }
  }

  @Nested
  class References {

    @Test
    void duplicateFullUrlsAreAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      Bundle b = v.bundle();
      b.getEntry().get(1).setFullUrl(b.getEntry().get(0).getFullUrl());
      answered(post("/Bundle/$validate", JSON, json(b)), JSON);
    }

    @Test
    void twoEncountersUnderOneFullUrlAreAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      int other = v.addEncounter("individual", 20, Visit.DATE);
      Bundle b = v.bundle();
      b.getEntry().stream().filter(e -> e.getResource() == v.encounter(other)).findFirst().orElseThrow()
          .setFullUrl(Visit.fullUrl(v.encounter()));
      answered(post("/Bundle/$validate", JSON, json(b)), JSON);
    }

    @Test
    void theSameEntryTwiceIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      Bundle b = v.bundle();
      b.addEntry(b.getEntry().get(b.getEntry().size() - 1).copy());
      answered(post("/Bundle/$validate", JSON, json(b)), JSON);
    }

    @Test
    void containedReferenceToNothingIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.encounterReference("#nothing"));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Encounter/", "urn:uuid:", "#", "http://", "Encounter/a/_history/1", "Encounter?identifier=x|1",
        "..", " ", "Patient/x/Encounter/y"})
    void oddEncounterReferencesAreAnsweredNotCrashed(String reference) throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.encounterReference(reference));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void patientByIdentifierOnlyIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.claim().setPatient(new org.hl7.fhir.r4.model.Reference().setIdentifier(v.patient().getIdentifierFirstRep().copy()));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void circularContainedReferenceIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.encounterReference("#enc"));
      org.hl7.fhir.r4.model.Encounter e = v.encounter().copy();
      e.setId("enc");
      e.setPartOf(new org.hl7.fhir.r4.model.Reference("#enc"));
      v.claim().addContained(e);
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void encounterPartOfItselfIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().setPartOf(Visit.ref(v.encounter()));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }
  }

  @Nested
  class Text {

    @Test
    void unicodeEverywhereIsRead() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837");
      v.patient().getNameFirstRep().setFamily("Łukasiewicz-李").getGiven().get(0).setValue("Zoë 🌈");
      v.practitioner().getNameFirstRep().setFamily("Ñúñez");
      v.claim().getCareTeamFirstRep().getProvider().setDisplay("Dr. Ωmega \u202Eevil");
      validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", "90834");
      viaHttp(v.bundle(), XML).exactly("time-code-mismatch");
    }

    @Test
    void unicodeInACodeIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("９０８３４");
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void veryLongCodeIsAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("9".repeat(100_000));
      answered(post("/Bundle/$validate", JSON, json(v.bundle())), JSON);
    }

    @Test
    void controlCharactersInJsonAreAnsweredNotCrashed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      answered(post("/Bundle/$validate", JSON, jsonWith(v, "\"Rivera\"", "\"Ri\\u0000ve\\u0007ra\"")), JSON);
    }
  }
}
