package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Encounter/$suggest-codes} against the rules it must agree with: every suggestion, billed as it stands, passes
 * {@code $validate} with no finding about its lines, and every "billed as X" the rules say of a wrongly billed visit
 * names what the suggestion bills; on every example visit and on visits generated across each family's boundaries,
 * each session type, in person and by telehealth.
 */
class SuggestCodesContractTest extends ContractTestBase {

  /** The rules about the billed lines themselves; the rest (diagnosis, claim patient) are the claim's business. */
  static final Set<String> LINE_RULES =
      Set.of(
          "time-missing", "time-below-minimum", "time-code-mismatch", "session-type-missing", "session-type-mismatch",
          "addon-without-primary", "addon-invalid-primary", "crisis-units-mismatch", "same-day-conflict",
          "units-exceed-max", "telehealth-mismatch", "provider-scope");
  static final Pattern BILLED_AS = Pattern.compile("(?<!cannot be )billed as ([0-9A-Z]{5})(?: with ([0-9A-Z]{5}) x (\\d+))?");
  /** The rules whose sentence names the code the session should have been billed as. */
  static final Set<String> NAMING_RULES = Set.of("time-code-mismatch", "session-type-mismatch", "crisis-units-mismatch");

  record Line(String code, int units, List<String> modifiers, String place, String reason, List<String> encounters) {}

  record Suggested(String date, List<Line> lines, List<String> issues, List<String> encounters) {
    Set<String> codes() {
      Set<String> c = new TreeSet<>();
      lines.forEach(l -> c.add(l.code()));
      return c;
    }
  }

  List<Suggested> suggest(Bundle bundle, String taxonomy) throws Exception {
    HttpResponse<String> r =
        post("/Encounter/$suggest-codes" + (taxonomy == null ? "" : "?taxonomy=" + taxonomy), JSON, FHIR.newJsonParser().encodeResourceToString(bundle));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return read(FHIR.newJsonParser().parseResource(Parameters.class, r.body()));
  }

  static List<Suggested> read(Parameters p) {
    List<Suggested> out = new ArrayList<>();
    for (ParametersParameterComponent s : p.getParameter()) {
      assertThat(s.getName()).isEqualTo("suggestion");
      String date = null;
      List<Line> lines = new ArrayList<>();
      List<String> issues = new ArrayList<>();
      List<String> encounters = new ArrayList<>();
      for (ParametersParameterComponent part : s.getPart()) {
        switch (part.getName()) {
          case "date" -> date = ((DateType) part.getValue()).getValueAsString();
          case "encounter" -> encounters.add(((StringType) part.getValue()).getValue());
          case "issue" -> issues.add(((StringType) part.getValue()).getValue());
          case "patient" -> assertThat(part.getValue()).isInstanceOf(Reference.class);
          case "line" -> lines.add(line(part));
          default -> throw new AssertionError("unexpected part " + part.getName());
        }
      }
      out.add(new Suggested(date, lines, issues, encounters));
    }
    return out;
  }

  static Line line(ParametersParameterComponent l) {
    String code = null;
    int units = 0;
    String place = null;
    String reason = null;
    List<String> modifiers = new ArrayList<>();
    List<String> encounters = new ArrayList<>();
    for (ParametersParameterComponent part : l.getPart()) {
      Type v = part.getValue();
      switch (part.getName()) {
        case "code" -> {
          Coding c = (Coding) v;
          assertThat(c.getSystem()).isIn(Visit.CPT, Visit.HCPCS);
          assertThat(c.getDisplay()).isNotBlank();
          code = c.getCode();
        }
        case "units" -> units = ((org.hl7.fhir.r4.model.IntegerType) v).getValue();
        case "modifier" -> modifiers.add(((Coding) v).getCode());
        case "placeOfService" -> {
          assertThat(((Coding) v).getSystem()).isEqualTo(Visit.POS);
          place = ((Coding) v).getCode();
        }
        case "reason" -> reason = ((StringType) v).getValue();
        case "encounter" -> encounters.add(((StringType) v).getValue());
        default -> throw new AssertionError("unexpected line part " + part.getName());
      }
    }
    assertThat(code).isNotNull();
    assertThat(units).isPositive();
    assertThat(reason).isNotBlank();
    return new Line(code, units, modifiers, place, reason, encounters);
  }

  /** The Bundle's Claim with its lines replaced by the suggestion's, each pointing at its encounters. */
  static Bundle billedAsSuggested(Bundle bundle, List<Suggested> suggestions) {
    Bundle copy = bundle.copy();
    Claim claim =
        copy.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Claim.class::isInstance).map(Claim.class::cast).findFirst().orElseThrow();
    claim.getItem().clear();
    for (Suggested s : suggestions) {
      for (Line l : s.lines()) {
        Claim.ItemComponent item = claim.addItem();
        item.setSequence(claim.getItem().size());
        if (claim.hasCareTeam()) {
          item.addCareTeamSequence(claim.getCareTeamFirstRep().getSequence());
        }
        if (claim.hasDiagnosis()) {
          item.addDiagnosisSequence(claim.getDiagnosisFirstRep().getSequence());
        }
        String system = l.code().startsWith("G") || l.code().startsWith("H") ? Visit.HCPCS : Visit.CPT;
        item.setProductOrService(new CodeableConcept().addCoding(new Coding(system, l.code(), null)));
        if (s.date() != null) {
          item.setServiced(new DateType(s.date()));
        }
        if (l.place() != null) {
          item.setLocation(Visit.concept(Visit.POS, l.place()));
        }
        l.modifiers().forEach(m -> item.addModifier(Visit.concept(Visit.CPT, m)));
        item.setQuantity(new Quantity().setValue(l.units()));
        l.encounters().forEach(e -> item.addEncounter(new Reference(e)));
      }
    }
    return copy;
  }

  /** The rules about lines that a Claim billed as suggested raises; nothing when nothing is suggested. */
  Set<String> lineFindings(Bundle billed) throws Exception {
    boolean noLines = billed.getEntry().stream().anyMatch(e -> e.getResource() instanceof Claim c && c.getItem().isEmpty());
    if (noLines) {
      return Set.of();
    }
    Set<String> ids = new TreeSet<>(validate(billed).ids());
    ids.retainAll(LINE_RULES);
    return ids;
  }

  /** The codes named by the rules' "billed as X" (and "with Y x n") sentences. */
  static Set<String> billedAs(OperationOutcome oo, boolean crisis) {
    Set<String> codes = new TreeSet<>();
    for (var issue : oo.getIssue()) {
      String rule = issue.getDetails().getCodingFirstRep().getCode();
      if (rule == null || !NAMING_RULES.contains(rule) || (rule.equals("crisis-units-mismatch") && !crisis)) {
        continue;
      }
      Matcher m = BILLED_AS.matcher(issue.getDetails().getText() == null ? "" : issue.getDetails().getText());
      while (m.find()) {
        codes.add(m.group(1));
        if (m.group(2) != null) {
          codes.add(m.group(2) + " x " + m.group(3));
        }
      }
    }
    return codes;
  }

  static Set<String> asBilled(List<Suggested> suggestions) {
    Set<String> codes = new TreeSet<>();
    suggestions.forEach(s -> s.lines().forEach(l -> {
      codes.add(l.code());
      if (l.units() > 1 || l.code().equals("90840") || l.code().equals("G0018")) {
        codes.add(l.code() + " x " + l.units());
      }
    }));
    return codes;
  }

  // ---- the example visits ----------------------------------------------------------------------------------

  static Stream<Path> examples() throws Exception {
    return Files.list(Path.of("fhir-resources/examples")).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleVisitBilledAsSuggestedRaisesNoFindingAboutItsLinesAndTheRulesNameWhatItSuggests(Path example) throws Exception {
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(example));
    List<Suggested> suggestions = suggest(bundle, null);

    assertThat(suggestions).isNotEmpty().allSatisfy(s -> assertThat(s.lines().isEmpty() ? s.issues() : s.lines()).isNotEmpty());
    assertThat(lineFindings(billedAsSuggested(bundle, suggestions))).as(example + " billed as " + suggestions).isEmpty();
    assertThat(asBilled(suggestions)).as(example + " " + suggestions).containsAll(billedAs(validate(bundle).outcome(), true));
  }

  @Test
  void aTelehealthVisitIsAnsweredInTheContractsShape() throws Exception {
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("fhir-resources/examples/valid-telehealth.json")));
    HttpResponse<String> r = post("/Encounter/$suggest-codes", JSON, FHIR.newJsonParser().encodeResourceToString(bundle));
    assertThat(r.statusCode()).isEqualTo(200);
    Parameters p = FHIR.newJsonParser().parseResource(Parameters.class, r.body());
    List<Suggested> s = read(p);

    assertThat(s).singleElement().satisfies(one -> {
      assertThat(one.date()).isEqualTo("2025-03-04");
      assertThat(one.encounters()).singleElement().asString().startsWith("urn:uuid:");
      assertThat(one.issues()).isEmpty();
      assertThat(one.lines()).singleElement().satisfies(l -> {
        assertThat(l.code()).isEqualTo("90837");
        assertThat(l.units()).isEqualTo(1);
        assertThat(l.modifiers()).containsExactly("95");
        assertThat(l.place()).isEqualTo("10");
        assertThat(l.reason()).contains("60-minute").contains("53 minutes or more").contains("Telehealth");
        assertThat(l.encounters()).isEqualTo(one.encounters());
      });
    });
  }

  // ---- generated visits across the boundaries -------------------------------------------------------------

  record Case(String sessionType, int minutes, boolean virtual, String taxonomy, String em) {
    @Override
    public String toString() {
      return sessionType + " " + minutes + " min " + (virtual ? "VR" : "AMB") + " " + taxonomy + (em == null ? "" : " with " + em);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (boolean virtual : List.of(false, true)) {
      for (int m : List.of(15, 16, 37, 38, 52, 53, 90)) {
        all.add(Arguments.of(new Case("individual", m, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
        all.add(Arguments.of(new Case("individual", m, virtual, Visit.PSYCHIATRIST, "99214")));
      }
      for (String family : List.of("family-with-patient", "family-without-patient")) {
        for (int m : List.of(25, 26, 50)) {
          all.add(Arguments.of(new Case(family, m, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
        }
      }
      for (int m : List.of(29, 30, 74, 75, 104, 105, 134, 135)) {
        all.add(Arguments.of(new Case("crisis", m, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
      }
      all.add(Arguments.of(new Case("group", 60, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
      all.add(Arguments.of(new Case("multiple-family-group", 90, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
      all.add(Arguments.of(new Case("diagnostic-evaluation", 60, virtual, Visit.CLINICAL_SOCIAL_WORKER, null)));
      all.add(Arguments.of(new Case("diagnostic-evaluation", 60, virtual, Visit.PSYCHIATRIST, null)));
    }
    return all.stream();
  }

  static Visit visit(Case c) {
    Visit v = Visit.session(c.sessionType()).minutes(c.minutes()).provider(c.taxonomy());
    if (c.virtual()) {
      v.virtual();
    }
    if (c.em() != null) {
      v.withEncounter(e -> e.addType(Visit.concept(Visit.CPT, c.em())));
    }
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aGeneratedVisitBilledAsSuggestedRaisesNoFindingAboutItsLines(Case c) throws Exception {
    Visit v = visit(c);
    List<Suggested> s = suggest(v.bundle(), c.taxonomy());

    assertThat(s).hasSize(1);
    if (!s.get(0).lines().isEmpty()) {
      assertThat(validate(billedAsSuggested(v.bundle(), s)).ids()).as(c + " billed as " + s).isEmpty();
    }
    if (s.get(0).lines().isEmpty()) {
      assertThat(s.get(0).issues()).as(c.toString()).isNotEmpty();
    }
    if (c.virtual()) {
      assertThat(s.get(0).lines()).allSatisfy(l -> assertThat(l.place()).isEqualTo("10"));
    } else {
      assertThat(s.get(0).lines()).allSatisfy(l -> assertThat(l.place()).isEqualTo("11"));
    }
  }

  /** Each code of the session type billed alone: whatever the rules say it should have been billed as is suggested. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void whatTheRulesSayAWronglyBilledVisitIsBilledAsIsWhatIsSuggested(Case c) throws Exception {
    List<Suggested> s = suggest(visit(c).bundle(), c.taxonomy());
    Set<String> suggested = asBilled(s);
    List<List<String>> tries = new ArrayList<>();
    if (c.em() != null) {
      // the claim carries the E/M: the rules then hold the add-on to the encounter's time
      for (String addOn : List.of("90833", "90836", "90838")) {
        tries.add(List.of(c.em(), addOn));
      }
    } else {
      for (String code : List.of("90832", "90834", "90837", "90847", "90846", "90853", "90791")) {
        tries.add(List.of(code));
      }
      tries.add(List.of("90839"));
      for (int units = 1; units <= 3; units++) {
        tries.add(List.of("90839", "90840 x " + units));
      }
    }
    for (List<String> billed : tries) {
      Visit v = visit(c);
      for (String b : billed) {
        String[] parts = b.split(" x ");
        v.bill(parts[0], line -> line.item.setQuantity(new Quantity().setValue(parts.length > 1 ? Integer.parseInt(parts[1]) : 1)));
        if (c.virtual()) {
          v.claim().getItem().get(v.claim().getItem().size() - 1).setLocation(Visit.concept(Visit.POS, "10"));
        }
      }
      Set<String> named = billedAs(validate(v.bundle()).outcome(), c.sessionType().equals("crisis"));
      assertThat(suggested).as(c + " billed " + billed + ": the rules say " + named + ", the suggestion " + s).containsAll(named);
    }
  }

  @Test
  void crisisTimeAddsUpOverTheDatesCrisisEncounters() throws Exception {
    Visit v = Visit.session("crisis").minutes(40).provider(Visit.CLINICAL_SOCIAL_WORKER);
    v.addEncounter("crisis", 40, Visit.DATE);
    List<Suggested> s = suggest(v.bundle(), Visit.CLINICAL_SOCIAL_WORKER);

    assertThat(s).singleElement().satisfies(one -> {
      assertThat(one.lines()).extracting(l -> l.code() + " x " + l.units()).containsExactly("90839 x 1", "90840 x 1");
      assertThat(one.lines()).allSatisfy(l -> assertThat(l.encounters()).hasSize(2));
    });
    assertThat(lineFindings(billedAsSuggested(v.bundle(), s))).isEmpty();
  }

  @Test
  void aSocialWorkersDiagnosticEvaluationIs90791AndAPsychiatristsIs90792() throws Exception {
    Visit v = Visit.session("diagnostic-evaluation").minutes(60);
    assertThat(suggest(v.bundle(), Visit.CLINICAL_SOCIAL_WORKER).get(0).codes()).containsExactly("90791");
    assertThat(suggest(v.bundle(), Visit.PSYCHIATRIST).get(0).codes()).containsExactly("90792");
  }

  @Test
  void theProvidersTaxonomyIsReadFromThePractitionerWhenNoneIsGiven() throws Exception {
    Visit v = Visit.session("diagnostic-evaluation").minutes(60).providerOnPractitioner(Visit.PSYCHIATRIST);
    assertThat(suggest(v.bundle(), null).get(0).codes()).containsExactly("90792");
  }

  @Test
  void anEmCodedVisitBySomeoneWhoMayNotBillEmIsSuggestedPsychotherapyAloneWithAnIssue() throws Exception {
    Visit v = Visit.individual().minutes(45).withEncounter(e -> e.addType(Visit.concept(Visit.CPT, "99214")));
    Suggested s = suggest(v.bundle(), Visit.CLINICAL_SOCIAL_WORKER).get(0);

    assertThat(s.codes()).containsExactly("90834");
    assertThat(s.issues()).anySatisfy(i -> assertThat(i).contains("99214").contains("may not bill"));
  }

  @Test
  void aGroupEncounterSuggestsOneLineForEachMemberOfTheGroup() throws Exception {
    Visit v = Visit.session("group").minutes(90).groupSubject(true);
    List<Suggested> s = suggest(v.bundle(), Visit.CLINICAL_SOCIAL_WORKER);

    assertThat(s).hasSize(2).allSatisfy(one -> assertThat(one.codes()).containsExactly("90853"));
  }

  @Test
  void whatTheEncounterDoesNotTellIsAnIssue() throws Exception {
    Suggested noTime = suggest(Visit.individual().noTime().bundle(), null).get(0);
    assertThat(noTime.lines()).isEmpty();
    assertThat(noTime.issues()).singleElement().asString().contains("gives no time").contains("90834 for 38-52 minutes");

    Suggested noType = suggest(Visit.session(null).minutes(50).bundle(), null).get(0);
    assertThat(noType.codes()).containsExactly("90834");
    assertThat(noType.issues()).singleElement().asString().contains("does not state its session type");

    Suggested tooShort = suggest(Visit.session("family-with-patient").minutes(20).bundle(), null).get(0);
    assertThat(tooShort.lines()).isEmpty();
    assertThat(tooShort.issues()).singleElement().asString().contains("90847").contains("26");
  }

  @Test
  void aVisitGivenAsAParametersOrAnEncounterAloneIsReadTheSame() throws Exception {
    Visit v = Visit.individual().minutes(50).withoutClaim();
    Parameters in = new Parameters();
    in.addParameter().setName("resource").setResource(v.bundle());
    in.addParameter().setName("taxonomy").setValue(new CodeType(Visit.CLINICAL_SOCIAL_WORKER));
    HttpResponse<String> r = post("/Encounter/$suggest-codes", JSON, FHIR.newJsonParser().encodeResourceToString(in));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(read(FHIR.newJsonParser().parseResource(Parameters.class, r.body())).get(0).codes()).containsExactly("90834");

    Encounter alone = v.encounter();
    HttpResponse<String> xml = post("/Encounter/$suggest-codes", XML, FHIR.newXmlParser().encodeResourceToString(alone));
    assertThat(xml.statusCode()).as(xml.body()).isEqualTo(200);
    Parameters out = FHIR.newXmlParser().parseResource(Parameters.class, xml.body());
    assertThat(read(out).get(0).codes()).containsExactly("90834");
    assertThat(read(out).get(0).encounters()).containsExactly("Encounter/" + alone.getIdElement().getIdPart());
  }

  @Test
  void theCapabilityStatementNamesTheOperationDefinition() throws Exception {
    var cs = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.CapabilityStatement.class, get("/metadata", JSON).body());
    var encounter = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Encounter")).findFirst().orElseThrow();
    assertThat(encounter.getOperation())
        .extracting(o -> o.getName() + " " + o.getDefinition())
        .contains("suggest-codes http://psychcode.org/fhir/OperationDefinition/Encounter-suggest-codes");
  }

  @Nested
  class BadInput {

    @Test
    void aBodyThatIsNotAVisitIsRefused() throws Exception {
      Visit v = Visit.individual();
      refused(post("/Encounter/$suggest-codes", JSON, FHIR.newJsonParser().encodeResourceToString(v.claim())), JSON);
      refused(post("/Encounter/$suggest-codes", JSON, FHIR.newJsonParser().encodeResourceToString(new Bundle().setType(Bundle.BundleType.COLLECTION))), JSON);
      refused(post("/Encounter/$suggest-codes", JSON, "{\"resourceType\": \"Encounter\", "), JSON);
      refused(post("/Encounter/$suggest-codes", JSON, FHIR.newJsonParser().encodeResourceToString(new Parameters())), JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?color=blue", "?_count=2"})
    void anUnknownParameterIsRefused(String query) throws Exception {
      Visit v = Visit.individual();
      refused(post("/Encounter/$suggest-codes" + query, JSON, FHIR.newJsonParser().encodeResourceToString(v.bundle())), JSON);
    }

    @Test
    void aGetWithoutAVisitIsRefused() throws Exception {
      HttpResponse<String> r = get("/Encounter/$suggest-codes", JSON);
      assertThat(r.statusCode()).isBetween(400, 405);
      assertThat(r.body()).contains("OperationOutcome");
    }

    @Test
    void aNonFhirContentTypeIs415() throws Exception {
      HttpResponse<String> r = post("/Encounter/$suggest-codes", "text/plain", "hello");
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(r.body()).contains("OperationOutcome");
    }
  }
}
