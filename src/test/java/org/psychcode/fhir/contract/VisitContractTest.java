package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.psychcode.fhir.contract.Visit.CLINICAL_PSYCHOLOGIST;
import static org.psychcode.fhir.contract.Visit.CPT;
import static org.psychcode.fhir.contract.Visit.PSYCHIATRIST;

import ca.uhn.fhir.rest.api.EncodingEnum;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a visit reaches the rules (DESIGN.md "How a request is read" and "HTTP behaviour"): an Encounter or a Claim
 * validated alone, Bundles of every type, JSON and XML, the resource as the body or in a Parameters; and whole
 * visits, clean ones of every session type and ones that break several rules at once.
 */
class VisitContractTest extends ContractTestBase {

  @Nested
  class ValidVisits {

    @ParameterizedTest(name = "{0} billed {1} for {2} min")
    @CsvSource({
      "individual,90832,30",
      "individual,90834,50",
      "individual,90837,60",
      "family-with-patient,90847,50",
      "family-without-patient,90846,50",
      "group,90853,90",
      "multiple-family-group,90849,90",
      "crisis,90839,60",
      "diagnostic-evaluation,90791,60",
    })
    void cleanVisitOfEachSessionTypeRaisesOnlyAnInformationIssue(String sessionType, String code, int minutes) throws Exception {
      validate(Visit.session(sessionType).minutes(minutes).bill(code)).clean();
    }

    @Test
    void psychiatristsDiagnosticEvaluationWithMedicalWorkIsClean() throws Exception {
      validate(Visit.session("diagnostic-evaluation").provider(PSYCHIATRIST).minutes(60).bill("90792")).clean();
    }

    @Test
    void emWithPsychotherapyAddOnIsClean() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).minutes(70).bill("99214").bill("90836")).clean();
    }

    @Test
    void longCrisisWithItsAddOnUnitsIsClean() throws Exception {
      validate(Visit.session("crisis").minutes(110).bill("90839").bill("90840", l -> l.units(2))).clean();
    }

    @Test
    void telehealthVisitFromHomeIsClean() throws Exception {
      validate(Visit.individual().virtual().bill("90834", l -> l.pos("10").modifier(CPT, "95"))).clean();
    }

    @Test
    void psychotherapyWithInteractiveComplexityIsClean() throws Exception {
      validate(Visit.individual().bill("90834").bill("90785")).clean();
    }

    @Test
    void groupSessionBilledForOneMemberOfAGroupSubjectIsClean() throws Exception {
      validate(Visit.session(null).groupSubject(true).minutes(90).bill("90853")).clean();
    }

    @Test
    void cleanAnswerIsOneInformationIssue() throws Exception {
      Findings f = validate(Visit.individual().bill("90834")).clean();
      assertThat(f.outcome().getIssue()).singleElement()
          .satisfies(i -> assertThat(i.getCode()).isEqualTo(org.hl7.fhir.r4.model.OperationOutcome.IssueType.INFORMATIONAL));
    }
  }

  @Nested
  class Combinations {

    @Test
    void fiftyMinuteVirtualSessionBilled90837With90785AtTheOfficeWithoutDiagnosisBreaksThreeRules() throws Exception {
      Visit v = Visit.individual().virtual().minutes(50).bill("90837").bill("90785").noDiagnosis();
      validate(v).exactly("time-code-mismatch", "telehealth-mismatch", "diagnosis-missing")
          .naming("time-code-mismatch", "90834");
    }

    @Test
    void fifteenMinuteTelehealthSessionForRelationalDistressIsBelowMinimumAndNotBehavioral() throws Exception {
      Visit v = Visit.individual().virtual().minutes(15).bill("90834", l -> l.pos("10")).diagnoses("Z63.0");
      validate(v).exactly("time-below-minimum", "diagnosis-not-behavioral");
    }

    @Test
    void socialWorkerBillingEmWith90838ForFortyMinutesInPersonAtPlace02() throws Exception {
      Visit v = Visit.individual().minutes(40).bill("99214", l -> l.pos("02")).bill("90838", l -> l.pos("02"));
      validate(v).exactly("provider-scope", "time-code-mismatch", "telehealth-mismatch").naming("time-code-mismatch", "90836");
    }

    @Test
    void psychologistBillingTwentyMinuteFamilySessionOfUnknownTypeWithoutDiagnosis() throws Exception {
      Visit v = Visit.session(null).provider(CLINICAL_PSYCHOLOGIST).minutes(20).bill("90847").noDiagnosis();
      validate(v).exactly("session-type-missing", "time-below-minimum", "diagnosis-missing");
    }

    @Test
    void eightyMinuteCrisisBilledTwiceWithInteractiveComplexity() throws Exception {
      Visit v = Visit.session("crisis").minutes(80).bill("90839", l -> l.units(2)).bill("90785");
      validate(v).exactly("crisis-units-mismatch", "addon-invalid-primary", "units-exceed-max");
    }

    @Test
    void unlinkedLineAndMismatchedDateLineOnOneClaim() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.date("2025-03-05")).bill("90785", Visit.Line::noEncounter);
      validate(v).exactly("encounter-claim-mismatch", "encounter-missing", "addon-without-primary");
    }
  }

  @Nested
  class EncounterAlone {

    private Encounter encounterBilling(String cpt, int minutes) {
      Visit v = Visit.individual().minutes(minutes);
      Encounter e = v.encounter();
      e.setSubject(new Reference("Patient/example"));
      e.getParticipant().clear();
      e.addType(Visit.concept(CPT, cpt));
      return e;
    }

    @Test
    void fiftyMinuteEncounterTyped90837IsTimeCodeMismatchNaming90834() throws Exception {
      viaHttp(encounterBilling("90837", 50), JSON).exactly("time-code-mismatch")
          .at("time-code-mismatch", "Encounter.type[1]", "Encounter.type[1].coding[0]")
          .naming("time-code-mismatch", "90834");
    }

    @Test
    void fiftyMinuteEncounterTyped90834IsClean() throws Exception {
      viaHttp(encounterBilling("90834", 50), JSON).clean();
    }

    @Test
    void individualEncounterTypedAsFamilyPsychotherapyIsSessionTypeMismatch() throws Exception {
      viaHttp(encounterBilling("90847", 50), JSON).exactly("session-type-mismatch");
    }

    @Test
    void encounterTypedWithATimedCodeButNoTimeIsTimeMissing() throws Exception {
      Encounter e = encounterBilling("90834", 50);
      e.setLength(null);
      e.setPeriod(null);
      viaHttp(e, JSON).exactly("time-missing");
    }

    @Test
    void encounterWithoutACptTypeRaisesNothing() throws Exception {
      Encounter e = encounterBilling("90834", 15);
      e.getType().remove(1);
      viaHttp(e, JSON).clean();
    }

    @Test
    void encounterAloneInXmlIsReadTheSame() throws Exception {
      viaHttp(encounterBilling("90837", 50), XML).exactly("time-code-mismatch").naming("time-code-mismatch", "90834");
    }

    @Test
    void encounterInABundleWithoutClaimIsCheckedOnItsOwn() throws Exception {
      Visit v = Visit.individual().minutes(50).withoutClaim();
      v.encounter().addType(Visit.concept(CPT, "90837"));
      validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", "90834");
    }

    @Test
    void encounterTypeIsNotCheckedOnItsOwnWhenTheBundleHoldsAClaim() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90834");
      v.encounter().addType(Visit.concept(CPT, "90837"));
      validate(v).noBillingFinding();
    }
  }

  @Nested
  class ClaimAlone {

    private Claim claimWithContainedEncounter(String cpt, int minutes) {
      Visit v = Visit.individual().minutes(minutes);
      Encounter e = v.encounter();
      e.setId("enc");
      e.setSubject(new Reference("Patient/p1"));
      e.getParticipant().clear();
      Claim c = v.claim();
      c.setPatient(new Reference("Patient/p1"));
      c.getCareTeamFirstRep().setProvider(new Reference().setDisplay("Dr. Okafor"));
      c.addContained(e);
      c.addItem().setSequence(1).addCareTeamSequence(1).addDiagnosisSequence(1)
          .setProductOrService(Visit.concept(CPT, cpt))
          .setServiced(new org.hl7.fhir.r4.model.DateType(Visit.DATE))
          .setLocation(Visit.concept(Visit.POS, "11"))
          .addEncounter(new Reference("#enc"));
      return c;
    }

    @Test
    void claimWithItsEncounterContainedIsCheckedAgainstIt() throws Exception {
      viaHttp(claimWithContainedEncounter("90837", 50), JSON).exactly("time-code-mismatch")
          .at("time-code-mismatch", "Claim.item[0].productOrService")
          .naming("time-code-mismatch", "90834");
    }

    @Test
    void cleanClaimWithContainedEncounterIsClean() throws Exception {
      viaHttp(claimWithContainedEncounter("90834", 50), JSON).clean();
    }

    @Test
    void claimAloneInXml() throws Exception {
      viaHttp(claimWithContainedEncounter("90837", 50), XML).exactly("time-code-mismatch");
    }

    @Test
    void claimAlonePointingAtAnEncounterItDoesNotCarryIsEncounterUnresolved() throws Exception {
      Claim c = claimWithContainedEncounter("90834", 50);
      c.getContained().clear();
      c.getItemFirstRep().getEncounter().clear();
      c.getItemFirstRep().addEncounter(new Reference("Encounter/" + UUID.randomUUID()));
      viaHttp(c, JSON).exactly("encounter-unresolved").at("encounter-unresolved", "Claim.item[0].encounter[0]", "Claim.item[0].encounter");
    }
  }

  @Nested
  class Transports {

    private Visit mismatch() {
      return Visit.individual().minutes(50).bill("90837");
    }

    @Test
    void plainHttpJson() throws Exception {
      Visit v = mismatch();
      viaHttp(v.bundle(), JSON).exactly("time-code-mismatch").at("time-code-mismatch", v.line(0) + ".productOrService");
    }

    @Test
    void plainHttpXml() throws Exception {
      Visit v = mismatch();
      viaHttp(v.bundle(), XML).exactly("time-code-mismatch").at("time-code-mismatch", v.line(0) + ".productOrService")
          .naming("time-code-mismatch", "90834");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EncodingEnum.class, names = {"JSON", "XML"})
    void genericClientWithTheBundleInParameters(EncodingEnum encoding) {
      Visit v = mismatch();
      viaClient(v.bundle(), encoding).exactly("time-code-mismatch").at("time-code-mismatch", v.line(0) + ".productOrService");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EncodingEnum.class, names = {"JSON", "XML"})
    void genericClientValidatesACleanVisit(EncodingEnum encoding) {
      viaClient(Visit.individual().bill("90834").bundle(), encoding).clean();
    }

    @Test
    void genericClientValidateOperation() {
      viaClientValidate(mismatch().bundle()).exactly("time-code-mismatch");
    }

    @Test
    void genericClientOnClaimAndEncounterEndpoints() {
      Visit v = Visit.individual().minutes(50);
      Encounter e = v.encounter();
      e.setSubject(new Reference("Patient/example"));
      e.getParticipant().clear();
      e.addType(Visit.concept(CPT, "90837"));
      viaClient(e, EncodingEnum.JSON).exactly("time-code-mismatch");
      viaClient(e, EncodingEnum.XML).exactly("time-code-mismatch");
    }

    @Test
    void parametersBodyOverPlainHttp() throws Exception {
      Visit v = mismatch();
      org.hl7.fhir.r4.model.Parameters p = new org.hl7.fhir.r4.model.Parameters();
      p.addParameter().setName("resource").setResource(v.bundle());
      var r = post("/Bundle/$validate", JSON, json(p));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      new Findings(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.OperationOutcome.class, r.body()), "Bundle.entry[")
          .exactly("time-code-mismatch");
    }

    @ParameterizedTest(name = "_format={0}")
    @ValueSource(strings = {"json", "xml"})
    void answerFormatFollowsFormatParameter(String format) throws Exception {
      var r = post("/Bundle/$validate?_format=" + format, JSON, json(mismatch().bundle()));
      assertThat(r.statusCode()).isEqualTo(200);
      String mime = format.equals("xml") ? XML : JSON;
      assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith(mime);
      new Findings(parser(mime).parseResource(org.hl7.fhir.r4.model.OperationOutcome.class, r.body()), "Bundle.entry[")
          .exactly("time-code-mismatch");
    }
  }

  @Nested
  class BundleTypes {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Bundle.BundleType.class, names = {"COLLECTION", "TRANSACTION", "BATCH"})
    void everyBundleTypeIsReadAlike(Bundle.BundleType type) throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837");
      viaHttp(v.bundle(type), JSON).exactly("time-code-mismatch").at("time-code-mismatch", v.line(0) + ".productOrService");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Bundle.BundleType.class, names = {"COLLECTION", "TRANSACTION", "BATCH"})
    void cleanVisitInEveryBundleTypeIsClean(Bundle.BundleType type) throws Exception {
      viaHttp(Visit.individual().bill("90834").bundle(type), JSON).clean();
    }

    @Test
    void documentBundleIsRead() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837");
      Bundle b = v.bundle(Bundle.BundleType.DOCUMENT);
      Composition c = new Composition();
      c.setId(UUID.randomUUID().toString());
      c.setStatus(Composition.CompositionStatus.FINAL);
      c.setType(Visit.concept("http://loinc.org", "11488-4"));
      c.setSubject(Visit.ref(v.patient()));
      c.setDateElement(new DateTimeType("2025-03-04T12:00:00-05:00"));
      c.addAuthor(Visit.ref(v.practitioner()));
      c.setTitle("Psychotherapy visit");
      b.getEntry().add(0, new Bundle.BundleEntryComponent().setFullUrl(Visit.fullUrl(c)).setResource(c));
      b.setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + UUID.randomUUID()));
      b.setTimestampElement(new InstantType("2025-03-04T12:00:00-05:00"));
      int claimIndex = b.getEntry().size() - 1;
      viaHttp(b, JSON).exactly("time-code-mismatch")
          .at("time-code-mismatch", "Bundle.entry[" + claimIndex + "].resource.item[0].productOrService");
      viaHttp(b, XML).exactly("time-code-mismatch");
    }

    @Test
    void entriesInAnyOrderArePointedAtWhereTheySit() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837");
      Bundle b = v.bundle();
      List<Bundle.BundleEntryComponent> entries = new java.util.ArrayList<>(b.getEntry());
      java.util.Collections.reverse(entries);
      b.getEntry().clear();
      b.getEntry().addAll(entries);
      viaHttp(b, JSON).exactly("time-code-mismatch").at("time-code-mismatch", "Bundle.entry[0].resource.item[0].productOrService");
    }
  }
}
