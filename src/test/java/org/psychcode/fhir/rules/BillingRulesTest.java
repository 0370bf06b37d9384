package org.psychcode.fhir.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.psychcode.fhir.rules.Scenario.ids;
import static org.psychcode.fhir.rules.Scenario.session;
import static org.psychcode.fhir.rules.Scenario.untypedSession;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every billing rule at its boundaries, alone and in combination, over the real terminology files. Each case
 * states the exact set of rule ids the visit must raise, so a rule that fires where it should not fails too.
 */
class BillingRulesTest {

  private static Set<String> parse(String ids) {
    return ids == null || ids.isBlank() ? Set.of() : ids(ids.split(" "));
  }

  @Nested
  class TimeOfIndividualPsychotherapy {

    @ParameterizedTest(name = "{0} for {1} minutes -> [{2}]")
    @CsvSource({
      "90832, 15, time-below-minimum",
      "90832, 16, ",
      "90832, 37, ",
      "90832, 38, time-code-mismatch",
      "90832, 53, time-code-mismatch",
      "90834, 15, time-below-minimum",
      "90834, 16, time-code-mismatch",
      "90834, 37, time-code-mismatch",
      "90834, 38, ",
      "90834, 52, ",
      "90834, 53, time-code-mismatch",
      "90837, 15, time-below-minimum",
      "90837, 37, time-code-mismatch",
      "90837, 52, time-code-mismatch",
      "90837, 53, ",
      "90837, 90, ",
      "90837, 240, "
    })
    void holdsTheBilledCodeAgainstTheSessionMinutes(String code, double minutes, String expected) {
      assertThat(session("individual", minutes).bill(code).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void namesTheCodeAFiftyMinuteSessionIsBilledAs() {
      List<Finding> f = session("individual", 50).bill("90837").findings("time-code-mismatch");
      assertThat(f).singleElement().satisfies(x -> {
        assertThat(x.message()).startsWith("A 50-minute individual session is billed as 90834, not 90837");
        assertThat(x.expressions()).containsExactly("Bundle.entry[5].resource.item[0].productOrService");
        assertThat(x.severity()).isEqualTo(Severity.ERROR);
      });
    }

    @Test
    void rejectsNinetyMinuteSessionBilledAs90834() {
      List<Finding> f = session("individual", 90).bill("90834").findings("time-code-mismatch");
      assertThat(f).singleElement().extracting(Finding::message).asString().contains("billed as 90837, not 90834");
    }

    @Test
    void reportsOnlyBelowMinimumUnderSixteenMinutesNotAMismatch() {
      assertThat(session("individual", 15).bill("90837").findings())
          .singleElement()
          .satisfies(x -> {
            assertThat(x.ruleId()).isEqualTo("time-below-minimum");
            assertThat(x.message()).contains("90832").contains("16 minutes");
          });
    }

    @Test
    void readsFractionalMinutesAgainstTheBoundary() {
      assertThat(session("individual", 15.5).bill("90832").ruleIds()).containsExactly("time-below-minimum");
      assertThat(session("individual", 15.9).bill("90832").ruleIds()).containsExactly("time-below-minimum");
      assertThat(session("individual", 37.5).bill("90832").ruleIds()).isEmpty();
      assertThat(session("individual", 52.9).bill("90834").ruleIds()).isEmpty();
      assertThat(session("individual", 52.9).bill("90837").ruleIds()).containsExactly("time-code-mismatch");
    }

    @Test
    void saysTheWholeMinutesTheRulesCount() {
      assertThat(session("individual", 15 + 59 / 60.0).bill("90832").findings())
          .singleElement()
          .satisfies(x -> assertThat(x.message()).startsWith("A 15-minute individual session cannot be billed as 90832"));
      assertThat(session("individual", 52.9).bill("90837").findings())
          .singleElement()
          .satisfies(x -> assertThat(x.message()).startsWith("A 52-minute individual session is billed as 90834"));
    }

    @Test
    void usesThePeriodWhenThereIsNoLength() {
      assertThat(session("individual", 0).length(null).period(50.0).bill("90834").ruleIds()).isEmpty();
      assertThat(session("individual", 0).length(null).period(30.0).bill("90834").ruleIds()).containsExactly("time-code-mismatch");
    }
  }

  @Nested
  class TimeOfEmAddOns {

    @ParameterizedTest(name = "99214 + {0} for {1} minutes -> [{2}]")
    @CsvSource({
      "90833, 15, time-below-minimum",
      "90833, 16, ",
      "90833, 37, ",
      "90833, 60, ",
      "90836, 37, time-code-mismatch",
      "90836, 38, ",
      "90836, 75, ",
      "90838, 52, time-code-mismatch",
      "90838, 53, ",
    })
    void holdsOnlyTheLowerBoundAgainstAnEncounterThatIncludesTheEm(String addOn, double minutes, String expected) {
      assertThat(session("individual", minutes).bill("99214").bill(addOn).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void namesTheLowerAddOnWhenTheEncounterIsTooShortForTheBilledOne() {
      assertThat(session("individual", 30).bill("99214").bill("90836").findings("time-code-mismatch"))
          .singleElement()
          .extracting(Finding::message)
          .asString()
          .contains("billed as 90833, not 90836");
    }

    @ParameterizedTest(name = "own servicedPeriod of {1} minutes on {0} -> [{2}]")
    @CsvSource({"90833, 37, ", "90833, 38, time-code-mismatch", "90836, 52, ", "90836, 53, time-code-mismatch"})
    void holdsBothBoundsAgainstTheLinesOwnPeriod(String addOn, double minutes, String expected) {
      assertThat(session("individual", 90).bill("99214").bill(addOn, l -> l.ownMinutes(minutes)).ruleIds())
          .isEqualTo(parse(expected));
    }

    @Test
    void holdsBothBoundsWhenNoEmStandsWithTheAddOn() {
      assertThat(session("individual", 45).bill("90833").ruleIds())
          .isEqualTo(ids("time-code-mismatch", "addon-without-primary"));
    }
  }

  @Nested
  class TimeOfFamilyGroupAndCrisis {

    @ParameterizedTest(name = "{0} on a {1} session of {2} minutes -> [{3}]")
    @CsvSource({
      "90846, family-without-patient, 25, time-below-minimum",
      "90846, family-without-patient, 26, ",
      "90846, family-without-patient, 120, ",
      "90847, family-with-patient, 25, time-below-minimum",
      "90847, family-with-patient, 26, ",
      "90847, family-with-patient, 50, ",
      "90839, crisis, 29, time-below-minimum",
      "90839, crisis, 30, ",
      "90839, crisis, 74, ",
      "G0017, crisis, 29, time-below-minimum",
      "G0017, crisis, 30, ",
      "G0410, group, 44, time-below-minimum",
      "G0410, group, 45, ",
      "90853, group, 10, ",
    })
    void holdsTheFamilyMinimum(String code, String type, double minutes, String expected) {
      assertThat(session(type, minutes).bill(code).ruleIds()).isEqualTo(parse(expected));
    }
  }

  @Nested
  class CrisisUnits {

    @ParameterizedTest(name = "{0} minutes with 90840 x {1} -> [{2}]")
    @CsvSource({
      "29, 0, time-below-minimum",
      "29, 1, time-below-minimum crisis-units-mismatch",
      "30, 0, ",
      "74, 0, ",
      "74, 1, crisis-units-mismatch",
      "75, 0, crisis-units-mismatch",
      "75, 1, ",
      "104, 1, ",
      "104, 2, crisis-units-mismatch",
      "105, 1, crisis-units-mismatch",
      "105, 2, ",
      "134, 2, ",
      "135, 2, crisis-units-mismatch",
      "135, 3, ",
      "164, 3, ",
      "165, 4, ",
    })
    void countsOneUnitFrom75AndOneMorePerFurther30(double minutes, int units, String expected) {
      Scenario s = session("crisis", minutes).bill("90839");
      if (units > 0) {
        s.bill("90840", l -> l.units(units));
      }
      assertThat(s.ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void addsUpTheUnitsOfSeveralAddOnLines() {
      assertThat(session("crisis", 110).bill("90839").bill("90840").bill("90840").ruleIds()).isEmpty();
    }

    @Test
    void namesTheExpectedUnitsAndPointsAtTheAddOnQuantity() {
      Finding f = session("crisis", 110).bill("90839").bill("90840").findings("crisis-units-mismatch").get(0);
      assertThat(f.message()).contains("90839 with 90840 x 2, not with 90840 x 1");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[1].quantity");
    }

    @Test
    void pointsAtTheCrisisCodeWhenTheAddOnIsMissing() {
      Finding f = session("crisis", 80).bill("90839").findings("crisis-units-mismatch").get(0);
      assertThat(f.message()).startsWith("An 80-minute crisis session").contains("with 90840 x 1, not without 90840");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[0].productOrService");
    }

    @ParameterizedTest(name = "G0017 for {0} minutes with G0018 x {1} -> [{2}]")
    @CsvSource({"74, 0, ", "75, 0, crisis-units-mismatch", "75, 1, ", "105, 1, crisis-units-mismatch", "105, 2, "})
    void readsTheHcpcsCrisisCodesByTheSameProperties(double minutes, int units, String expected) {
      Scenario s = session("crisis", minutes).bill("G0017", l -> l.place("12"));
      if (units > 0) {
        s.bill("G0018", l -> l.units(units).place("12"));
      }
      assertThat(s.ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void leavesUnitsAloneWhenTheTimeIsMissing() {
      assertThat(session("crisis", 0).noTime().bill("90839").bill("90840").ruleIds()).containsExactly("time-missing");
    }
  }

  @Nested
  class TimeMissing {

    @Test
    void flagsATimedCodeOnAnEncounterWithoutLengthOrPeriod() {
      Finding f = session("individual", 0).noTime().bill("90834").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("time-missing");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[0].productOrService", "Bundle.entry[4].resource.length");
    }

    @Test
    void leavesUntimedCodesAlone() {
      assertThat(session("diagnostic-evaluation", 0).noTime().bill("90791").ruleIds()).isEmpty();
      assertThat(session("group", 0).noTime().bill("90853").ruleIds()).isEmpty();
    }

    @Test
    void acceptsTheLinesOwnPeriodAsItsTime() {
      assertThat(session("individual", 0).noTime().bill("90834", l -> l.ownMinutes(45)).ruleIds()).isEmpty();
    }

    @Test
    void leavesALineWithoutEncounterToTheEncounterRules() {
      assertThat(session("individual", 0).noTime().bill("90834", Scenario.Line::noEncounter).ruleIds()).containsExactly("encounter-missing");
    }
  }

  @Nested
  class SessionType {

    @Test
    void rejects90847OnAnIndividualSessionAndNamesTheIndividualCode() {
      Finding f = session("individual", 50).bill("90847").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("session-type-mismatch");
      assertThat(f.message()).contains("90847").contains("billed as 90834");
    }

    @ParameterizedTest(name = "{0} on a {1} session -> [{2}]")
    @CsvSource({
      "90846, family-with-patient, session-type-mismatch",
      "90847, family-without-patient, session-type-mismatch",
      "90853, family-with-patient, session-type-mismatch",
      "90849, multiple-family-group, ",
      "90853, group, ",
      "90791, diagnostic-evaluation, ",
      "90791, individual, session-type-mismatch",
      "90839, individual, session-type-mismatch",
      "90834, crisis, session-type-mismatch",
      "90785, crisis, addon-without-primary",
    })
    void comparesTheEncounterSessionTypeWithTheCodes(String code, String type, String expected) {
      assertThat(session(type, 50).bill(code).ruleIds()).isEqualTo(parse(expected));
    }

    @ParameterizedTest(name = "{0} on an untyped session -> [{1}]")
    @CsvSource({
      "90834, ",
      "90837, time-code-mismatch",
      "90847, session-type-missing",
      "90846, session-type-missing",
      "90853, session-type-missing",
      "90791, session-type-missing",
      "90839, session-type-missing",
      "99214, ",
    })
    void warnsWhenTheSessionTypeIsUnknownExceptForIndividualCodes(String code, String expected) {
      assertThat(untypedSession(45).bill(code).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void warnsAsWarningAndPointsAtTheEncounterType() {
      Finding f = untypedSession(50).bill("90847").findings().get(0);
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.expressions()).first().isEqualTo("Bundle.entry[4].resource.type");
    }

    @Test
    void readsAGroupSubjectAsAGroupSession() {
      assertThat(untypedSession(60).groupSubject("Patient/p1", "Patient/p2").bill("90853").ruleIds()).isEmpty();
      assertThat(untypedSession(60).groupSubject("Patient/p1", "Patient/p2").bill("90847").ruleIds())
          .containsExactly("session-type-mismatch");
    }
  }

  @Nested
  class AddOns {

    @Test
    void rejects90840WithoutItsCrisisPrimary() {
      Finding f = session("crisis", 80).bill("90840").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("addon-without-primary");
      assertThat(f.message()).contains("90839");
      assertThat(session("crisis", 80).bill("90840").ruleIds()).containsExactly("addon-without-primary");
    }

    @Test
    void rejects90785Alone() {
      assertThat(session("individual", 45).bill("90785").ruleIds()).containsExactly("addon-without-primary");
    }

    @Test
    void accepts90785WithPsychotherapy() {
      assertThat(session("individual", 45).bill("90834").bill("90785").ruleIds()).isEmpty();
    }

    @Test
    void rejects90785WithCrisisAsInvalidPrimaryInsteadOfMissingPrimary() {
      Finding f = session("crisis", 50).bill("90839").bill("90785").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("addon-invalid-primary");
      assertThat(f.message()).contains("90785 may not accompany 90839");
      assertThat(session("crisis", 50).bill("90839").bill("90785").ruleIds()).containsExactly("addon-invalid-primary");
    }

    @Test
    void rejects90785WithFamilyPsychotherapy() {
      assertThat(session("family-with-patient", 50).bill("90847").bill("90785").ruleIds()).containsExactly("addon-invalid-primary");
    }

    @Test
    void reportsInvalidPrimaryEvenWhenAValidPrimaryIsAlsoBilled() {
      assertThat(session("individual", 45).bill("90834").bill("99214").bill("90833").ruleIds())
          .isEqualTo(ids("addon-invalid-primary", "same-day-conflict"));
    }

    @Test
    void accepts90833WithAnEm() {
      assertThat(session("individual", 30).bill("99214").bill("90833").ruleIds()).isEmpty();
    }

    @Test
    void requiresThePrimaryOnTheSameDate() {
      assertThat(session("individual", 30).bill("99214", l -> l.date("2025-03-03")).bill("90833").ruleIds())
          .isEqualTo(ids("encounter-claim-mismatch", "addon-without-primary"));
    }

    @Test
    void accepts90863WithPsychotherapyFromAPrescribingPsychologist() {
      assertThat(session("individual", 45).bill("90834", l -> l.taxonomy("103TP0016X")).bill("90863", l -> l.taxonomy("103TP0016X")).ruleIds())
          .isEmpty();
    }

    @Test
    void namesAllPrimariesOfTheEmAddOnsBriefly() {
      String m = session("individual", 45).bill("90836").findings("addon-without-primary").get(0).message();
      assertThat(m).contains("one of its primary codes 99202, 99203, 99204 or one of");
    }
  }

  @Nested
  class SameDay {

    @Test
    void rejectsStandalonePsychotherapyWithAnEm() {
      Finding f = session("individual", 45).bill("90834").bill("99214").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("same-day-conflict");
      assertThat(f.message()).contains("90834 and 99214");
      assertThat(f.expressions()).first().isEqualTo("Bundle.entry[5].resource.item[1].productOrService");
    }

    @Test
    void rejectsTwoPsychotherapyCodes() {
      assertThat(session("individual", 45).bill("90834").bill("90832", l -> l.ownMinutes(20)).ruleIds()).containsExactly("same-day-conflict");
    }

    @Test
    void rejectsDiagnosticEvaluationWithAnEm() {
      assertThat(session("diagnostic-evaluation", 60).bill("90791").bill("99214").ruleIds()).containsExactly("same-day-conflict");
      assertThat(session("diagnostic-evaluation", 60).bill("90791").bill("90792").ruleIds()).containsExactly("same-day-conflict");
    }

    @Test
    void acceptsTheSameCodesOnDifferentDates() {
      assertThat(
              session("individual", 45)
                  .encounterDates("2025-03-03", "2025-03-04")
                  .bill("90834", l -> l.date("2025-03-04"))
                  .bill("99214", l -> l.date("2025-03-03"))
                  .ruleIds())
          .isEmpty();
    }

    @Test
    void acceptsFamilyAndIndividualPsychotherapyOnOneDate() {
      assertThat(session("individual", 45).bill("90834").bill("90847", l -> l.ownMinutes(50).noEncounter()).ruleIds())
          .containsExactly("encounter-missing");
    }

    @Test
    void ignoresCodesOutsideTheFragment() {
      assertThat(session("individual", 45).bill("90834").bill("80305").ruleIds()).isEmpty();
    }
  }

  @Nested
  class Units {

    @ParameterizedTest(name = "{0} x {1} at place {2} -> [{3}]")
    @CsvSource({
      "90834, 45, 1, 11, ",
      "90834, 45, 2, 11, units-exceed-max",
      "90834, 45, 2, 52, ",
      "90837, 60, 3, 52, ",
      "90839, 60, 2, 11, units-exceed-max",
      "90853, 60, 3, 11, ",
    })
    void holdsTheUnitsPerDay(String code, double minutes, int units, String place, String expected) {
      String type = sessionTypeOf(code);
      assertThat(session(type, minutes).bill(code, l -> l.units(units).place(place)).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void addsUpTheUnitsOfOneCodeOverTheLinesOfADate() {
      Finding f = session("individual", 45).bill("90834").bill("90834").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("units-exceed-max");
      assertThat(f.message()).contains("90834 is billed 2 units on 2025-03-04").contains("52");
      assertThat(f.expressions()).first().isEqualTo("Bundle.entry[5].resource.item[1].quantity");
    }

    private String sessionTypeOf(String code) {
      return Scenario.BOOK.procedure(code).flatMap(BillingCode::sessionType).orElse("individual");
    }
  }

  @Nested
  class Telehealth {

    @ParameterizedTest(name = "class {0}, place {1}, modifier {2} -> [{3}]")
    @CsvSource({
      "VR, 10, , ",
      "VR, 02, , ",
      "VR, 10, 95, ",
      "VR, 10, 93, ",
      "VR, 02, GT, ",
      "VR, 11, , telehealth-mismatch",
      "VR, 11, 95, telehealth-mismatch",
      "VR, 12, , telehealth-mismatch",
      "AMB, 11, , ",
      "AMB, 10, , telehealth-mismatch",
      "AMB, 02, , telehealth-mismatch",
      "AMB, 11, 95, telehealth-mismatch",
      "AMB, 11, 93, telehealth-mismatch",
      "AMB, 11, GT, telehealth-mismatch",
      "AMB, 11, FQ, telehealth-mismatch",
      "AMB, 11, 59, ",
      "none, 11, 95, telehealth-mismatch",
      "none, 10, 95, ",
      "none, 11, , ",
    })
    void comparesClassPlaceAndModifiers(String klass, String place, String modifier, String expected) {
      Scenario s = session("individual", 45);
      if (klass.equals("VR")) {
        s.virtual();
      } else if (klass.equals("none")) {
        s.noClass();
      }
      s.bill("90834", l -> {
        l.place(place);
        if (modifier != null) {
          l.modifier(modifier);
        }
      });
      assertThat(s.ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void pointsAtThePlaceOfServiceOfAVirtualSessionBilledAtAnOffice() {
      Finding f = session("individual", 45).virtual().bill("90834").findings().get(0);
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[0].locationCodeableConcept", "Bundle.entry[4].resource.class");
      assertThat(f.message()).contains("virtual").contains("11").contains("02 or 10");
    }
  }

  @Nested
  class ProviderScope {

    @ParameterizedTest(name = "{0} by {1} -> [{2}]")
    @CsvSource({
      "90792, 2084P0800X, ",
      "90792, 363LP0808X, ",
      "90792, 1041C0700X, provider-scope",
      "90792, 103TC0700X, provider-scope",
      "90792, 101YP2500X, provider-scope",
      "90792, 9999999999X, ",
      "90791, 1041C0700X, ",
    })
    void needsAPrescriberForDiagnosticEvaluationWithMedicalServices(String code, String taxonomy, String expected) {
      assertThat(session("diagnostic-evaluation", 60).bill(code, l -> l.taxonomy(taxonomy)).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void needsAPrescriberForTheEmAndItsAddOn() {
      List<Finding> f = session("individual", 30).bill("99214", l -> l.taxonomy("1041C0700X")).bill("90833", l -> l.taxonomy("1041C0700X")).findings();
      assertThat(f).extracting(Finding::ruleId).containsExactly("provider-scope", "provider-scope");
      assertThat(f.get(1).message()).contains("90833").contains("1041C0700X");
      assertThat(f.get(1).expressions()).containsExactly("Bundle.entry[5].resource.careTeam[0].qualification", "Bundle.entry[5].resource.item[1].productOrService");
    }

    @ParameterizedTest(name = "90863 by {0} -> [{1}]")
    @CsvSource({"103TP0016X, ", "2084P0800X, provider-scope", "1041C0700X, provider-scope"})
    void lets90863BeBilledOnlyByAPrescriberWhoCannotBillEm(String taxonomy, String expected) {
      assertThat(session("individual", 45).bill("90834", l -> l.taxonomy(taxonomy)).bill("90863", l -> l.taxonomy(taxonomy)).ruleIds())
          .isEqualTo(parse(expected));
    }

    @Test
    void acceptsWhenAnyOfSeveralTaxonomiesMayBill() {
      assertThat(session("diagnostic-evaluation", 60).bill("90792", l -> l.taxonomy("1041C0700X", "2084P0800X")).ruleIds()).isEmpty();
    }
  }

  @Nested
  class Diagnosis {

    @Test
    void rejectsAClaimWithoutDiagnosis() {
      Finding f = session("individual", 45).noDiagnosis().bill("90834").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("diagnosis-missing");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.diagnosis");
    }

    @Test
    void leavesAClaimOfCodesOutsideTheFragmentAlone() {
      assertThat(session("individual", 45).noDiagnosis().bill("80305").ruleIds()).isEmpty();
    }

    @ParameterizedTest(name = "{0} with {1} -> [{2}]")
    @CsvSource({
      "90834, individual, F41.1, ",
      "90834, individual, F01.50, ",
      "90834, individual, F99, ",
      "90834, individual, Z63.0, diagnosis-not-behavioral",
      "90834, individual, E11.9, diagnosis-not-behavioral",
      "90834, individual, G30.9, diagnosis-not-behavioral",
      "90847, family-with-patient, Z63.8, diagnosis-not-behavioral",
      "96158, individual, E11.9, ",
      "96156, individual, I10, ",
      "96130, individual, G30.9, ",
    })
    void warnsWhenNoDiagnosisIsInChapterFive(String code, String type, String diagnosis, String expected) {
      assertThat(session(type, 45).diagnoses(diagnosis).bill(code).ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void acceptsABehavioralDiagnosisAmongOthers() {
      assertThat(session("individual", 45).diagnoses("E11.9", "F32.1").bill("90834").ruleIds()).isEmpty();
    }

    @Test
    void doesNotJudgeAClaimWhoseDiagnosisCannotBeRead() {
      assertThat(session("individual", 45).diagnoses("Z63.0").unreadableDiagnosis().bill("90834").ruleIds()).isEmpty();
    }

    @Test
    void warnsAsAWarning() {
      assertThat(session("individual", 45).diagnoses("Z63.0").bill("90834").findings().get(0).severity()).isEqualTo(Severity.WARNING);
    }

    @ParameterizedTest(name = "{0} is behavioral")
    @CsvSource({"F41.1", "F32.A", "F01.A0", "F43.10", "F64.A", "F99", "F03.90"})
    void countsEveryBillableChapterFiveCodeAsBehavioral(String diagnosis) {
      assertThat(session("individual", 45).diagnoses(diagnosis).bill("90834").ruleIds()).isEmpty();
    }
  }

  @Nested
  class DiagnosisNotBillable {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "F43.1|F43.1 is not a billable ICD-10-CM code: it has subcodes, and a claim carries one of them. Bill one of F43.10, F43.11 or F43.12.",
          "F41|F41 is not a billable ICD-10-CM code: it has subcodes, and a claim carries one of them. Bill one of F41.0, F41.1, F41.3, F41.8 or F41.9.",
          "F32.8|F32.8 is not a billable ICD-10-CM code: it has subcodes, and a claim carries one of them. Bill one of F32.81 or F32.89.",
          "F41.5|F41.5 is not a code of ICD-10-CM (release 2027); the billable codes under F41 are F41.0, F41.1, F41.3, F41.8 or F41.9.",
          "F43.15|F43.15 is not a code of ICD-10-CM (release 2027); the billable codes under F43.1 are F43.10, F43.11 or F43.12.",
          "F411|F411 is not a code of ICD-10-CM (release 2027): an ICD-10-CM code carries a dot after its third character, F41.1.",
          "F10|F10 is not a billable ICD-10-CM code: it has subcodes, and a claim carries one of them. Bill one of F10.10, F10.11, F10.120, F10.121, F10.129, F10.130, F10.131, F10.132, F10.139 or one of 49 more."
        })
    void rejectsACategoryWithSubcodesOrACodeOutsideTheReleaseNamingTheBillableCodes(String diagnosis, String sentence) {
      List<Finding> findings = session("individual", 45).diagnoses(diagnosis).bill("90834").findings();

      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("diagnosis-not-billable");
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).isEqualTo(sentence);
        assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.diagnosis[0].diagnosisCodeableConcept");
      });
    }

    @Test
    void pointsAtTheUnbillableDiagnosisAmongOthers() {
      List<Finding> findings = session("individual", 45).diagnoses("F41.1", "F43.1").bill("90834").findings();

      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("diagnosis-not-billable");
        assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.diagnosis[1].diagnosisCodeableConcept");
      });
    }

    @Test
    void holdsEveryClaimToItWhateverItBills() {
      assertThat(session("individual", 45).diagnoses("F43.1").bill("96158").ruleIds()).containsExactly("diagnosis-not-billable");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Z63.0", "F08.1", "E11.9"})
    void leavesCodesWithNothingOfChapterFiveUnderThemToTheBehavioralRule(String diagnosis) {
      assertThat(session("individual", 45).diagnoses(diagnosis).bill("90834").ruleIds()).containsExactly("diagnosis-not-behavioral");
    }

    @Test
    void judgesOnlyIcd10Cm() {
      Scenario s = session("individual", 45).bill("90834");
      s.diagnosisIn("http://hl7.org/fhir/sid/icd-10", "F41");
      assertThat(s.ruleIds()).containsExactly("diagnosis-not-behavioral");
    }
  }

  @Nested
  class EncounterLinks {

    @Test
    void rejectsALineWithoutItsEncounter() {
      Finding f = session("individual", 45).bill("90834", Scenario.Line::noEncounter).findings().get(0);
      assertThat(f.ruleId()).isEqualTo("encounter-missing");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[0].encounter");
    }

    @Test
    void leavesALabLineWithoutEncounterAlone() {
      assertThat(session("individual", 45).bill("90834").bill("80305", Scenario.Line::noEncounter).ruleIds()).isEmpty();
    }

    @Test
    void rejectsAnEncounterReferenceToNothing() {
      Finding f = session("individual", 45).bill("90834", Scenario.Line::unresolvedEncounter).findings().get(0);
      assertThat(f.ruleId()).isEqualTo("encounter-unresolved");
      assertThat(f.expressions()).containsExactly("Bundle.entry[5].resource.item[0].encounter[0]");
      assertThat(f.message()).contains("urn:uuid:missing");
    }

    @Test
    void rejectsAClaimForAnotherPatient() {
      Finding f = session("individual", 45).patient("Patient/p2").bill("90834").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("encounter-claim-mismatch");
      assertThat(f.expressions()).first().isEqualTo("Bundle.entry[5].resource.patient");
    }

    @Test
    void rejectsALineDatedAnotherDay() {
      Finding f = session("individual", 45).bill("90834", l -> l.date("2025-03-05")).findings().get(0);
      assertThat(f.ruleId()).isEqualTo("encounter-claim-mismatch");
      assertThat(f.message()).contains("2025-03-05").contains("2025-03-04");
    }

    @Test
    void acceptsADateWithinAnEncounterThatSpansMidnight() {
      assertThat(session("crisis", 80).encounterDates("2025-03-04", "2025-03-05").bill("90839", l -> l.date("2025-03-05")).bill("90840", l -> l.date("2025-03-05")).ruleIds()).isEmpty();
    }

    @Test
    void acceptsAGroupMemberAndRejectsAStranger() {
      assertThat(session("group", 60).groupSubject("Patient/p1", "Patient/p2").bill("90853").ruleIds()).isEmpty();
      assertThat(session("group", 60).groupSubject("Patient/p2", "Patient/p3").bill("90853").ruleIds()).containsExactly("encounter-claim-mismatch");
    }

    @Test
    void cannotJudgeMembershipOfAGroupOutsideTheRequest() {
      assertThat(session("group", 60).groupSubject((String[]) null).bill("90853").ruleIds()).isEmpty();
    }
  }

  @Nested
  class Duration {

    @ParameterizedTest(name = "length {0}, period {1} -> [{2}]")
    @CsvSource({"50, 55, ", "50, 45, ", "50, 56, duration-inconsistent", "50, 44, duration-inconsistent", "50, 50.5, ", "50, 55.9, ", "50, 44.5, duration-inconsistent"})
    void toleratesFiveMinutes(double length, double period, String expected) {
      assertThat(session("individual", length).period(period).bill("90834").ruleIds()).isEqualTo(parse(expected));
    }

    @Test
    void usesTheLengthForTheTimeRules() {
      assertThat(session("individual", 50).period(20.0).bill("90834").ruleIds()).containsExactly("duration-inconsistent");
      assertThat(session("individual", 20).period(50.0).bill("90834").ruleIds()).isEqualTo(ids("duration-inconsistent", "time-code-mismatch"));
    }

    @Test
    void checksEveryEncounterEvenUnbilled() {
      assertThat(session("individual", 50).period(80.0).ruleIds()).containsExactly("duration-inconsistent");
    }
  }

  @Nested
  class EncounterAlone {

    @Test
    void checksTheTimeOfATypeCodeOnItsOwn() {
      Finding f = session("individual", 50).encounterAlone().bill("90837").findings().get(0);
      assertThat(f.ruleId()).isEqualTo("time-code-mismatch");
      assertThat(f.expressions()).containsExactly("Bundle.entry[4].resource.type[0]");
    }

    @Test
    void checksTheSessionTypeOfATypeCode() {
      assertThat(session("individual", 50).encounterAlone().bill("90847").ruleIds()).containsExactly("session-type-mismatch");
      assertThat(untypedSession(50).encounterAlone().bill("90847").ruleIds()).containsExactly("session-type-missing");
    }

    @Test
    void appliesNoClaimRuleToAnEncounter() {
      assertThat(session("crisis", 50).encounterAlone().bill("90840").ruleIds()).isEmpty();
      assertThat(session("individual", 30).encounterAlone().bill("99214").bill("90833").ruleIds()).isEmpty();
      assertThat(session("individual", 0).noTime().encounterAlone().bill("90834").ruleIds()).containsExactly("time-missing");
    }
  }

  @Nested
  class Combinations {

    @Test
    void reportsEveryRuleAShortVirtualFamilySessionBreaks() {
      Scenario s =
          untypedSession(20)
              .virtual()
              .period(40.0)
              .diagnoses("Z63.0")
              .bill("90847", l -> l.place("11").taxonomy("1041C0700X"))
              .bill("90785", l -> l.place("11"));
      assertThat(s.ruleIds())
          .isEqualTo(
              ids(
                  "duration-inconsistent",
                  "time-below-minimum",
                  "session-type-missing",
                  "addon-invalid-primary",
                  "telehealth-mismatch",
                  "diagnosis-not-behavioral"));
    }

    @Test
    void reportsEachBrokenRuleOfAnOverbilledCrisis() {
      Scenario s =
          session("crisis", 140)
              .noDiagnosis()
              .bill("90839", l -> l.units(2))
              .bill("90840", l -> l.units(1).modifier("95"))
              .bill("90834", l -> l.date("2025-03-04"));
      assertThat(s.ruleIds())
          .isEqualTo(
              ids(
                  // 90834 on a crisis session: session-type-mismatch, not also a time finding naming 90837
                  "session-type-mismatch",
                  "addon-invalid-primary",
                  "crisis-units-mismatch",
                  "same-day-conflict",
                  "units-exceed-max",
                  "telehealth-mismatch",
                  "diagnosis-missing"));
    }

    @Test
    void raisesNothingForAValidPrescriberVisit() {
      assertThat(session("individual", 40).virtual().bill("99214", l -> l.place("10").modifier("95")).bill("90833", l -> l.place("10").modifier("95")).bill("90785", l -> l.place("10")).ruleIds())
          .isEmpty();
    }
  }

  @Nested
  class Catalog {

    @Test
    void implementsEveryPublishedRuleAndNoOther() {
      assertThat(Scenario.ENGINE.rules()).extracting(BillingRule::id).containsExactlyInAnyOrderElementsOf(Scenario.CATALOG.all().keySet());
      assertThat(Scenario.CATALOG.all()).hasSize(19);
    }

    @Test
    void takesTheSeverityFromTheCodeSystem() {
      assertThat(Scenario.CATALOG.require("duration-inconsistent").severity()).isEqualTo(Severity.WARNING);
      assertThat(Scenario.CATALOG.require("time-code-mismatch").severity()).isEqualTo(Severity.ERROR);
    }
  }
}
