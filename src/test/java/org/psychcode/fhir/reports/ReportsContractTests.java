package org.psychcode.fhir.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.psychcode.fhir.support.Visits.visit;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.psychcode.fhir.support.Visits;
import org.psychcode.fhir.support.Visits.Visit;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * The reports over what the store holds, on a store seeded through the public API: practitioners with known habits
 * (transactions of generated visits, and {@code Claim/$submit} for the visits validation refuses), whose profiles are
 * checked number by number. The seeded claims are dated 2031, a year no other test writes, so the peers are exactly
 * these practitioners; the tests that change claims use 2032.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReportsContractTests extends ServerTestBase {

  static final String SOCIAL_WORKER = "1041C0700X";
  static final String PSYCHIATRIST = "2084P0800X";
  static final String PSYCHOLOGIST = "103T00000X";
  static final LocalDate JAN = LocalDate.of(2031, 1, 6);

  @org.springframework.beans.factory.annotation.Autowired org.psychcode.fhir.store.ResourceStore resources;

  /** Every seeded visit, as the test's own count of what the server should report. */
  final List<Visit> seeded = new ArrayList<>();

  @BeforeAll
  void seed() throws Exception {
    put("rpt-sw-long", SOCIAL_WORKER, "Long");
    for (int p = 1; p <= 6; p++) {
      put("rpt-sw-p" + p, SOCIAL_WORKER, "Peer" + p);
    }
    put("rpt-sw-untimed", SOCIAL_WORKER, "Untimed");
    put("rpt-sw-complex", SOCIAL_WORKER, "Complex");
    put("rpt-sw-rising", SOCIAL_WORKER, "Rising");
    put("rpt-psych", PSYCHIATRIST, "Addon");
    put("rpt-family", PSYCHOLOGIST, "Family");

    List<Visit> visits = new ArrayList<>();
    // 16 of 20 sessions billed 90837, every one at 53-55 minutes; 4 at 45 minutes billed 90834
    for (int i = 0; i < 20; i++) {
      LocalDate d = JAN.plusDays(7L * i);
      visits.add(i < 16 ? sw("rpt-sw-long", d).minutes(53 + i % 3).bills("90837") : sw("rpt-sw-long", d).minutes(45).bills("90834"));
    }
    // six peers with 10 sessions each, 1, 2, 2, 3, 3 and 4 of them 90837 (60 minutes), the rest 90834 (45 minutes)
    int[] longOnes = {1, 2, 2, 3, 3, 4};
    for (int p = 1; p <= 6; p++) {
      for (int i = 0; i < 10; i++) {
        LocalDate d = JAN.plusDays(11L * i + p);
        visits.add(i < longOnes[p - 1] ? sw("rpt-sw-p" + p, d).minutes(60).bills("90837") : sw("rpt-sw-p" + p, d).minutes(45).bills("90834"));
      }
    }
    // 8 timed 90834 sessions (the other 2 go through $submit below, without a time)
    for (int i = 0; i < 8; i++) {
      visits.add(sw("rpt-sw-untimed", JAN.plusDays(9L * i)).minutes(45).bills("90834"));
    }
    // 12 sessions of 90834, half of them with interactive complexity
    for (int i = 0; i < 12; i++) {
      Visit v = sw("rpt-sw-complex", JAN.plusDays(13L * i)).minutes(45).bills("90834");
      visits.add(i % 2 == 0 ? v.bills("90785") : v);
    }
    // five sessions a month, January to April, 0, 1, 2 and 3 of them 90837
    for (int month = 0; month < 4; month++) {
      for (int i = 0; i < 5; i++) {
        LocalDate d = LocalDate.of(2031, month + 1, 3 + 4 * i);
        visits.add(i < month ? sw("rpt-sw-rising", d).minutes(58).bills("90837") : sw("rpt-sw-rising", d).minutes(42).bills("90834"));
      }
    }
    // a psychiatrist's E/M visits with psychotherapy added (30 minutes, one of them by telehealth)
    for (int i = 0; i < 3; i++) {
      Visit v = visit("rpt-psych", PSYCHIATRIST, JAN.plusDays(20L * i)).minutes(30).diagnosis("F33.1").bills("99213", "90833");
      visits.add(i == 0 ? v.telehealth() : v);
    }
    // a psychologist's family sessions with the patient, in July and August, one of them by telehealth
    for (int i = 0; i < 3; i++) {
      Visit v = visit("rpt-family", PSYCHOLOGIST, LocalDate.of(2031, 7 + i / 2, 10 + i)).session("family-with-patient").minutes(50).diagnosis("F43.10").bills("90847");
      visits.add(i == 2 ? v.telehealth() : v);
    }
    for (int from = 0; from < visits.size(); from += 25) {
      List<Visit> chunk = visits.subList(from, Math.min(visits.size(), from + 25));
      HttpResponse<String> r = send("POST", "", Visits.transaction(chunk));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    seeded.addAll(visits);

    // what validation refuses, stored through Claim/$submit: two sessions without a time, two add-ons without an E/M
    for (int i = 0; i < 2; i++) {
      submit(sw("rpt-sw-untimed", JAN.plusDays(100L + i)).minutes(null).bills("90834"), "time-missing");
      submit(visit("rpt-psych", PSYCHIATRIST, JAN.plusDays(120L + i)).minutes(45).diagnosis("F33.1").bills("90836"), "addon-without-primary");
    }
  }

  static Visit sw(String practitioner, LocalDate date) {
    return visit(practitioner, SOCIAL_WORKER, date);
  }

  void put(String id, String taxonomy, String family) throws Exception {
    HttpResponse<String> r = send("PUT", "/Practitioner/" + id, Visits.practitioner(id, taxonomy, family));
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  void submit(Visit v, String expectedRule) throws Exception {
    HttpResponse<String> r = send("POST", "/Claim/$submit", Visits.submission(v));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    ClaimResponse cr = FHIR.newJsonParser().parseResource(ClaimResponse.class, r.body());
    assertThat(cr.getError()).extracting(e -> e.getCode().getCodingFirstRep().getCode()).containsExactly(expectedRule);
    seeded.add(v);
  }

  Parameters profile(String practitioner, String query) throws Exception {
    HttpResponse<String> r = send("GET", "/Practitioner/" + practitioner + "/$coding-profile" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, r.body());
  }

  Parameters profile2031(String practitioner) throws Exception {
    return profile(practitioner, "?start=2031-01-01&end=2031-12-31");
  }

  static int integer(Parameters p, String name) {
    return ((org.hl7.fhir.r4.model.IntegerType) p.getParameter(name).getValue()).getValue();
  }

  static Optional<ParametersParameterComponent> part(ParametersParameterComponent p, String name) {
    return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst();
  }

  static BigDecimal decimal(ParametersParameterComponent p, String name) {
    return ((org.hl7.fhir.r4.model.DecimalType) part(p, name).orElseThrow().getValue()).getValue();
  }

  /** The {@code code} parameters by code: count, share, peerShare, peerPercentile (null when absent). */
  static Map<String, List<Object>> codes(Parameters p) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (ParametersParameterComponent c : p.getParameter()) {
      if (c.getName().equals("code")) {
        Coding coding = (Coding) part(c, "code").orElseThrow().getValue();
        assertThat(coding.getSystem()).isEqualTo("http://www.ama-assn.org/go/cpt");
        assertThat(coding.getDisplay()).isNotBlank();
        List<Object> values = new ArrayList<>();
        values.add(((org.hl7.fhir.r4.model.IntegerType) part(c, "count").orElseThrow().getValue()).getValue());
        values.add(decimal(c, "share"));
        values.add(part(c, "peerShare").map(x -> decimal(c, "peerShare")).orElse(null));
        values.add(part(c, "peerPercentile").map(x -> decimal(c, "peerPercentile")).orElse(null));
        out.put(coding.getCode(), values);
      }
    }
    return out;
  }

  static List<Object> code(int count, String share, String peerShare, String percentile) {
    List<Object> values = new ArrayList<>();
    values.add(count);
    values.add(new BigDecimal(share));
    values.add(peerShare == null ? null : new BigDecimal(peerShare));
    values.add(percentile == null ? null : new BigDecimal(percentile));
    return values;
  }

  /** The signals as id, severity and text. */
  static List<String[]> signals(Parameters p) {
    List<String[]> out = new ArrayList<>();
    for (ParametersParameterComponent s : p.getParameter()) {
      if (s.getName().equals("signal")) {
        out.add(
            new String[] {
              part(s, "id").orElseThrow().getValue().primitiveValue(),
              part(s, "severity").orElseThrow().getValue().primitiveValue(),
              part(s, "text").orElseThrow().getValue().primitiveValue()
            });
      }
    }
    return out;
  }

  /** The findings as rule to count and rate. */
  static Map<String, List<Object>> findings(Parameters p) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (ParametersParameterComponent f : p.getParameter()) {
      if (f.getName().equals("finding")) {
        Coding rule = (Coding) part(f, "rule").orElseThrow().getValue();
        assertThat(rule.getSystem()).isEqualTo("http://psychcode.org/fhir/CodeSystem/billing-rule");
        out.put(rule.getCode(), List.of(((org.hl7.fhir.r4.model.IntegerType) part(f, "count").orElseThrow().getValue()).getValue(), decimal(f, "rate")));
      }
    }
    return out;
  }

  static void sameDecimals(Map<String, List<Object>> actual, Map<String, List<Object>> expected) {
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (k, v) -> {
          List<Object> a = actual.get(k);
          for (int i = 0; i < v.size(); i++) {
            if (v.get(i) instanceof BigDecimal d) {
              assertThat((BigDecimal) a.get(i)).as(k + "[" + i + "]").isEqualByComparingTo(d);
            } else {
              assertThat(a.get(i)).as(k + "[" + i + "]").isEqualTo(v.get(i));
            }
          }
        });
  }

  /** Posts visits in one transaction and answers the ids of what it created, by type (in the order posted). */
  Map<String, List<String>> store(List<Visit> visits) throws Exception {
    HttpResponse<String> r = send("POST", "", Visits.transaction(visits));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (Bundle.BundleEntryComponent e : FHIR.newJsonParser().parseResource(Bundle.class, r.body()).getEntry()) {
      String[] location = e.getResponse().getLocation().split("/");
      ids.computeIfAbsent(location[0], k -> new ArrayList<>()).add(location[1]);
    }
    return ids;
  }

  /** The reporting rows follow every write: update, delete, a withdrawn status, an encounter corrected afterwards. */
  @Nested
  class RowsFollowTheStore {

    static final LocalDate DAY = LocalDate.of(2032, 3, 2);

    @Test
    void anUpdatedClaimIsCountedAsItNowStandsAndADeletedOneNotAtAll() throws Exception {
      put("rpt-upkeep-1", SOCIAL_WORKER, "Upkeep");
      Map<String, List<String>> ids = store(List.of(sw("rpt-upkeep-1", DAY).minutes(45).bills("90834"), sw("rpt-upkeep-1", DAY.plusDays(1)).minutes(45).bills("90834")));
      String first = ids.get("Claim").get(0);
      assertThat(codes(profile("rpt-upkeep-1", "?start=2032")).keySet()).containsExactly("90834");

      org.hl7.fhir.r4.model.Claim claim = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Claim.class, send("GET", "/Claim/" + first, null).body());
      claim.getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("90832");
      String encounter = claim.getItemFirstRep().getEncounterFirstRep().getReference();
      HttpResponse<String> enc = send("GET", "/" + encounter, null);
      org.hl7.fhir.r4.model.Encounter e = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Encounter.class, enc.body());
      e.getLength().setValue(30);
      e.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(DAY + "T10:30:00-05:00"));
      assertThat(send("PUT", "/" + encounter, FHIR.newJsonParser().encodeResourceToString(e)).statusCode()).isEqualTo(200);
      assertThat(send("PUT", "/Claim/" + first, FHIR.newJsonParser().encodeResourceToString(claim)).statusCode()).isEqualTo(200);
      Parameters p = profile("rpt-upkeep-1", "?start=2032");
      assertThat(integer(p, "lines")).isEqualTo(2);
      assertThat(codes(p).keySet()).containsExactlyInAnyOrder("90832", "90834");

      assertThat(send("DELETE", "/Claim/" + ids.get("Claim").get(1), null).statusCode()).isEqualTo(200);
      p = profile("rpt-upkeep-1", "?start=2032");
      assertThat(integer(p, "claims")).isEqualTo(1);
      assertThat(codes(p).keySet()).containsExactly("90832");
    }

    @Test
    void aCancelledOrEnteredInErrorClaimIsNotCounted() throws Exception {
      put("rpt-upkeep-2", SOCIAL_WORKER, "Upkeep");
      String id = store(List.of(sw("rpt-upkeep-2", DAY).minutes(45).bills("90834"))).get("Claim").get(0);
      org.hl7.fhir.r4.model.Claim claim = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Claim.class, send("GET", "/Claim/" + id, null).body());
      claim.setStatus(org.hl7.fhir.r4.model.Claim.ClaimStatus.ENTEREDINERROR);
      assertThat(send("PUT", "/Claim/" + id, FHIR.newJsonParser().encodeResourceToString(claim)).statusCode()).isEqualTo(200);

      assertThat(integer(profile("rpt-upkeep-2", "?start=2032"), "lines")).isZero();
    }

    @Test
    void anEncounterGivenItsTimeAfterwardsClearsTheFindingAndTheSignal() throws Exception {
      put("rpt-upkeep-3", SOCIAL_WORKER, "Upkeep");
      HttpResponse<String> r = send("POST", "/Claim/$submit", Visits.submission(sw("rpt-upkeep-3", DAY).minutes(null).bills("90834")));
      ClaimResponse cr = FHIR.newJsonParser().parseResource(ClaimResponse.class, r.body());
      Parameters before = profile("rpt-upkeep-3", "?start=2032");
      assertThat(findings(before)).containsOnlyKeys("time-missing");
      assertThat(signals(before)).extracting(s -> s[0]).containsExactly("time-not-recorded");

      String claimId = cr.getRequest().getReferenceElement().getIdPart();
      org.hl7.fhir.r4.model.Claim claim = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Claim.class, send("GET", "/Claim/" + claimId, null).body());
      String encounter = claim.getItemFirstRep().getEncounterFirstRep().getReference();
      org.hl7.fhir.r4.model.Encounter e = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Encounter.class, send("GET", "/" + encounter, null).body());
      e.getLength().setValue(45).setUnit("min").setSystem("http://unitsofmeasure.org").setCode("min");
      assertThat(send("PUT", "/" + encounter, FHIR.newJsonParser().encodeResourceToString(e)).statusCode()).isEqualTo(200);

      Parameters after = profile("rpt-upkeep-3", "?start=2032");
      assertThat(findings(after)).isEmpty();
      assertThat(signals(after)).isEmpty();
    }

    @Test
    void aClaimPostedBeforeItsEncounterInOneTransactionReadsTheEncountersTime() throws Exception {
      put("rpt-upkeep-4", SOCIAL_WORKER, "Upkeep");
      List<String> entries = sw("rpt-upkeep-4", DAY).minutes(45).bills("90834").entries(true);
      String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries.get(0) + "," + entries.get(2) + "," + entries.get(1) + "]}";
      HttpResponse<String> r = send("POST", "", bundle);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

      Parameters p = profile("rpt-upkeep-4", "?start=2032");
      assertThat(integer(p, "lines")).isEqualTo(1);
      assertThat(findings(p)).isEmpty();
      assertThat(signals(p)).isEmpty();
    }
  }

  /** What the seeded visits bill in 2031, counted by the test itself: stratifier to stratum to lines. */
  Map<String, Map<String, Integer>> expectedStrata() {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (Visit v : seeded) {
      for (String code : v.codes) {
        out.computeIfAbsent("billed-code", k -> new java.util.TreeMap<>()).merge(code, 1, Integer::sum);
        out.computeIfAbsent("session-type", k -> new java.util.TreeMap<>()).merge(v.sessionType, 1, Integer::sum);
        out.computeIfAbsent("diagnosis-category", k -> new java.util.TreeMap<>()).merge(v.diagnosis.substring(0, 3), 1, Integer::sum);
        out.computeIfAbsent("telehealth", k -> new java.util.TreeMap<>()).merge(v.telehealth ? "telehealth" : "in-person", 1, Integer::sum);
        out.computeIfAbsent("month", k -> new java.util.TreeMap<>()).merge(java.time.YearMonth.from(v.date).toString(), 1, Integer::sum);
      }
    }
    return out;
  }

  static Map<String, Map<String, Integer>> strata(org.hl7.fhir.r4.model.MeasureReport mr) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (var s : mr.getGroupFirstRep().getStratifier()) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      s.getStratum().forEach(st -> counts.put(st.getValue().getText(), st.getPopulationFirstRep().getCount()));
      out.put(s.getCodeFirstRep().getText(), counts);
    }
    return out;
  }

  @Nested
  class UtilizationMeasure {

    static final String EVALUATE = "/Measure/behavioral-health-utilization/$evaluate-measure";

    org.hl7.fhir.r4.model.MeasureReport evaluate(String query) throws Exception {
      HttpResponse<String> r = send("GET", EVALUATE + query, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.MeasureReport.class, r.body());
    }

    @Test
    void theSummaryCountsEveryLineOfTheYearByEachStratifier() throws Exception {
      org.hl7.fhir.r4.model.MeasureReport mr = evaluate("?periodStart=2031-01-01&periodEnd=2031-12-31");

      int lines = seeded.stream().mapToInt(v -> v.codes.size()).sum();
      assertThat(mr.getType()).isEqualTo(org.hl7.fhir.r4.model.MeasureReport.MeasureReportType.SUMMARY);
      assertThat(mr.getStatus()).isEqualTo(org.hl7.fhir.r4.model.MeasureReport.MeasureReportStatus.COMPLETE);
      assertThat(mr.getMeasure()).isEqualTo("http://psychcode.org/fhir/Measure/behavioral-health-utilization");
      assertThat(mr.getPeriod().getStartElement().getValueAsString()).isEqualTo("2031-01-01");
      assertThat(mr.getPeriod().getEndElement().getValueAsString()).isEqualTo("2031-12-31");
      assertThat(mr.getGroupFirstRep().getPopulationFirstRep().getCode().getCodingFirstRep().getCode()).isEqualTo("initial-population");
      assertThat(mr.getGroupFirstRep().getPopulationFirstRep().getCount()).isEqualTo(lines);
      assertThat(strata(mr)).isEqualTo(expectedStrata());
      for (var s : mr.getGroupFirstRep().getStratifier()) {
        assertThat(s.getStratum().stream().mapToInt(st -> st.getPopulationFirstRep().getCount()).sum()).as(s.getCodeFirstRep().getText()).isEqualTo(lines);
      }
      var code = mr.getGroupFirstRep().getStratifier().get(0).getStratum().stream().filter(st -> st.getValue().getText().equals("90847")).findFirst().orElseThrow();
      assertThat(code.getValue().getCodingFirstRep().getSystem()).isEqualTo("http://www.ama-assn.org/go/cpt");
    }

    @Test
    void theTotalAndEachCodeAgreeWithTheClaimsTheStoreAnswersToASearch() throws Exception {
      Map<String, Integer> direct = new java.util.TreeMap<>();
      String next = "/Claim?created=ge2031-01-01&created=le2031-12-31&_count=200";
      while (next != null) {
        Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, send("GET", next, null).body());
        for (Bundle.BundleEntryComponent e : page.getEntry()) {
          org.hl7.fhir.r4.model.Claim c = (org.hl7.fhir.r4.model.Claim) e.getResource();
          c.getItem().forEach(i -> direct.merge(i.getProductOrService().getCodingFirstRep().getCode(), 1, Integer::sum));
        }
        next = page.getLink("next") == null ? null : page.getLink("next").getUrl();
      }
      org.hl7.fhir.r4.model.MeasureReport mr = evaluate("?periodStart=2031&periodEnd=2031");

      assertThat(mr.getGroupFirstRep().getPopulationFirstRep().getCount()).isEqualTo(direct.values().stream().mapToInt(Integer::intValue).sum());
      assertThat(strata(mr).get("billed-code")).isEqualTo(direct);
    }

    @Test
    void acceptTextCsvAnswersTheSameCountsAsCsv() throws Exception {
      HttpResponse<String> r = send("GET", EVALUATE + "?periodStart=2031-01-01&periodEnd=2031-12-31", null, "Accept", "text/csv");

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      List<String> rows = r.body().lines().toList();
      assertThat(rows.get(0)).isEqualTo("stratifier,stratum,display,count");
      assertThat(rows.get(1)).isEqualTo("initial-population,,Claim lines from 2031-01-01 to 2031-12-31," + seeded.stream().mapToInt(v -> v.codes.size()).sum());
      Map<String, Map<String, Integer>> csv = new LinkedHashMap<>();
      for (String row : rows.subList(2, rows.size())) {
        List<String> f = csvFields(row);
        csv.computeIfAbsent(f.get(0), k -> new java.util.TreeMap<>()).put(f.get(1), Integer.parseInt(f.get(3)));
      }
      assertThat(csv).isEqualTo(expectedStrata());
      assertThat(r.body()).contains("90834,\"Individual psychotherapy, about 45 min\",");
    }

    @Test
    void aPostedParametersAsksTheSame() throws Exception {
      String body = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"periodStart\",\"valueDate\":\"2031-07-01\"},"
          + "{\"name\":\"periodEnd\",\"valueDate\":\"2031-08-31\"},{\"name\":\"reportType\",\"valueCode\":\"summary\"}]}";
      HttpResponse<String> r = send("POST", EVALUATE, body);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      org.hl7.fhir.r4.model.MeasureReport mr = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.MeasureReport.class, r.body());
      assertThat(strata(mr).get("billed-code")).isEqualTo(Map.of("90847", 3));
      assertThat(strata(mr).get("telehealth")).isEqualTo(Map.of("in-person", 2, "telehealth", 1));
      assertThat(strata(mr).get("session-type")).isEqualTo(Map.of("family-with-patient", 3));
      assertThat(strata(mr).get("month")).isEqualTo(Map.of("2031-07", 2, "2031-08", 1));
    }

    @Test
    void theMeasureIsPublishedAndWhatCannotBeEvaluatedIsRefused() throws Exception {
      HttpResponse<String> measure = send("GET", "/Measure/behavioral-health-utilization", null);
      assertThat(measure.statusCode()).isEqualTo(200);
      assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Measure.class, measure.body()).getUrl())
          .isEqualTo("http://psychcode.org/fhir/Measure/behavioral-health-utilization");

      assertThat(send("GET", "/Measure/other/$evaluate-measure?periodStart=2031&periodEnd=2031", null).statusCode()).isEqualTo(404);
      for (String query : List.of("", "?periodStart=2031", "?periodStart=2031&periodEnd=2030", "?periodStart=2031&periodEnd=2031&reportType=subject-list",
          "?periodStart=2031&periodEnd=2031&subject=Patient/1", "?periodStart=soon&periodEnd=2031")) {
        HttpResponse<String> r = send("GET", EVALUATE + query, null);
        assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
        assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getSeverity())
            .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      }
    }
  }

  // ---- bulk export ------------------------------------------------------------------------------------------

  /** A finished export: its manifest, and each file's lines parsed, by file url. */
  record Export(com.fasterxml.jackson.databind.JsonNode manifest, Map<String, List<org.hl7.fhir.r4.model.Resource>> files) {

    List<com.fasterxml.jackson.databind.JsonNode> entries(String field) {
      List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
      manifest.path(field).forEach(out::add);
      return out;
    }

    /** Type/id of every resource in the output files of one type, in the order read. */
    List<String> ids(String type) {
      List<String> out = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode e : entries("output")) {
        if (e.path("type").asText().equals(type)) {
          files.get(e.path("url").asText()).forEach(r -> out.add(r.fhirType() + "/" + r.getIdElement().getIdPart()));
        }
      }
      return out;
    }

    java.util.Set<String> types() {
      java.util.Set<String> out = new java.util.TreeSet<>();
      entries("output").forEach(e -> out.add(e.path("type").asText()));
      return out;
    }
  }

  static final com.fasterxml.jackson.databind.ObjectMapper JSON_READER = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Kicks an export off and answers its status URL. */
  String kickOff(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null, "Prefer", "respond-async", "Accept", "application/fhir+json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return r.headers().firstValue("Content-Location").orElseThrow();
  }

  /** Polls the status URL (of this server or another) until the manifest comes, then downloads every file. */
  Export finish(String status) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    HttpResponse<String> r = send("GET", status, null);
    while (r.statusCode() == 202) {
      assertThat(r.headers().firstValue("X-Progress")).isPresent();
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(System.currentTimeMillis()).as("the export finishes").isLessThan(deadline);
      Thread.sleep(100);
      r = send("GET", status, null);
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(r.headers().firstValue("Expires")).isPresent();
    com.fasterxml.jackson.databind.JsonNode manifest = JSON_READER.readTree(r.body());
    Map<String, List<org.hl7.fhir.r4.model.Resource>> files = new LinkedHashMap<>();
    for (String field : List.of("output", "deleted", "error")) {
      for (com.fasterxml.jackson.databind.JsonNode e : manifest.path(field)) {
        String url = e.path("url").asText();
        HttpResponse<String> f = send("GET", url, null, "Accept", "application/fhir+ndjson");
        assertThat(f.statusCode()).as(f.body()).isEqualTo(200);
        assertThat(f.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+ndjson");
        List<org.hl7.fhir.r4.model.Resource> lines = new ArrayList<>();
        for (String line : f.body().split("\n")) {
          if (!line.isEmpty()) {
            org.hl7.fhir.r4.model.Resource res = (org.hl7.fhir.r4.model.Resource) FHIR.newJsonParser().parseResource(line);
            assertThat(res.fhirType()).isEqualTo(e.path("type").asText());
            lines.add(res);
          }
        }
        assertThat(f.body()).as("NDJSON: one resource a line, each line ended").endsWith("\n");
        assertThat((long) lines.size()).as(url).isEqualTo(e.path("count").asLong());
        files.put(url, lines);
      }
    }
    return new Export(manifest, files);
  }

  /** Every current resource of a type, as Type/id, by paging through a search. */
  java.util.Set<String> stored(String type, String query) throws Exception {
    java.util.Set<String> out = new java.util.TreeSet<>();
    String next = "/" + type + "?_count=1000" + query;
    while (next != null) {
      Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, send("GET", next, null).body());
      page.getEntry().forEach(e -> out.add(type + "/" + e.getResource().getIdElement().getIdPart()));
      next = page.getLink("next") == null ? null : page.getLink("next").getUrl();
    }
    return out;
  }

  @Nested
  class BulkExport {

    static final LocalDate DAY = LocalDate.of(2033, 5, 10);

    @Test
    void aSystemExportHoldsEveryStoredResourceOnceAsParseableNdjson() throws Exception {
      String status = kickOff("/$export");
      Export export = finish(status);

      assertThat(export.manifest().path("requiresAccessToken").asBoolean()).isFalse();
      assertThat(export.manifest().path("request").asText()).isEqualTo(base() + "/$export");
      assertThat(export.manifest().path("transactionTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
      assertThat(export.entries("error")).isEmpty();
      assertThat(export.manifest().has("deleted")).isFalse();
      for (String type : List.of("Patient", "Practitioner", "Encounter", "Claim", "ClaimResponse")) {
        List<String> ids = export.ids(type);
        assertThat(ids).as(type + " once each").doesNotHaveDuplicates();
        assertThat(new java.util.TreeSet<>(ids)).as(type).isEqualTo(stored(type, ""));
      }
      assertThat(export.ids("Practitioner")).contains("Practitioner/rpt-sw-long", "Practitioner/rpt-psych");
    }

    @Test
    void aTypeOfMoreResourcesThanOneReadIsExportedWholeInTheOrderStored() throws Exception {
      int many = 1_100; // more than two of the store's reads of 500 rows, in two transactions (at most 1,000 entries each)
      for (int from = 0; from < many; from += many / 2) {
        StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = from; i < from + many / 2; i++) {
          bundle.append(i == from ? "" : ",")
              .append("{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Manyfold\",\"given\":[\"")
              .append(i)
              .append("\"]}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
        }
        HttpResponse<String> stored = send("POST", "", bundle.append("]}").toString());
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
      }

      Export export = finish(kickOff("/$export?_type=Patient"));

      List<String> ids = export.ids("Patient");
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(new java.util.TreeSet<>(ids)).isEqualTo(stored("Patient", ""));
      List<Integer> order = new ArrayList<>();
      for (String url : export.entries("output").stream().map(e -> e.path("url").asText()).toList()) {
        for (org.hl7.fhir.r4.model.Resource r : export.files().get(url)) {
          org.hl7.fhir.r4.model.Patient p = (org.hl7.fhir.r4.model.Patient) r;
          if ("Manyfold".equals(p.getNameFirstRep().getFamily())) {
            order.add(Integer.valueOf(p.getNameFirstRep().getGivenAsSingleString()));
          }
        }
      }
      assertThat(order).hasSize(many).isSorted();
    }

    @Test
    void theCapabilityStatementSaysTheServerIsABulkDataServer() throws Exception {
      org.hl7.fhir.r4.model.CapabilityStatement cs =
          FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.CapabilityStatement.class, send("GET", "/metadata", null).body());

      assertThat(cs.getInstantiates())
          .extracting(org.hl7.fhir.r4.model.CanonicalType::getValue)
          .contains("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data", "http://hl7.org/fhir/CapabilityStatement/terminology-server");
      assertThat(cs.getRestFirstRep().getOperation()).extracting(o -> o.getName()).contains("export");
      assertThat(cs.getRestFirstRep().getResource())
          .filteredOn(r -> r.getType().equals("Patient") || r.getType().equals("Group"))
          .allSatisfy(r -> assertThat(r.getOperation()).extracting(o -> o.getName()).contains("export"));
    }

    @Test
    void theAuditTrailIsExportedOnlyWhenTypeNamesIt() throws Exception {
      assertThat(send("POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Audited\"}]}").statusCode()).isEqualTo(201);
      assertThat(finish(kickOff("/$export")).types()).doesNotContain("AuditEvent").contains("Patient");
      Export audit = finish(kickOff("/$export?_type=AuditEvent"));
      assertThat(audit.types()).containsExactly("AuditEvent");
      assertThat(audit.files().values()).allSatisfy(lines -> assertThat(lines).isNotEmpty());
    }

    @Test
    void sinceHoldsWhatChangedAfterItAndListsWhatWasDeleted() throws Exception {
      put("rpt-export", SOCIAL_WORKER, "Export");
      Map<String, List<String>> before = store(List.of(sw("rpt-export", DAY).minutes(45).bills("90834")));
      String since = finish(kickOff("/$export?_type=Claim")).manifest().path("transactionTime").asText();

      Map<String, List<String>> after = store(List.of(sw("rpt-export", DAY.plusDays(1)).minutes(45).bills("90834")));
      put("rpt-export", SOCIAL_WORKER, "Exported");
      assertThat(send("DELETE", "/Claim/" + before.get("Claim").get(0), null).statusCode()).isEqualTo(200);
      Export export = finish(kickOff("/$export?_since=" + since.replace("+", "%2B")));

      assertThat(export.types()).containsExactlyInAnyOrder("Patient", "Encounter", "Claim", "Practitioner");
      assertThat(export.ids("Patient")).containsExactly("Patient/" + after.get("Patient").get(0));
      assertThat(export.ids("Encounter")).containsExactly("Encounter/" + after.get("Encounter").get(0));
      assertThat(export.ids("Claim")).containsExactly("Claim/" + after.get("Claim").get(0));
      assertThat(export.ids("Practitioner")).containsExactly("Practitioner/rpt-export");
      List<org.hl7.fhir.r4.model.Resource> deleted = export.files().get(export.entries("deleted").get(0).path("url").asText());
      assertThat(deleted).singleElement().satisfies(b -> {
        Bundle bundle = (Bundle) b;
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(bundle.getEntryFirstRep().getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
        assertThat(bundle.getEntryFirstRep().getRequest().getUrl()).isEqualTo("Claim/" + before.get("Claim").get(0));
      });
    }

    @Test
    void aResourceChangedDeletedOrCreatedAfterTheKickOffIsExportedAsItStoodThen() throws Exception {
      String later = "Later" + System.nanoTime(); // what was written after the kick-off, this run
      String changed = "{\"resourceType\":\"Patient\",\"id\":\"exp-changed\",\"name\":[{\"family\":\"%s\"}]}";
      assertThat(send("PUT", "/Patient/exp-changed", changed.formatted("AsItStood")).statusCode()).isIn(200, 201);
      assertThat(send("PUT", "/Patient/exp-gone", "{\"resourceType\":\"Patient\",\"id\":\"exp-gone\"}").statusCode()).isIn(200, 201);

      String status = kickOff("/$export?_type=Patient");
      assertThat(send("PUT", "/Patient/exp-changed", changed.formatted(later)).statusCode()).isEqualTo(200);
      assertThat(send("DELETE", "/Patient/exp-gone", null).statusCode()).isEqualTo(200);
      assertThat(send("POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + later + "\"}]}").statusCode()).isEqualTo(201);
      Export export = finish(status);

      List<String> ids = export.ids("Patient");
      assertThat(ids).doesNotHaveDuplicates().contains("Patient/exp-changed", "Patient/exp-gone");
      for (List<org.hl7.fhir.r4.model.Resource> lines : export.files().values()) {
        for (org.hl7.fhir.r4.model.Resource r : lines) {
          org.hl7.fhir.r4.model.Patient p = (org.hl7.fhir.r4.model.Patient) r;
          assertThat(p.getNameFirstRep().getFamily()).as(p.getId()).isNotEqualTo(later);
          if (p.getIdElement().getIdPart().equals("exp-changed")) {
            assertThat(p.getNameFirstRep().getFamily()).isEqualTo("AsItStood");
          }
        }
      }
    }

    @Test
    void aWriteStampedBeforeTheKickOffButCommittedAfterItIsInTheExportAndInItsCount() throws Exception {
      // a write transaction stamps an AuditEvent and stays open while the export is kicked off
      java.util.concurrent.CountDownLatch stamped = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      org.hl7.fhir.r4.model.AuditEvent held = new org.hl7.fhir.r4.model.AuditEvent();
      held.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"))
          .setRecorded(new java.util.Date())
          .setSource(new org.hl7.fhir.r4.model.AuditEvent.AuditEventSourceComponent().setObserver(new org.hl7.fhir.r4.model.Reference().setDisplay("held open")))
          .addAgent().setRequestor(true).setWho(new org.hl7.fhir.r4.model.Reference().setDisplay("a slow writer"));
      Thread writer =
          new Thread(
              () ->
                  resources.inTransaction(
                      () -> {
                        resources.record("AuditEvent", held);
                        stamped.countDown();
                        try {
                          // long enough for an export that does not wait for it to be counted meanwhile
                          release.await(3, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return null;
                      }));
      writer.start();
      assertThat(stamped.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      // the kick-off answers once the write has ended (or, were it not to wait, right away)
      String status = kickOff("/$export?_type=AuditEvent");
      long deadline = System.currentTimeMillis() + 120_000;
      while (send("GET", status, null).statusCode() != 200 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      // the files are counted; only now may the write commit, if it has not yet
      release.countDown();
      writer.join();

      Export export = finish(status); // checks every file's lines against the manifest's count
      assertThat(export.ids("AuditEvent")).contains("AuditEvent/" + held.getIdElement().getIdPart());
    }

    @Test
    void aGroupExportHoldsItsMembersCompartmentsOnly() throws Exception {
      put("rpt-group", SOCIAL_WORKER, "Group");
      List<Visit> visits = List.of(sw("rpt-group", DAY).minutes(45).bills("90834"), sw("rpt-group", DAY).minutes(50).bills("90834"), sw("rpt-group", DAY).minutes(40).bills("90834"));
      Map<String, List<String>> ids = store(visits);
      List<String> members = ids.get("Patient").subList(0, 2);
      String group =
          "{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/" + members.get(0)
              + "\"}},{\"entity\":{\"reference\":\"Patient/" + members.get(1) + "\"}}]}";
      HttpResponse<String> created = send("POST", "/Group", group);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String groupId = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Group.class, created.body()).getIdElement().getIdPart();

      Export export = finish(kickOff("/Group/" + groupId + "/$export"));

      assertThat(export.types()).containsExactlyInAnyOrder("Patient", "Encounter", "Claim", "Group");
      assertThat(export.ids("Patient")).containsExactlyInAnyOrder("Patient/" + members.get(0), "Patient/" + members.get(1));
      assertThat(export.ids("Encounter")).containsExactlyInAnyOrder("Encounter/" + ids.get("Encounter").get(0), "Encounter/" + ids.get("Encounter").get(1));
      assertThat(export.ids("Claim")).containsExactlyInAnyOrder("Claim/" + ids.get("Claim").get(0), "Claim/" + ids.get("Claim").get(1));
      assertThat(export.ids("Group")).containsExactly("Group/" + groupId);

      String onlyClaims = finish(kickOff("/Group/" + groupId + "/$export?_type=Claim,Patient")).manifest().path("output").toString();
      assertThat(onlyClaims).contains("\"Claim\"").contains("\"Patient\"").doesNotContain("Encounter");
    }

    @Test
    void aPatientExportHoldsEveryPatientsCompartmentAndNothingOutsideIt() throws Exception {
      Export export = finish(kickOff("/Patient/$export"));

      assertThat(export.types()).doesNotContain("Practitioner", "Organization", "PractitionerRole").contains("Patient", "Encounter", "Claim");
      assertThat(new java.util.TreeSet<>(export.ids("Encounter"))).isEqualTo(stored("Encounter", ""));
      assertThat(new java.util.TreeSet<>(export.ids("Patient"))).isEqualTo(stored("Patient", ""));

      String body = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\",\"valueString\":\"Patient,Claim\"},"
          + "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/" + stored("Patient", "").iterator().next().substring(8) + "\"}}]}";
      HttpResponse<String> posted = send("POST", "/Patient/$export", body, "Prefer", "respond-async");
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      Export one = finish(posted.headers().firstValue("Content-Location").orElseThrow());
      assertThat(one.ids("Patient")).hasSize(1);
      assertThat(one.manifest().path("request").asText()).isEqualTo(base() + "/Patient/$export");
    }

    @Test
    void aCancelledExportIsGone() throws Exception {
      String status = kickOff("/$export");

      HttpResponse<String> cancelled = send("DELETE", status, null);
      assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
      HttpResponse<String> after = send("GET", status, null);
      assertThat(after.statusCode()).isEqualTo(404);
      assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, after.body()).getIssueFirstRep().getCode())
          .isEqualTo(OperationOutcome.IssueType.NOTFOUND);
      assertThat(send("DELETE", status, null).statusCode()).isEqualTo(404);
    }

    @Test
    void whatTheServerCannotExportIsRefusedUnlessTheClientIsLenient() throws Exception {
      assertThat(send("GET", "/$export", null).statusCode()).as("without Prefer: respond-async").isEqualTo(400);
      for (String query : List.of("?_type=Nonsense", "?_outputFormat=text/csv", "?_typeFilter=Claim%3Fstatus%3Dactive", "?_elements=id", "?_since=soon", "?includeAssociatedData=LatestProvenanceResources")) {
        HttpResponse<String> r = send("GET", "/$export" + query, null, "Prefer", "respond-async");
        assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
        assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      }
      assertThat(send("GET", "/Patient/$export?_type=Practitioner", null, "Prefer", "respond-async").statusCode()).isEqualTo(400);
      assertThat(send("GET", "/Group/rpt-no-such-group/$export", null, "Prefer", "respond-async").statusCode()).isEqualTo(404);
      assertThat(send("GET", "/$export-poll-status?_jobId=nope", null).statusCode()).isEqualTo(404);

      HttpResponse<String> lenient = send("GET", "/$export?_type=Practitioner,Nonsense&_elements=id", null, "Prefer", "respond-async, handling=lenient");
      assertThat(lenient.statusCode()).as(lenient.body()).isEqualTo(202);
      Export export = finish(lenient.headers().firstValue("Content-Location").orElseThrow());
      assertThat(export.types()).containsExactly("Practitioner");
      List<String> notes = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode e : export.entries("error")) {
        assertThat(e.path("type").asText()).isEqualTo("OperationOutcome");
        export.files().get(e.path("url").asText()).forEach(oo -> notes.add(((OperationOutcome) oo).getIssueFirstRep().getDiagnostics()));
      }
      assertThat(notes).hasSize(2).anyMatch(n -> n.contains("Nonsense")).anyMatch(n -> n.contains("_elements"));
    }
  }

  @org.springframework.beans.factory.annotation.Autowired javax.sql.DataSource dataSource;

  /** Two servers on one database, as behind a load balancer: a job is the database's, not a server's. */
  @Nested
  class TwoServersOnOneDatabase {

    @Test
    void eitherServerAnswersTheStatusServesTheFilesAndFinishesAJobTheOtherLeft() throws Exception {
      com.zaxxer.hikari.HikariDataSource hikari = (com.zaxxer.hikari.HikariDataSource) dataSource;
      try (org.springframework.context.ConfigurableApplicationContext other =
          new org.springframework.boot.builder.SpringApplicationBuilder(org.psychcode.fhir.PsychCodeApplication.class)
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + hikari.getJdbcUrl(),
                  "--spring.datasource.username=" + hikari.getUsername(),
                  "--spring.datasource.password=" + (hikari.getPassword() == null ? "" : hikari.getPassword()),
                  "--psychcode.validation.warm-up=off",
                  "--psychcode.terminology.warm-up-millis=0",
                  // the other server cuts a type into files of 7: each file read from its own first key
                  "--psychcode.export.max-file-resources=7")) {
        int otherPort = ((org.springframework.boot.web.context.WebServerApplicationContext) other).getWebServer().getPort();
        String otherBase = "http://localhost:" + otherPort + "/fhir";

        String status = kickOff("/$export?_type=Practitioner,Claim");
        Export here = finish(status);
        Export there = finish(status.replace(base(), otherBase));
        assertThat(there.entries("output")).allSatisfy(e -> assertThat(e.path("url").asText()).startsWith(otherBase + "/"));
        assertThat(there.ids("Claim")).isEqualTo(here.ids("Claim"));
        assertThat(there.ids("Practitioner")).isEqualTo(here.ids("Practitioner"));

        // a job whose server stopped before it finished: its claim lapses, and a server that is running takes it over
        String jobId = status.substring(status.indexOf("_jobId=") + 7);
        org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        jdbc.update("UPDATE export_job SET state = 'running', owner = 'a-stopped-server', lease_until = 0 WHERE job_id = ?", jobId);
        jdbc.update("DELETE FROM export_file WHERE job_id = ?", jobId);
        assertThat(send("GET", status, null).statusCode()).isEqualTo(202);
        Export resumed = finish(status.replace(base(), otherBase));
        assertThat(resumed.ids("Claim")).isEqualTo(here.ids("Claim"));
        assertThat(jdbc.queryForObject("SELECT owner FROM export_job WHERE job_id = ?", String.class, jobId)).isNotEqualTo("a-stopped-server");

        // kicked off there, the Claims come in files of 7, each read from its own first key: together every Claim once, in order
        HttpResponse<String> kicked = send("GET", otherBase + "/$export?_type=Claim", null, "Prefer", "respond-async", "Accept", "application/fhir+json");
        assertThat(kicked.statusCode()).as(kicked.body()).isEqualTo(202);
        Export small = finish(kicked.headers().firstValue("Content-Location").orElseThrow());
        assertThat(small.entries("output")).hasSizeGreaterThan(2);
        assertThat(small.ids("Claim")).isEqualTo(here.ids("Claim"));

        assertThat(send("DELETE", status.replace(base(), otherBase), null).statusCode()).isEqualTo(202);
        assertThat(send("GET", status, null).statusCode()).isEqualTo(404);
      }
    }
  }

  /** The fields of one CSV row (RFC 4180 quoting). */
  static List<String> csvFields(String row) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < row.length(); i++) {
      char c = row.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    out.add(f.toString());
    return out;
  }

  @Nested
  class CodingProfile {

    @Test
    void theLongSessionBillerIsAboveThePeersNinetiethPercentileAndBunchedAtFiftyThreeMinutes() throws Exception {
      Parameters p = profile2031("rpt-sw-long");

      assertThat(integer(p, "claims")).isEqualTo(20);
      assertThat(integer(p, "lines")).isEqualTo(20);
      // peers: the 9 other social workers; 90837 shares 0, 0, .1, .2, .2, .3, .3, .3 (rising), .4; pooled 21 of 102
      sameDecimals(
          codes(p),
          Map.of(
              "90837", code(16, "0.8", "0.2059", "100.0"),
              "90834", code(4, "0.2", "0.7941", "0.0")));
      assertThat(findings(p)).isEmpty();
      List<String[]> signals = signals(p);
      assertThat(signals).extracting(s -> s[0]).containsExactly("long-session-share", "time-clustering");
      assertThat(signals).extracting(s -> s[1]).containsExactly("warning", "warning");
      assertThat(signals.get(0)[2])
          .isEqualTo(
              "90837 (53 minutes or more) is 80% of your individual psychotherapy sessions (16 of 20); the 90th percentile among your 9"
                  + " peers (1041C0700X, Social Worker, Clinical) is 32%. A share this far above your peers' is what draws a payer's"
                  + " review: each 90837 session's record must show 53 minutes or more.");
      assertThat(signals.get(1)[2])
          .isEqualTo(
              "16 of your 16 90837 sessions with a recorded time (100%) lasted 53-55 minutes, just past the 53-minute minimum of 90837."
                  + " Session times bunched at the threshold of a longer code are a pattern auditors look for: bill each session's time as"
                  + " it was.");
    }

    @Test
    void aShareEqualToThePeersNinetiethPercentileRaisesNothing() throws Exception {
      // 0.4 against peers 0, 0, .1, .2, .2, .3, .3, .3, .8: the 90th percentile is .3 + .2 x .5 = .4 exactly
      Parameters p = profile2031("rpt-sw-p6");

      sameDecimals(codes(p), Map.of("90837", code(4, "0.4", "0.2946", "88.9"), "90834", code(6, "0.6", "0.7054", "11.1")));
      assertThat(signals(p)).isEmpty();
    }

    @Test
    void sessionsBilledWithoutATimeAreFindingsAndASignal() throws Exception {
      Parameters p = profile2031("rpt-sw-untimed");

      assertThat(integer(p, "claims")).isEqualTo(10);
      assertThat(integer(p, "lines")).isEqualTo(10);
      sameDecimals(findings(p), Map.of("time-missing", List.of(2, new BigDecimal("0.2"))));
      assertThat(signals(p)).singleElement().satisfies(s -> {
        assertThat(s[0]).isEqualTo("time-not-recorded");
        assertThat(s[1]).isEqualTo("error");
        assertThat(s[2]).startsWith("2 of your 10 sessions billed with a timed code (20%; 90834) have no recorded time");
      });
    }

    @Test
    void interactiveComplexityOnHalfTheSessionsIsFrequent() throws Exception {
      Parameters p = profile2031("rpt-sw-complex");

      assertThat(integer(p, "claims")).isEqualTo(12);
      assertThat(integer(p, "lines")).isEqualTo(18);
      // 90785 is 6 of the 18 lines; no peer bills it
      sameDecimals(codes(p), Map.of("90834", code(12, "1", "0.6636", "94.4"), "90785", code(6, "0.3333", "0", "100.0")));
      assertThat(signals(p)).singleElement().satisfies(s -> {
        assertThat(s[0]).isEqualTo("interactive-complexity-frequent");
        assertThat(s[2]).startsWith("90785 (interactive complexity) is billed with 6 of your 12 sessions that may carry it (50%); above 25%");
      });
    }

    @Test
    void aLongSessionShareRisingEveryMonthIsATrend() throws Exception {
      Parameters p = profile2031("rpt-sw-rising");

      assertThat(signals(p)).singleElement().satisfies(s -> {
        assertThat(s[0]).isEqualTo("rising-trend");
        assertThat(s[1]).isEqualTo("information");
        assertThat(s[2])
            .isEqualTo(
                "Your share of 90837 among individual psychotherapy sessions rose every month for 4 months: 2031-01: 0% (0 of 5),"
                    + " 2031-02: 20% (1 of 5), 2031-03: 40% (2 of 5), 2031-04: 60% (3 of 5). Check that the longer sessions are what the"
                    + " records show.");
      });
      // from February on, three rises are not there any more
      assertThat(signals(profile("rpt-sw-rising", "?start=2031-02-01&end=2031-12-31"))).extracting(s -> s[0]).doesNotContain("rising-trend");
    }

    @Test
    void aPsychiatristAloneInTheTaxonomyIsComparedWithEveryoneAndAddOnsWithoutEmAreFlagged() throws Exception {
      Parameters p = profile2031("rpt-psych");

      assertThat(integer(p, "claims")).isEqualTo(5);
      assertThat(integer(p, "lines")).isEqualTo(8);
      // the add-on family (90833, 90836, 90838) has no line among the peers: no peer figures for it
      sameDecimals(
          codes(p),
          Map.of(
              "99213", code(3, "0.375", "0", "100.0"),
              "90833", code(3, "0.6", null, null),
              "90836", code(2, "0.4", null, null)));
      sameDecimals(findings(p), Map.of("addon-without-primary", List.of(2, new BigDecimal("0.4"))));
      assertThat(signals(p)).singleElement().satisfies(s -> {
        assertThat(s[0]).isEqualTo("addon-without-em");
        assertThat(s[1]).isEqualTo("error");
        assertThat(s[2]).startsWith("2 psychotherapy add-on lines (2 \u00d7 90836) billed without an E/M visit on the same claim and date.");
      });
    }

    @Test
    void aYearOrAMonthStandsForAllItsDays() throws Exception {
      assertThat(integer(profile("rpt-sw-rising", "?start=2031&end=2031"), "lines")).isEqualTo(20);
      assertThat(integer(profile("rpt-sw-rising", "?start=2031-02&end=2031-03"), "lines")).isEqualTo(10);
      assertThat(integer(profile("rpt-sw-rising", "?start=2031-04-01"), "lines")).isEqualTo(5);
      assertThat(integer(profile("rpt-sw-rising", "?end=2030-12-31"), "lines")).isZero();
    }

    @Test
    void anUnknownPractitionerIsNotFound() throws Exception {
      HttpResponse<String> r = send("GET", "/Practitioner/rpt-nobody/$coding-profile?start=2031", null);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body()).getIssueFirstRep().getCode())
          .isEqualTo(OperationOutcome.IssueType.NOTFOUND);
    }

    @Test
    void badDatesAndUnknownParametersAreRefused() throws Exception {
      for (String query : List.of("?start=2031-13-01", "?start=yesterday", "?start=2031-05-01&end=2031-04-30", "?period=2031", "?start=2031&start=2032")) {
        HttpResponse<String> r = send("GET", "/Practitioner/rpt-sw-long/$coding-profile" + query, null);
        assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
        assertThat(r.body()).as(query).contains("OperationOutcome").doesNotContain("Exception");
      }
    }
  }
}
