package org.psychcode.fhir.contract;

import static org.psychcode.fhir.contract.Visit.CLINICAL_PSYCHOLOGIST;
import static org.psychcode.fhir.contract.Visit.CLINICAL_SOCIAL_WORKER;
import static org.psychcode.fhir.contract.Visit.CPT;
import static org.psychcode.fhir.contract.Visit.HCPCS;
import static org.psychcode.fhir.contract.Visit.HCPCS_HTTP;
import static org.psychcode.fhir.contract.Visit.PRESCRIBING_PSYCHOLOGIST;
import static org.psychcode.fhir.contract.Visit.PSYCHIATRIST;
import static org.psychcode.fhir.contract.Visit.PSYCH_NURSE_PRACTITIONER;

import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each billing rule id of DESIGN.md's table held to its "fires when" column, its boundaries and its severity, with
 * visits written from DESIGN.md and billing-rules.md alone. Every case asserts the exact set of rule ids the
 * answer carries, so a rule that fires where it should not fails a case as surely as one that stays silent.
 */
class BillingRuleContractTest extends ContractTestBase {

  private static String[] ids(String expected) {
    return expected == null || expected.isBlank() ? new String[0] : expected.split(" ");
  }

  @Nested
  class TimeMissing {

    @Test
    void individualSessionWithNeitherLengthNorPeriodBilledAs90834IsTimeMissing() throws Exception {
      Visit v = Visit.individual().noTime().bill("90834");
      validate(v).exactly("time-missing").at("time-missing", v.line(0) + ".productOrService");
    }

    @Test
    void openPeriodWithoutLengthIsTimeMissing() throws Exception {
      validate(Visit.individual().openPeriod().bill("90834")).exactly("time-missing");
    }

    @ParameterizedTest(name = "{0} billed {1}")
    @CsvSource({"family-with-patient,90847", "family-without-patient,90846", "crisis,90839", "individual,90837"})
    void everyTimedCodeWithoutTimeIsTimeMissing(String sessionType, String code) throws Exception {
      validate(Visit.session(sessionType).noTime().bill(code)).exactly("time-missing");
    }

    @Test
    void emAddOnWithItsOwnServicedPeriodNeedsNoEncounterTime() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).noTime().bill("99214").bill("90836", l -> l.ownTime(10, 55));
      validate(v).clean();
    }

    @Test
    void standaloneCodeWithATimedServicedPeriodButNoEncounterTimeTakesTheLinesTime() throws Exception {
      validate(Visit.individual().noTime().bill("90834", l -> l.ownTime(0, 50))).clean();
    }

    @Test
    void servicedPeriodOfDatesOnlyGivesNoTime() throws Exception {
      Visit v = Visit.individual().noTime().bill("90834", l -> l.item.setServiced(new org.hl7.fhir.r4.model.Period()
          .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(Visit.DATE))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(Visit.DATE))));
      validate(v).exactly("time-missing");
    }

    @Test
    void untimedDiagnosticEvaluationWithoutTimeRaisesNothing() throws Exception {
      validate(Visit.session("diagnostic-evaluation").noTime().bill("90791")).noBillingFinding();
    }

    @Test
    void untimedGroupPsychotherapyWithAnOpenPeriodRaisesNothing() throws Exception {
      validate(Visit.session("group").openPeriod().bill("90853")).noBillingFinding();
    }
  }

  @Nested
  class TimeBelowMinimum {

    @ParameterizedTest(name = "{0} {1} min billed {2}: [{3}]")
    @CsvSource({
      "individual,15,90832,time-below-minimum",
      "individual,16,90832,",
      "individual,15,90834,time-below-minimum",
      "individual,10,90837,time-below-minimum",
      "individual,0,90832,time-below-minimum",
      "family-with-patient,25,90847,time-below-minimum",
      "family-with-patient,26,90847,",
      "family-without-patient,25,90846,time-below-minimum",
      "family-without-patient,26,90846,",
      "crisis,29,90839,time-below-minimum",
      "crisis,30,90839,",
    })
    void holdsEachFamilyToItsLeastTime(String sessionType, int minutes, String code, String expected) throws Exception {
      Visit v = Visit.session(sessionType).minutes(minutes).bill(code);
      Findings f = validate(v).exactly(ids(expected));
      if (expected != null) {
        f.at("time-below-minimum", v.line(0) + ".productOrService");
      }
    }

    @ParameterizedTest(name = "{0} min")
    @CsvSource({"15,time-below-minimum", "16,"})
    void emAddOn90833HasTheSameSixteenMinuteFloor(int minutes, String expected) throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(minutes).bill("99214").bill("90833");
      validate(v).exactly(ids(expected));
    }

    @Test
    void emAddOnWhoseOwnServicedPeriodIsFifteenMinutesIsBelowMinimum() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(60).bill("99214").bill("90833", l -> l.ownTime(40, 55));
      validate(v).exactly("time-below-minimum").at("time-below-minimum", v.line(1) + ".productOrService");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {HCPCS, HCPCS_HTTP})
    void hcpcsCrisisCodeUnderEitherSystemUriHasTheCrisisFloor(String system) throws Exception {
      Visit v = Visit.session("crisis").minutes(20).bill("G0017", l -> l.system(system).pos("12"));
      validate(v).exactly("time-below-minimum");
    }
  }

  @Nested
  class TimeCodeMismatch {

    @Test
    void fiftyMinuteIndividualSessionBilledAs90837IsTimeCodeMismatchNaming90834() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837");
      validate(v).exactly("time-code-mismatch")
          .at("time-code-mismatch", v.line(0) + ".productOrService")
          .naming("time-code-mismatch", "90834");
    }

    @ParameterizedTest(name = "{0} min billed {1}: expects {2}")
    @CsvSource({
      "16,90832,",
      "37,90832,",
      "38,90832,90834",
      "38,90834,",
      "37,90834,90832",
      "52,90834,",
      "53,90834,90837",
      "53,90837,",
      "52,90837,90834",
      "16,90837,90832",
      "90,90834,90837",
      "120,90837,",
      "240,90837,",
    })
    void individualPsychotherapyBoundaries(int minutes, String billed, String expectedCode) throws Exception {
      Visit v = Visit.individual().minutes(minutes).bill(billed);
      if (expectedCode == null) {
        validate(v).clean();
      } else {
        validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", expectedCode);
      }
    }

    @ParameterizedTest(name = "{0} {1} min billed {2}")
    @CsvSource({"family-with-patient,120,90847", "family-without-patient,90,90846", "crisis,74,90839"})
    void familyAndCrisisHaveNoUpperBoundWithinTheirCode(String sessionType, int minutes, String code) throws Exception {
      validate(Visit.session(sessionType).minutes(minutes).bill(code)).clean();
    }

    @ParameterizedTest(name = "E/M + {1} in a {0}-minute encounter")
    @CsvSource({"70,90833", "70,90836", "70,90838", "30,90833", "45,90836", "53,90838"})
    void emAddOnIsHeldOnlyToItsLowerBoundAgainstTheEncounter(int minutes, String addOn) throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).minutes(minutes).bill("99214").bill(addOn)).clean();
    }

    @ParameterizedTest(name = "E/M + {1} in a {0}-minute encounter: expects {2}")
    @CsvSource({"40,90838,90836", "30,90836,90833", "52,90838,90836", "37,90836,90833"})
    void emAddOnUnderItsLowerBoundIsTimeCodeMismatch(int minutes, String addOn, String expected) throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(minutes).bill("99214").bill(addOn);
      validate(v).exactly("time-code-mismatch")
          .at("time-code-mismatch", v.line(1) + ".productOrService")
          .naming("time-code-mismatch", expected);
    }

    @ParameterizedTest(name = "{0} over {1}-{2} of a 70-minute visit: expects [{3}]")
    @CsvSource({
      "90836,20,50,90833",
      "90833,20,60,90836",
      "90833,0,70,90838",
      "90836,20,65,",
      "90838,10,70,",
      "90833,30,60,",
    })
    void emAddOnsOwnServicedPeriodIsHeldToBothBounds(String addOn, int from, int to, String expected) throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(70).bill("99214").bill(addOn, l -> l.ownTime(from, to));
      if (expected == null) {
        validate(v).clean();
      } else {
        validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", expected);
      }
    }

    @Test
    void standaloneCodesOwnTimedServicedPeriodIsItsTime() throws Exception {
      validate(Visit.individual().minutes(50).bill("90834", l -> l.ownTime(0, 30)))
          .exactly("time-code-mismatch").naming("time-code-mismatch", "90832");
    }

    @Test
    void servicedPeriodOfDatesOnlyLeavesTheEncounterTime() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90834", l -> l.item.setServiced(new org.hl7.fhir.r4.model.Period()
          .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(Visit.DATE))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(Visit.DATE))));
      validate(v).clean();
    }

    @Test
    void crisisOfEightyMinutesIsStillOne90839NotAMismatch() throws Exception {
      validate(Visit.session("crisis").minutes(80).bill("90839").bill("90840")).clean();
    }
  }

  @Nested
  class Durations {

    @ParameterizedTest(name = "length {0} {1} billed {2}: expects [{3}]")
    @CsvSource({
      "50,min,90834,",
      "50,min,90837,90834",
      "0.75,h,90834,",
      "0.75,h,90837,90834",
      "1,h,90837,",
      "1,h,90834,90837",
      "0.5,h,90832,",
      "3000,s,90834,",
      "3000,s,90837,90834",
      "960,s,90832,",
      "2280,s,90834,",
      "2280,s,90832,90834",
    })
    void lengthIsReadInMinutesHoursAndSeconds(String value, String unit, String billed, String expected) throws Exception {
      Visit v = Visit.individual().lengthOnly(value, unit).bill(billed);
      if (expected == null) {
        validate(v).clean();
      } else {
        validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", expected);
      }
    }

    @Test
    void nineHundredFiftyNineSecondsIsUnderSixteenMinutes() throws Exception {
      validate(Visit.individual().lengthOnly("959", "s").bill("90832")).exactly("time-below-minimum");
    }

    @ParameterizedTest(name = "period of {0} min billed {1}: expects [{2}]")
    @CsvSource({"50,90834,", "50,90837,90834", "53,90837,", "37,90832,", "38,90832,90834"})
    void periodAloneGivesTheTime(int minutes, String billed, String expected) throws Exception {
      Visit v = Visit.individual().periodOnly(minutes).bill(billed);
      if (expected == null) {
        validate(v).clean();
      } else {
        validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", expected);
      }
    }

    @Test
    void periodAcrossMidnightIsMeasuredAcrossIt() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.date("2025-03-04"));
      v.encounter().setLength(null);
      v.encounter().getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T23:40:00-05:00"))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-05T00:30:00-05:00"));
      validate(v).clean();
    }

    @Test
    void periodInDifferentTimeZonesIsMeasuredInRealTime() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().setLength(null);
      v.encounter().getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T15:00:00Z"))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T10:50:00-05:00"));
      validate(v).clean();
    }
  }

  @Nested
  class SessionTypeMissing {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"90847", "90846", "90839", "90791", "90853", "90849"})
    void codeTiedToASessionTypeWithoutOneIsSessionTypeMissing(String code) throws Exception {
      Visit v = Visit.session(null).minutes(50).bill(code);
      validate(v).exactly("session-type-missing");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"90832", "90834", "90837"})
    void individualCodesAssumeAnIndividualSession(String code) throws Exception {
      int minutes = code.equals("90832") ? 30 : code.equals("90834") ? 45 : 60;
      validate(Visit.session(null).minutes(minutes).bill(code)).clean();
    }

    @Test
    void timeRuleStillAppliesWhenTheSessionTypeIsUnknown() throws Exception {
      validate(Visit.session(null).minutes(20).bill("90847")).exactly("session-type-missing", "time-below-minimum");
    }

    @Test
    void unknownSessionTypeStillHoldsIndividualTime() throws Exception {
      validate(Visit.session(null).minutes(50).bill("90837")).exactly("time-code-mismatch").naming("time-code-mismatch", "90834");
    }
  }

  @Nested
  class SessionTypeMismatch {

    @ParameterizedTest(name = "{0} session billed {1}")
    @CsvSource({
      "individual,90847",
      "individual,90846",
      "family-with-patient,90846",
      "family-without-patient,90847",
      "group,90847",
      "family-with-patient,90853",
      "individual,90853",
      "individual,90839",
      "crisis,90834",
      "diagnostic-evaluation,90834",
      "individual,90791",
      "group,90849",
      "multiple-family-group,90853",
    })
    void knownSessionTypeOtherThanTheCodesIsSessionTypeMismatch(String sessionType, String code) throws Exception {
      Visit v = Visit.session(sessionType).minutes(50).bill(code);
      validate(v).exactly("session-type-mismatch").at("session-type-mismatch", v.line(0) + ".productOrService");
    }

    @ParameterizedTest(name = "{0}-minute group session billed {1}")
    @CsvSource({"50,90834", "90,90834", "30,90847"})
    void groupSessionBilledAsAnotherKindNamesGroupPsychotherapyNotThePartialHospitalizationCode(int minutes, String code)
        throws Exception {
      // G0410 is group psychotherapy in partial hospitalization (45-50 min, a facility code); 90853 is the group code
      validate(Visit.session("group").minutes(minutes).bill(code)).exactly("session-type-mismatch")
          .naming("session-type-mismatch", "90853").notNaming("session-type-mismatch", "G0410");
    }

    @Test
    void fiftyMinuteIndividualSessionBilledAsFamilyPsychotherapyNamesTheIndividualCode() throws Exception {
      validate(Visit.individual().minutes(50).bill("90847")).exactly("session-type-mismatch")
          .naming("session-type-mismatch", "90834").naming("session-type-mismatch", "90847");
    }

    @Test
    void sessionTypeInServiceTypeIsRead() throws Exception {
      validate(Visit.individual().sessionTypeAsServiceType("individual").bill("90847")).exactly("session-type-mismatch");
    }

    @Test
    void matchingSessionTypeInServiceTypeRaisesNothing() throws Exception {
      validate(Visit.individual().sessionTypeAsServiceType("family-with-patient").bill("90847")).clean();
    }

    @Test
    void groupSubjectWithoutSessionTypeIsAGroupSession() throws Exception {
      validate(Visit.session(null).groupSubject(true).bill("90834")).exactly("session-type-mismatch");
    }

    @Test
    void groupSubjectWithoutSessionTypeBilledAsGroupPsychotherapyRaisesNothing() throws Exception {
      validate(Visit.session(null).groupSubject(true).bill("90853")).clean();
    }

    @Test
    void sessionTypeCodingAfterAnotherCodingIsRead() throws Exception {
      Visit v = Visit.individual().bill("90847");
      v.encounter().getTypeFirstRep().getCoding().add(0, new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "90526000", null));
      validate(v).exactly("session-type-mismatch");
    }

    @Test
    void sessionTypeCodingWinsOverAGroupSubject() throws Exception {
      validate(Visit.individual().groupSubject(true).bill("90834")).clean();
    }
  }

  @Nested
  class AddonWithoutPrimary {

    @Test
    void emAddOnWithoutAnEmIsAddonWithoutPrimary() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(30).bill("90833");
      validate(v).exactly("addon-without-primary").at("addon-without-primary", v.line(0) + ".productOrService");
    }

    @Test
    void interactiveComplexityAloneIsAddonWithoutPrimary() throws Exception {
      validate(Visit.individual().bill("90785")).exactly("addon-without-primary");
    }

    @ParameterizedTest(name = "{0} min, 90840 x {1} alone")
    @CsvSource({"40,1", "110,1", "80,2"})
    void crisisAddOnWithoutItsInitialHourStillHasItsUnitsHeldAgainstTheCrisisTime(int minutes, int units) throws Exception {
      Visit v = Visit.session("crisis").minutes(minutes).bill("90840", l -> l.units(units));
      validate(v).exactly("addon-without-primary", "crisis-units-mismatch")
          .at("crisis-units-mismatch", v.line(0) + ".quantity");
    }

    @Test
    void crisisAddOnWithoutItsInitialHourIsAddonWithoutPrimary() throws Exception {
      validate(Visit.session("crisis").minutes(80).bill("90840")).exactly("addon-without-primary")
          .naming("addon-without-primary", "90839");
    }

    @Test
    void pharmacologicManagementAloneIsAddonWithoutPrimary() throws Exception {
      validate(Visit.individual().provider(PRESCRIBING_PSYCHOLOGIST).bill("90863")).exactly("addon-without-primary");
    }

    @Test
    void interactiveComplexityWithPsychotherapyOnTheSameDateRaisesNothing() throws Exception {
      validate(Visit.individual().bill("90834").bill("90785")).clean();
    }

    @Test
    void interactiveComplexityOnAnotherDateThanItsPrimaryIsAddonWithoutPrimary() throws Exception {
      Visit v = Visit.individual().bill("90834");
      int next = v.addEncounter("individual", 50, "2025-03-05");
      v.bill("90785", l -> l.encounter(v.encounter(next)).date("2025-03-05"));
      validate(v).exactly("addon-without-primary").at("addon-without-primary", v.line(1) + ".productOrService");
    }

    @Test
    void emAddOnWithItsEmOnTheSameDateRaisesNothing() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).bill("99214").bill("90833")).clean();
    }

    @Test
    void emAddOnWhoseEmIsOnAnotherDateIsAddonWithoutPrimary() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(20).bill("99214");
      int next = v.addEncounter("individual", 30, "2025-03-05");
      v.bill("90833", l -> l.encounter(v.encounter(next)).date("2025-03-05"));
      validate(v).exactly("addon-without-primary");
    }

    @Test
    void crisisAddOnOnAnotherDateThanTheInitialHourIsAddonWithoutPrimary() throws Exception {
      Visit v = Visit.session("crisis").minutes(60).bill("90839");
      int next = v.addEncounter("crisis", 80, "2025-03-05");
      v.bill("90840", l -> l.encounter(v.encounter(next)).date("2025-03-05"));
      validate(v).exactly("addon-without-primary");
    }

    @Test
    void interactiveComplexityWithAnEmAloneIsAddonWithoutPrimary() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).bill("99214").bill("90785")).exactly("addon-without-primary");
    }

    @Test
    void interactiveComplexityWithAnEmAndItsPsychotherapyAddOnRaisesNothing() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).bill("99214").bill("90836").bill("90785")).clean();
    }

    @Test
    void pharmacologicManagementWithPsychotherapyByAPrescribingPsychologistRaisesNothing() throws Exception {
      validate(Visit.individual().provider(PRESCRIBING_PSYCHOLOGIST).bill("90834").bill("90863")).clean();
    }
  }

  @Nested
  class AddonInvalidPrimary {

    @Test
    void interactiveComplexityWithCrisisIsAddonInvalidPrimaryNotWithoutPrimary() throws Exception {
      Visit v = Visit.session("crisis").bill("90839").bill("90785");
      validate(v).exactly("addon-invalid-primary").at("addon-invalid-primary", v.line(1) + ".productOrService");
    }

    @ParameterizedTest(name = "{0} billed {1}")
    @CsvSource({"family-with-patient,90847", "family-without-patient,90846"})
    void interactiveComplexityWithFamilyPsychotherapyIsAddonInvalidPrimary(String sessionType, String code) throws Exception {
      validate(Visit.session(sessionType).bill(code).bill("90785")).exactly("addon-invalid-primary");
    }

    @Test
    void emAddOnBesideStandalonePsychotherapyIsAddonInvalidPrimary() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(60).bill("90837").bill("90838");
      validate(v).exactly("addon-invalid-primary").at("addon-invalid-primary", v.line(1) + ".productOrService");
    }

    @Test
    void emAddOnBesideStandalonePsychotherapyAndAnEmIsInvalidPrimaryAndASameDayConflict() throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).bill("99214").bill("90834").bill("90833");
      validate(v).exactly("addon-invalid-primary", "same-day-conflict");
    }

    @Test
    void pharmacologicManagementWithCrisisIsAddonInvalidPrimary() throws Exception {
      validate(Visit.session("crisis").provider(PRESCRIBING_PSYCHOLOGIST).bill("90839").bill("90863"))
          .exactly("addon-invalid-primary");
    }
  }

  @Nested
  class CrisisUnitsMismatch {

    @ParameterizedTest(name = "{0} min, 90840 x {1}: mismatch {2}")
    @CsvSource({
      "30,0,false",
      "74,0,false",
      "75,0,true",
      "75,1,false",
      "104,1,false",
      "104,2,true",
      "105,1,true",
      "105,2,false",
      "134,2,false",
      "135,2,true",
      "135,3,false",
      "164,3,false",
      "165,4,false",
      "50,1,true",
      "74,1,true",
    })
    void addOnUnitsFollowTheCrisisTime(int minutes, int units, boolean mismatch) throws Exception {
      Visit v = Visit.session("crisis").minutes(minutes).bill("90839");
      if (units > 0) {
        v.bill("90840", l -> l.units(units));
      }
      if (mismatch) {
        validate(v).exactly("crisis-units-mismatch");
      } else {
        validate(v).clean();
      }
    }

    @Test
    void eightyMinuteCrisisBilledWithout90840NamesIt() throws Exception {
      Visit v = Visit.session("crisis").minutes(80).bill("90839");
      validate(v).exactly("crisis-units-mismatch").naming("crisis-units-mismatch", "90840");
    }

    @Test
    void hcpcsCrisisCodeOfEightyMinutesWithoutItsAddOnIsCrisisUnitsMismatch() throws Exception {
      validate(Visit.session("crisis").minutes(80).bill("G0017", l -> l.system(HCPCS).pos("12"))).exactly("crisis-units-mismatch");
    }

    @Test
    void hcpcsCrisisCodeWithItsAddOnIsClean() throws Exception {
      validate(Visit.session("crisis").minutes(80).bill("G0017", l -> l.system(HCPCS).pos("12"))
          .bill("G0018", l -> l.system(HCPCS_HTTP).pos("12"))).clean();
    }

    @Test
    void unitsOfTheAddOnAreAddedUpOverItsLines() throws Exception {
      validate(Visit.session("crisis").minutes(110).bill("90839").bill("90840").bill("90840")).clean();
    }

    @Test
    void crisisMinutesOfTwoEncountersOfOneDateAreAddedUp() throws Exception {
      // billing-rules 2.3: "total crisis minutes on the date", which need not be continuous: 40 + 40 = 80
      Visit v = Visit.session("crisis").minutes(40).bill("90839");
      int afternoon = v.addEncounter("crisis", 40, "2025-03-04");
      v.bill("90840", l -> l.encounter(v.encounter(afternoon)));
      validate(v).clean();
    }

    @Test
    void addOnUnitsAreHeldAgainstTheDatesTotalCrisisTime() throws Exception {
      Visit v = Visit.session("crisis").minutes(40).bill("90839");
      int afternoon = v.addEncounter("crisis", 40, "2025-03-04");
      v.bill("90840", l -> l.encounter(v.encounter(afternoon)).units(2));
      validate(v).exactly("crisis-units-mismatch").naming("crisis-units-mismatch", "80-minute");
    }

    @Test
    void aCrisisLinePointingAtTwoEncountersOfTheDateCountsTheTimeOfBoth() throws Exception {
      Visit v = Visit.session("crisis").minutes(40);
      int afternoon = v.addEncounter("crisis", 40, "2025-03-04");
      v.bill("90839", l -> l.encounters(v.encounter(0), v.encounter(afternoon)));
      validate(v).exactly("crisis-units-mismatch").naming("crisis-units-mismatch", "80-minute");
    }

    @Test
    void aCrisisLinesOwnPeriodWithinItsEncounterIsNotCountedTwice() throws Exception {
      // 90839's own period is the whole 80 minutes of its 50-minute encounter's day; 90840 points at the same
      // encounter: 80 minutes, not 130
      Visit v = Visit.session("crisis").minutes(50).bill("90839", l -> l.ownTime(0, 80)).bill("90840");
      validate(v).clean();
    }

    @Test
    void crisisTimeOfAnotherDateIsNotAddedIn() throws Exception {
      Visit v = Visit.session("crisis").minutes(40).bill("90839");
      int nextDay = v.addEncounter("crisis", 40, "2025-03-05");
      v.bill("90839", l -> l.encounter(v.encounter(nextDay)).date("2025-03-05"));
      validate(v).clean();
    }
  }

  @Nested
  class SameDayConflict {

    @Test
    void twoIndividualPsychotherapyCodesInTwoSessionsOfOneDateAreASameDayConflict() throws Exception {
      Visit v = Visit.individual().minutes(30).bill("90832");
      int other = v.addEncounter("individual", 50, Visit.DATE);
      v.bill("90834", l -> l.encounter(v.encounter(other)));
      validate(v).exactly("same-day-conflict");
    }

    @Test
    void twoIndividualPsychotherapyCodesForOneSessionConflictAndOneMissesTheTime() throws Exception {
      validate(Visit.individual().bill("90834").bill("90832")).exactly("same-day-conflict", "time-code-mismatch");
    }

    @ParameterizedTest(name = "{0} with {2}")
    @CsvSource({
      "diagnostic-evaluation,90791,individual,90834",
      "diagnostic-evaluation,90792,individual,90837",
      "diagnostic-evaluation,90791,crisis,90839",
      "diagnostic-evaluation,90791,family-with-patient,90847",
      "diagnostic-evaluation,90791,group,90853",
      "crisis,90839,individual,90834",
      "crisis,90839,individual,90832",
    })
    void primaryCodesThatExcludeEachOtherInTwoSessionsOfOneDate(String firstType, String first, String secondType, String second)
        throws Exception {
      Visit v = Visit.session(firstType).provider(PSYCHIATRIST).minutes(60).bill(first);
      int minutes = "90832".equals(second) ? 30 : "90834".equals(second) ? 45 : 60;
      int other = v.addEncounter(secondType, minutes, Visit.DATE);
      v.bill(second, l -> l.encounter(v.encounter(other)));
      validate(v).exactly("same-day-conflict")
          .at("same-day-conflict", v.line(0) + ".productOrService", v.line(1) + ".productOrService");
    }

    @Test
    void bothDiagnosticEvaluationsOnOneDateAreASameDayConflict() throws Exception {
      validate(Visit.session("diagnostic-evaluation").provider(PSYCHIATRIST).bill("90791").bill("90792"))
          .exactly("same-day-conflict");
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"90792,99214", "90791,99213"})
    void diagnosticEvaluationWithAnEmIsASameDayConflict(String evaluation, String em) throws Exception {
      validate(Visit.session("diagnostic-evaluation").provider(PSYCHIATRIST).bill(evaluation).bill(em))
          .exactly("same-day-conflict");
    }

    @ParameterizedTest(name = "{0} with 99213")
    @CsvSource({"30,90832", "50,90834", "60,90837"})
    void standalonePsychotherapyWithAnEmIsASameDayConflict(int minutes, String code) throws Exception {
      Visit v = Visit.individual().provider(PSYCHIATRIST).minutes(minutes).bill(code).bill("99213");
      validate(v).exactly("same-day-conflict").naming("same-day-conflict", code).naming("same-day-conflict", "99213");
    }

    @Test
    void sameCodesOnDifferentDatesDoNotConflict() throws Exception {
      Visit v = Visit.individual().minutes(30).bill("90832");
      int next = v.addEncounter("individual", 50, "2025-03-05");
      v.bill("90834", l -> l.encounter(v.encounter(next)).date("2025-03-05"));
      validate(v).clean();
    }

    @Test
    void groupAndIndividualPsychotherapyInSeparateSessionsOfOneDateAreAllowed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      int other = v.addEncounter("group", 90, Visit.DATE);
      v.bill("90853", l -> l.encounter(v.encounter(other)));
      validate(v).clean();
    }

    @Test
    void twoIndividualPsychotherapyCodesOnTwoClaimsOfOneRequestForOnePatientConflict() throws Exception {
      Visit v = Visit.individual().minutes(30).bill("90832");
      int other = v.addEncounter("individual", 50, Visit.DATE);
      Claim second = v.claim().copy();
      second.setId("claim-2");
      second.getItemFirstRep().setProductOrService(Visit.concept(Visit.CPT, "90834"));
      second.getItemFirstRep().getEncounter().clear();
      second.getItemFirstRep().addEncounter(Visit.ref(v.encounter(other)));
      v.add(second);
      validate(v).exactly("same-day-conflict");
    }

    @Test
    void claimsForTwoPatientsInOneRequestDoNotConflict() throws Exception {
      Visit v = Visit.individual().minutes(30).bill("90832");
      Patient someoneElse = v.addPatient();
      int other = v.addEncounter("individual", 50, Visit.DATE);
      v.encounter(other).setSubject(Visit.ref(someoneElse));
      Claim second = v.claim().copy();
      second.setId("claim-2");
      second.setPatient(Visit.ref(someoneElse));
      second.getItemFirstRep().setProductOrService(Visit.concept(Visit.CPT, "90834"));
      second.getItemFirstRep().getEncounter().clear();
      second.getItemFirstRep().addEncounter(Visit.ref(v.encounter(other)));
      v.add(second);
      validate(v).clean();
    }

    @Test
    void familyAndIndividualPsychotherapyInSeparateSessionsOfOneDateAreAllowed() throws Exception {
      Visit v = Visit.individual().bill("90834");
      int other = v.addEncounter("family-with-patient", 50, Visit.DATE);
      v.bill("90847", l -> l.encounter(v.encounter(other)));
      validate(v).clean();
    }
  }

  @Nested
  class UnitsExceedMax {

    @Test
    void twoUnitsOf90834AtTheOfficeIsUnitsExceedMax() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.units(2));
      validate(v).exactly("units-exceed-max").at("units-exceed-max", v.line(0) + ".quantity");
    }

    @Test
    void oneUnitOf90834OnEachOfTwoClaimsForOnePatientAndDateIsUnitsExceedMax() throws Exception {
      Visit v = Visit.individual().bill("90834");
      int other = v.addEncounter("individual", 50, Visit.DATE);
      Claim second = v.claim().copy();
      second.setId("claim-2");
      second.getItemFirstRep().getEncounter().clear();
      second.getItemFirstRep().addEncounter(Visit.ref(v.encounter(other)));
      v.add(second);
      validate(v).exactly("units-exceed-max");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"90832", "90834", "90837"})
    void moreThanOneUnitInPartialHospitalizationIsAllowed(String code) throws Exception {
      int minutes = code.equals("90832") ? 30 : code.equals("90834") ? 45 : 60;
      validate(Visit.individual().minutes(minutes).bill(code, l -> l.units(3).pos("52"))).clean();
    }

    @Test
    void oneUnitIsAllowed() throws Exception {
      validate(Visit.individual().bill("90834", l -> l.units(1))).clean();
    }

    @Test
    void absentQuantityIsOneUnit() throws Exception {
      validate(Visit.individual().bill("90834", l -> l.item.setQuantity(null))).clean();
    }

    @Test
    void twoUnitsOfCrisisInitialHourIsUnitsExceedMax() throws Exception {
      validate(Visit.session("crisis").minutes(60).bill("90839", l -> l.units(2))).exactly("units-exceed-max");
    }

    @Test
    void twoUnitsOfDiagnosticEvaluationIsUnitsExceedMax() throws Exception {
      validate(Visit.session("diagnostic-evaluation").minutes(60).bill("90791", l -> l.units(2))).exactly("units-exceed-max");
    }

    @Test
    void crisisInitialHourOnTwoLinesOfOneDateIsAddedUp() throws Exception {
      validate(Visit.session("crisis").minutes(60).bill("90839").bill("90839")).exactly("units-exceed-max");
    }

    @Test
    void oneUnitOnEachOfTwoLinesOfOneDateIsAddedUp() throws Exception {
      validate(Visit.individual().bill("90834").bill("90834")).exactly("units-exceed-max");
    }
  }

  @Nested
  class TelehealthMismatch {

    @ParameterizedTest(name = "virtual at POS 10 with {0} and {1}")
    @CsvSource({
      "95,93",
      "GT,FQ",
      "95,FQ",
    })
    void anAudioOnlyAndAnAudioVideoModifierOnOneLineAreATelehealthMismatch(String audioVideo, String audioOnly) throws Exception {
      String cpt = "http://www.ama-assn.org/go/cpt";
      String hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
      Visit v = Visit.individual().encounterClass("VR").bill("90834", l -> l.pos("10")
          .modifier(audioVideo.equals("95") ? cpt : hcpcs, audioVideo)
          .modifier(audioOnly.equals("93") ? cpt : hcpcs, audioOnly));
      validate(v).exactly("telehealth-mismatch").naming("telehealth-mismatch", audioOnly).naming("telehealth-mismatch", audioVideo);
    }

    @ParameterizedTest(name = "{0} at POS {1} modifier {2}|{3}: mismatch {4}")
    @CsvSource({
      "VR,11,,,true",
      "VR,02,,,false",
      "VR,10,,,false",
      "VR,10,http://www.ama-assn.org/go/cpt,95,false",
      "VR,10,http://www.ama-assn.org/go/cpt,93,false",
      "VR,02,https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,GT,false",
      "VR,02,http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,GT,false",
      "VR,10,https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,FQ,false",
      "VR,10,http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,FQ,false",
      "VR,11,http://www.ama-assn.org/go/cpt,95,true",
      "AMB,11,,,false",
      "AMB,02,,,true",
      "AMB,10,,,true",
      "AMB,11,http://www.ama-assn.org/go/cpt,95,true",
      "AMB,11,http://www.ama-assn.org/go/cpt,93,true",
      "AMB,11,https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,GT,true",
      "AMB,11,http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,GT,true",
      "AMB,11,https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,FQ,true",
      "AMB,11,http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets,FQ,true",
      "AMB,52,,,false",
    })
    void classPlaceAndModifiersMustTellOneStory(String encounterClass, String pos, String modifierSystem, String modifier,
        boolean mismatch) throws Exception {
      Visit v = Visit.individual().encounterClass(encounterClass).bill("90834", l -> {
        l.pos(pos);
        if (modifier != null) {
          l.modifier(modifierSystem, modifier);
        }
      });
      if (mismatch) {
        validate(v).exactly("telehealth-mismatch").at("telehealth-mismatch",
            v.line(0) + ".locationCodeableConcept", v.line(0) + ".modifier[0]", v.encounterPath() + ".class");
      } else {
        validate(v).clean();
      }
    }

    @Test
    void modifierInALocalCodeSystemIsNotATelehealthModifier() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.modifier("http://example.org/local-modifiers", "95"));
      validate(v).noBillingFinding();
    }

    @Test
    void telehealthModifierAtTheOfficeWithoutEncounterClassIsTelehealthMismatch() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.modifier(CPT, "95"));
      v.encounter().setClass_(null);
      validate(v).exactly("telehealth-mismatch");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {HCPCS, HCPCS_HTTP})
    void hcpcsCrisisCodeAtHomeUnderEitherSystemUriIsClean(String system) throws Exception {
      validate(Visit.session("crisis").minutes(60).bill("G0017", l -> l.system(system).pos("12"))).clean();
    }
  }

  @Nested
  class ProviderScope {

    @Test
    void clinicalSocialWorkerBilling90792IsProviderScope() throws Exception {
      Visit v = Visit.session("diagnostic-evaluation").provider(CLINICAL_SOCIAL_WORKER).minutes(60).bill("90792");
      validate(v).exactly("provider-scope")
          .at("provider-scope", v.claimPath() + ".careTeam[0].qualification", v.line(0) + ".productOrService");
    }

    @Test
    void psychologistBillingAnEmAddOnIsProviderScope() throws Exception {
      validate(Visit.individual().provider(CLINICAL_PSYCHOLOGIST).bill("99214").bill("90833")).exactly("provider-scope");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PSYCHIATRIST, PSYCH_NURSE_PRACTITIONER})
    void prescriberBilling90792RaisesNothing(String taxonomy) throws Exception {
      validate(Visit.session("diagnostic-evaluation").provider(taxonomy).minutes(60).bill("90792")).clean();
    }

    @Test
    void psychiatristBillingAnEmAddOnRaisesNothing() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).bill("99214").bill("90836")).clean();
    }

    @Test
    void clinicalSocialWorkerBillingDiagnosticEvaluationWithoutMedicalWorkRaisesNothing() throws Exception {
      validate(Visit.session("diagnostic-evaluation").minutes(60).bill("90791")).clean();
    }

    @Test
    void taxonomyOnTheReferencedPractitionerIsRead() throws Exception {
      validate(Visit.session("diagnostic-evaluation").providerOnPractitioner(CLINICAL_SOCIAL_WORKER).bill("90792"))
          .exactly("provider-scope");
    }

    @Test
    void practitionerReferencedByTypeAndIdIsRead() throws Exception {
      Visit v = Visit.session("diagnostic-evaluation").providerOnPractitioner(CLINICAL_SOCIAL_WORKER).bill("90792");
      v.claim().getCareTeamFirstRep().setProvider(new org.hl7.fhir.r4.model.Reference("Practitioner/" + v.practitioner().getIdElement().getIdPart()));
      validate(v).exactly("provider-scope");
    }

    @Test
    void prescriberOnTheReferencedPractitionerRaisesNothing() throws Exception {
      validate(Visit.session("diagnostic-evaluation").providerOnPractitioner(PSYCHIATRIST).bill("90792")).clean();
    }

    @Test
    void specialtyOfTheReferencedPractitionerRoleIsRead() throws Exception {
      validate(Visit.session("diagnostic-evaluation").providerAsRole(CLINICAL_SOCIAL_WORKER).bill("90792"))
          .exactly("provider-scope");
    }

    @Test
    void prescriberAsPractitionerRoleSpecialtyRaisesNothing() throws Exception {
      validate(Visit.session("diagnostic-evaluation").providerAsRole(PSYCHIATRIST).bill("90792")).clean();
    }

    @Test
    void careTeamQualificationComesBeforeThePractitioners() throws Exception {
      Visit v = Visit.session("diagnostic-evaluation").providerOnPractitioner(PSYCHIATRIST).provider(CLINICAL_SOCIAL_WORKER)
          .bill("90792");
      validate(v).exactly("provider-scope");
    }

    @Test
    void lineIsJudgedByTheCareTeamMemberItNames() throws Exception {
      Visit v = Visit.session("diagnostic-evaluation").provider(PSYCHIATRIST).bill("90792", l -> l.careTeam(2));
      v.claim().addCareTeam().setSequence(2).setProvider(new org.hl7.fhir.r4.model.Reference().setDisplay("LCSW"))
          .setQualification(Visit.concept(Visit.NUCC, CLINICAL_SOCIAL_WORKER));
      validate(v).exactly("provider-scope").at("provider-scope", v.claimPath() + ".careTeam[1].qualification", v.line(0) + ".productOrService");
    }

    @Test
    void lineNamingThePrescriberIsNotJudgedByAnotherMember() throws Exception {
      Visit v = Visit.session("diagnostic-evaluation").bill("90792", l -> l.careTeam(2));
      v.claim().addCareTeam().setSequence(2).setProvider(new org.hl7.fhir.r4.model.Reference().setDisplay("MD"))
          .setQualification(Visit.concept(Visit.NUCC, PSYCHIATRIST));
      validate(v).clean();
    }

    @Test
    void clinicalSocialWorkerBillingPharmacologicManagementIsProviderScope() throws Exception {
      validate(Visit.individual().bill("90834").bill("90863")).exactly("provider-scope");
    }
  }

  @Nested
  class Diagnosis {

    @Test
    void claimWithoutDiagnosisIsDiagnosisMissing() throws Exception {
      Visit v = Visit.individual().bill("90834").noDiagnosis();
      validate(v).exactly("diagnosis-missing");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Z63.0", "R45.851", "Z71.89"})
    void onlyDiagnosesOutsideChapterFiveIsDiagnosisNotBehavioral(String code) throws Exception {
      Visit v = Visit.individual().bill("90834").diagnoses(code);
      validate(v).exactly("diagnosis-not-behavioral").at("diagnosis-not-behavioral",
          v.claimPath() + ".diagnosis[0].diagnosisCodeableConcept", v.claimPath() + ".diagnosis[0]", v.claimPath() + ".diagnosis");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F41.1", "F32.A", "F01.A0", "F01.50", "F99", "F43.10", "F64.A"})
    void billableChapterFiveDiagnosisRaisesNothing(String code) throws Exception {
      validate(Visit.individual().bill("90834").diagnoses(code)).noBillingFinding();
    }

    @Test
    void oneChapterFiveDiagnosisAmongOthersIsEnough() throws Exception {
      validate(Visit.individual().bill("90834").diagnoses("Z63.0", "F41.1")).noBillingFinding();
    }

    @Test
    void aRetiredCodeIsReportedInWordsNotWithTheValidatorsInternalFailure() throws Exception {
      // 90862 was deleted: the profile validator says so, through the server's own terminology
      String issues = validate(Visit.individual().bill("90862")).summary();
      org.assertj.core.api.Assertions.assertThat(issues).contains("90862").contains("retired").doesNotContain("Cannot invoke").doesNotContain("null");
    }

    @Test
    void chapterFiveCodeOfTheWhoIcd10RatherThanIcd10CmIsNotBehavioral() throws Exception {
      // the contract names ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm); the WHO's ICD-10 is another system
      Visit v = Visit.individual().bill("90834").diagnoses();
      v.claim().addDiagnosis().setSequence(1).setDiagnosis(Visit.concept("http://hl7.org/fhir/sid/icd-10", "F41.1"));
      validate(v).exactly("diagnosis-not-behavioral").naming("diagnosis-not-behavioral", "http://hl7.org/fhir/sid/icd-10-cm");
    }

    @Test
    void diagnosisInAnotherCodeSystemOnlyIsNotBehavioral() throws Exception {
      Visit v = Visit.individual().bill("90834").diagnoses();
      v.claim().addDiagnosis().setSequence(1).setDiagnosis(Visit.concept("http://snomed.info/sct", "197480006"));
      validate(v).exactly("diagnosis-not-behavioral");
    }
  }

  @Nested
  class DiagnosisNotBillable {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F41", "F43.1", "F32.8", "F41.5"})
    void chapterFiveCodeThatMayNotBeBilledIsDiagnosisNotBillable(String code) throws Exception {
      Visit v = Visit.individual().bill("90834").diagnoses(code);
      validate(v).exactly("diagnosis-not-billable").at("diagnosis-not-billable",
          v.claimPath() + ".diagnosis[0].diagnosisCodeableConcept", v.claimPath() + ".diagnosis[0]", v.claimPath() + ".diagnosis");
    }

    @Test
    void theSentenceNamesTheBillableCodesUnderIt() throws Exception {
      validate(Visit.individual().bill("90834").diagnoses("F43.1"))
          .exactly("diagnosis-not-billable")
          .naming("diagnosis-not-billable", "F43.10").naming("diagnosis-not-billable", "F43.11").naming("diagnosis-not-billable", "F43.12");
      validate(Visit.individual().bill("90834").diagnoses("F41.5"))
          .exactly("diagnosis-not-billable")
          .naming("diagnosis-not-billable", "F41.5").naming("diagnosis-not-billable", "F41.0").naming("diagnosis-not-billable", "F41.1").naming("diagnosis-not-billable", "F41.9");
    }

    @Test
    void aBillableCodeWithoutItsDotIsNamedWithIt() throws Exception {
      validate(Visit.individual().bill("90834").diagnoses("F411"))
          .exactly("diagnosis-not-billable")
          .naming("diagnosis-not-billable", "F411").naming("diagnosis-not-billable", "F41.1");
    }

    @Test
    void aHeaderBesideABillableCodeIsStillReported() throws Exception {
      Visit v = Visit.individual().bill("90834").diagnoses("F41.1", "F41");
      validate(v).exactly("diagnosis-not-billable").at("diagnosis-not-billable",
          v.claimPath() + ".diagnosis[1].diagnosisCodeableConcept", v.claimPath() + ".diagnosis[1]", v.claimPath() + ".diagnosis");
    }
  }

  @Nested
  class EncounterMissing {

    @Test
    void lineWithoutItsEncounterIsEncounterMissing() throws Exception {
      Visit v = Visit.individual().bill("90834", Visit.Line::noEncounter);
      validate(v).exactly("encounter-missing")
          .at("encounter-missing", v.line(0) + ".encounter", v.line(0), v.line(0) + ".productOrService");
    }

    @Test
    void labLineWithoutEncounterIsNotHeldToIt() throws Exception {
      validate(Visit.individual().bill("90834").bill("80053", Visit.Line::noEncounter)).noBillingFinding();
    }

    @Test
    void emLineWithoutEncounterIsNotHeldToIt() throws Exception {
      validate(Visit.individual().provider(PSYCHIATRIST).bill("99214", Visit.Line::noEncounter).bill("90833")).clean();
    }
  }

  @Nested
  class EncounterUnresolved {

    @Test
    void urnUuidThatNoEntryHasIsEncounterUnresolved() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.encounterReference("urn:uuid:0b9e2f6c-1d4a-4f3b-8c2e-999999999999"));
      validate(v).exactly("encounter-unresolved").at("encounter-unresolved", v.line(0) + ".encounter[0]", v.line(0) + ".encounter");
    }

    @Test
    void relativeReferenceThatNoEntryHasIsEncounterUnresolved() throws Exception {
      validate(Visit.individual().bill("90834", l -> l.encounterReference("Encounter/nowhere"))).exactly("encounter-unresolved");
    }

    @Test
    void referenceToAPatientIsNotAnEncounter() throws Exception {
      Visit v = Visit.individual();
      v.bill("90834", l -> l.encounterReference(Visit.fullUrl(v.patient())));
      validate(v).exactly("encounter-unresolved");
    }

    @Test
    void relativeReferenceResolvesAgainstAnAbsoluteFullUrl() throws Exception {
      Visit v = Visit.individual();
      String id = v.encounter().getIdElement().getIdPart();
      v.bill("90834", l -> l.encounterReference("Encounter/" + id));
      org.hl7.fhir.r4.model.Bundle b = v.bundle();
      b.getEntry().stream().filter(e -> e.getResource() == v.encounter()).findFirst().orElseThrow()
          .setFullUrl("http://example.org/fhir/Encounter/" + id);
      validate(b).clean();
    }

    @Test
    void relativeReferenceResolvesAgainstARelativeFullUrl() throws Exception {
      Visit v = Visit.individual();
      String id = v.encounter().getIdElement().getIdPart();
      v.bill("90834", l -> l.encounterReference("Encounter/" + id));
      org.hl7.fhir.r4.model.Bundle b = v.bundle();
      b.getEntry().stream().filter(e -> e.getResource() == v.encounter()).findFirst().orElseThrow()
          .setFullUrl("Encounter/" + id);
      validate(b).noBillingFinding();
    }

    @Test
    void encounterContainedInTheClaimOfABundleResolves() throws Exception {
      Visit v = Visit.individual().minutes(50).bill("90837", l -> l.encounterReference("#enc"));
      org.hl7.fhir.r4.model.Encounter contained = v.encounter().copy();
      contained.setId("enc");
      v.claim().addContained(contained);
      v.minutes(20);
      validate(v).exactly("time-code-mismatch").naming("time-code-mismatch", "90834");
    }

    @Test
    void identifierOnlyReferenceResolvesToNothing() throws Exception {
      Visit v = Visit.individual();
      v.encounter().addIdentifier().setSystem("http://example.org/visits").setValue("V-1");
      v.bill("90834", l -> {
        l.item.getEncounter().clear();
        l.item.addEncounter().setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("http://example.org/visits").setValue("V-1"));
      });
      validate(v).exactly("encounter-unresolved");
    }
  }

  @Nested
  class EncounterClaimMismatch {

    @Test
    void claimForAnotherPatientIsEncounterClaimMismatch() throws Exception {
      Visit v = Visit.individual().bill("90834");
      Patient other = v.addPatient();
      v.claim().setPatient(Visit.ref(other));
      validate(v).exactly("encounter-claim-mismatch");
    }

    @Test
    void lineDatedTheDayAfterTheEncounterIsEncounterClaimMismatch() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.date("2025-03-05"));
      validate(v).exactly("encounter-claim-mismatch").at("encounter-claim-mismatch", v.line(0) + ".servicedDate");
    }

    @Test
    void servicedPeriodStartingOnAnotherDateIsEncounterClaimMismatch() throws Exception {
      Visit v = Visit.individual().bill("90834", l -> l.item.setServiced(new org.hl7.fhir.r4.model.Period()
          .setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-06"))));
      validate(v).exactly("encounter-claim-mismatch");
    }

    @Test
    void groupMemberBilledForTheGroupSessionRaisesNothing() throws Exception {
      validate(Visit.session("group").groupSubject(true).bill("90853")).clean();
    }

    @Test
    void patientWhoIsNotAMemberOfTheGroupIsEncounterClaimMismatch() throws Exception {
      validate(Visit.session("group").groupSubject(false).bill("90853")).exactly("encounter-claim-mismatch");
    }

    @Test
    void encounterDateIsItsLocalDate() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.encounter().getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T23:00:00-05:00"))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T23:50:00-05:00"));
      validate(v).clean();
    }

    @Test
    void samePatientReferencedByTypeAndIdMatches() throws Exception {
      Visit v = Visit.individual().bill("90834");
      v.claim().setPatient(new org.hl7.fhir.r4.model.Reference("Patient/" + v.patient().getIdElement().getIdPart()));
      validate(v).clean();
    }
  }

  @Nested
  class DurationInconsistent {

    @ParameterizedTest(name = "length {0}, period {1}: warning {2}")
    @CsvSource({"50,55,false", "50,45,false", "50,56,true", "50,44,true", "50,60,true", "50,50,false"})
    void lengthAndPeriodMayDifferByFiveMinutes(int length, int period, boolean warning) throws Exception {
      Visit v = Visit.individual().lengthAndPeriod(length, period).bill("90834");
      if (warning) {
        validate(v).exactly("duration-inconsistent")
            .at("duration-inconsistent", v.encounterPath() + ".length", v.encounterPath() + ".period");
      } else {
        validate(v).clean();
      }
    }

    @Test
    void lengthIsUsedWhenThePeriodDisagrees() throws Exception {
      validate(Visit.individual().lengthAndPeriod(50, 60).bill("90837"))
          .exactly("duration-inconsistent", "time-code-mismatch").naming("time-code-mismatch", "90834");
    }

    @Test
    void lengthInHoursIsComparedInMinutes() throws Exception {
      Visit v = Visit.individual().periodOnly(56).bill("90834");
      v.encounter().setLength(Visit.duration(new java.math.BigDecimal("0.75"), "h"));
      validate(v).exactly("duration-inconsistent");
    }
  }
}
