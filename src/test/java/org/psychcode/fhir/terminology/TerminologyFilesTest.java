package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.PropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds the files under {@code terminology/} to two things without starting the server: the FHIR R4 base
 * specification (HAPI's instance validator, with the files themselves loaded so that ValueSets and the ConceptMap
 * resolve their code systems) and the contract of {@code terminology/README.md} and DESIGN.md that the billing rules
 * rely on: every number and relation the rules read, and every rule id the answers name.
 */
class TerminologyFilesTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final Path DIR = Path.of("terminology");
  static final String CPT = "http://www.ama-assn.org/go/cpt";
  static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  static final String POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
  static final String NUCC = "http://nucc.org/provider-taxonomy";
  static final String ICD = "http://hl7.org/fhir/sid/icd-10-cm";
  static final String OURS = "http://psychcode.org/fhir/";
  static final String SESSION_TYPE = OURS + "CodeSystem/session-type";
  static final String BILLING_RULE = OURS + "CodeSystem/billing-rule";
  static final Set<String> RELATIONS = Set.of("primary-code", "never-with", "similar-code");

  static final Map<Path, MetadataResource> RESOURCES = load();
  static final Map<String, CodeSystemIndex> SYSTEMS = RESOURCES.values().stream()
      .filter(CodeSystem.class::isInstance)
      .map(r -> CodeSystemIndex.of((CodeSystem) r))
      .collect(Collectors.toMap(CodeSystemIndex::url, i -> i));

  static Map<Path, MetadataResource> load() {
    Map<Path, MetadataResource> out = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.put(p, (MetadataResource) FHIR.newJsonParser().parseResource(Files.readString(p, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Path> files() {
    return List.copyOf(RESOURCES.keySet());
  }

  static CodeSystemIndex system(String url) {
    assertThat(SYSTEMS).as("code systems loaded").containsKey(url);
    return SYSTEMS.get(url);
  }

  static IndexedConcept cpt(String code) {
    return billing(code).orElseThrow(() -> new AssertionError(code + " is not in the CPT or HCPCS fragment"));
  }

  static Optional<IndexedConcept> billing(String code) {
    return system(CPT).concept(code).or(() -> system(HCPCS).concept(code));
  }

  static List<IndexedConcept> billingConcepts() {
    List<IndexedConcept> all = new ArrayList<>(system(CPT).concepts());
    all.addAll(system(HCPCS).concepts());
    return all;
  }

  static Set<String> codes(Predicate<IndexedConcept> which) {
    return billingConcepts().stream().filter(which).map(IndexedConcept::code).collect(Collectors.toCollection(TreeSet::new));
  }

  static Predicate<IndexedConcept> active() {
    return c -> !c.isInactive();
  }

  static ValueSet valueSet(String id) {
    return RESOURCES.values().stream()
        .filter(ValueSet.class::isInstance)
        .map(ValueSet.class::cast)
        .filter(v -> v.getUrl().equals(OURS + "ValueSet/" + id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ValueSet " + id));
  }

  static Set<String> listed(ValueSet vs) {
    Set<String> out = new TreeSet<>();
    for (ConceptSetComponent inc : vs.getCompose().getInclude()) {
      inc.getConcept().forEach(c -> out.add(c.getCode()));
    }
    return out;
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstTheFhirSpecification {

    FhirValidator validator;

    @BeforeAll
    void buildValidator() {
      PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(FHIR);
      RESOURCES.values().forEach(ours::addResource);
      ValidationSupportChain chain = new ValidationSupportChain(
          new DefaultProfileValidationSupport(FHIR),
          ours,
          new InMemoryTerminologyServerValidationSupport(FHIR),
          new CommonCodeSystemsTerminologyService(FHIR),
          new SnapshotGeneratingValidationSupport(FHIR));
      validator = FHIR.newValidator();
      validator.registerValidatorModule(new FhirInstanceValidator(chain));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.psychcode.fhir.terminology.TerminologyFilesTest#files")
    void hasNoErrorOrFatalIssue(Path file) {
      List<String> problems = validator.validateWithResult(RESOURCES.get(file)).getMessages().stream()
          .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
          .map(SingleValidationMessage::toString)
          .toList();
      assertThat(problems).as(file.toString()).isEmpty();
    }
  }

  @Nested
  class EveryArtifact {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.psychcode.fhir.terminology.TerminologyFilesTest#files")
    void carriesItsMetadataAndNoNarrative(Path file) {
      MetadataResource r = RESOURCES.get(file);
      String type = r.fhirType();
      String id = r.getIdElement().getIdPart();
      assertThat(file.getFileName().toString()).isEqualTo(type + "-" + id + ".json");
      assertThat(r.getVersion()).isNotBlank();
      assertThat(r.getStatus().toCode()).isEqualTo("active");
      assertThat(r.getDate()).isNotNull();
      assertThat(r.getPublisher()).isEqualTo("PsychCode");
      assertThat(r.getName()).isNotBlank();
      assertThat(r.getTitle()).isNotBlank();
      assertThat(r.getDescription()).isNotBlank();
      assertThat(((Resource) r).hasMeta()).isFalse();
      assertThat(((org.hl7.fhir.r4.model.DomainResource) r).hasText()).isFalse();
      Map<String, String> external = Map.of(
          "cpt", CPT, "hcpcs", HCPCS, "place-of-service", POS, "nucc-provider-taxonomy", NUCC, "icd-10-cm", ICD);
      String expected = r instanceof CodeSystem && external.containsKey(id)
          ? external.get(id)
          : OURS + type + "/" + id;
      assertThat(r.getUrl()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.psychcode.fhir.terminology.TerminologyFilesTest#files")
    void namesTheAmaWhereverItCarriesCptCodes(Path file) {
      MetadataResource r = RESOURCES.get(file);
      String copyright;
      boolean carriesCpt;
      if (r instanceof CodeSystem cs) {
        carriesCpt = CPT.equals(cs.getUrl());
        copyright = cs.getCopyright();
      } else if (r instanceof ValueSet vs) {
        carriesCpt = vs.getCompose().getInclude().stream().anyMatch(i -> CPT.equals(i.getSystem()));
        copyright = vs.getCopyright();
      } else {
        ConceptMap cm = (ConceptMap) r;
        carriesCpt = cm.getGroup().stream().anyMatch(g -> CPT.equals(g.getTarget()));
        copyright = cm.getCopyright();
      }
      if (carriesCpt) {
        assertThat(copyright).contains("American Medical Association");
      }
    }
  }

  @Nested
  class CptAndHcpcsConcepts {

    @Test
    void everyConceptHasADisplayAndADefinition() {
      for (IndexedConcept c : billingConcepts()) {
        assertThat(c.display()).as(c.code()).isNotBlank();
        assertThat(c.definition()).as(c.code()).isNotBlank().isNotEqualTo(c.display());
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {CPT, HCPCS, POS, NUCC, SESSION_TYPE, BILLING_RULE, ICD})
    void everyPropertyUsedIsDeclaredWithItsType(String url) {
      CodeSystemIndex cs = system(url);
      Map<String, PropertyComponent> declared = cs.declaredProperties();
      for (PropertyComponent p : declared.values()) {
        assertThat(p.getUri()).as(p.getCode()).isNotBlank();
        assertThat(p.getDescription()).as(p.getCode()).isNotBlank();
        assertThat(p.getType()).as(p.getCode()).isNotNull();
      }
      Set<String> used = new TreeSet<>();
      for (IndexedConcept c : cs.concepts()) {
        c.properties().forEach((code, values) -> {
          used.add(code);
          assertThat(declared).as(c.code() + " uses " + code).containsKey(code);
          for (Type v : values) {
            assertThat(v.fhirType()).as(c.code() + " " + code).isEqualTo(declared.get(code).getType().toCode());
          }
        });
      }
      assertThat(used).as("declared but never used").containsAll(declared.keySet());
    }

    @Test
    void usesTheHl7UrisForStatusAndInactive() {
      for (String url : List.of(CPT, HCPCS)) {
        Map<String, PropertyComponent> d = system(url).declaredProperties();
        assertThat(d.get("status").getUri()).isEqualTo("http://hl7.org/fhir/concept-properties#status");
        assertThat(d.get("inactive").getUri()).isEqualTo("http://hl7.org/fhir/concept-properties#inactive");
        d.values().stream()
            .filter(p -> !Set.of("status", "inactive").contains(p.getCode()))
            .forEach(p -> assertThat(p.getUri()).isEqualTo("http://psychcode.org/fhir/concept-property/" + p.getCode()));
      }
    }

    @Test
    void statusAndInactiveAgreeOnEveryConcept() {
      for (IndexedConcept c : billingConcepts()) {
        String status = c.codeProperty("status").orElseThrow(() -> new AssertionError(c.code() + " has no status"));
        assertThat(status).as(c.code()).isIn("active", "retired");
        assertThat(c.booleanProperty("inactive")).as(c.code()).contains("retired".equals(status));
      }
    }

    @Test
    void relationsNameCodesThatExistAndAreActive() {
      for (IndexedConcept c : billingConcepts()) {
        for (String relation : RELATIONS) {
          for (String other : c.codeProperties(relation)) {
            IndexedConcept target = billing(other)
                .orElseThrow(() -> new AssertionError(c.code() + " " + relation + " " + other + " does not exist"));
            assertThat(target.isInactive()).as(c.code() + " " + relation + " " + other + " is retired").isFalse();
            assertThat(other).as(c.code() + " names itself").isNotEqualTo(c.code());
          }
        }
      }
    }

    @Test
    void neverWithIsListedOnBothCodes() {
      for (IndexedConcept c : billingConcepts()) {
        for (String other : c.codeProperties("never-with")) {
          assertThat(cpt(other).codeProperties("never-with")).as(other + " should list " + c.code()).contains(c.code());
        }
      }
    }

    @Test
    void everyActiveAddOnHasPrimariesAndOnlyAddOnsHaveThem() {
      for (IndexedConcept c : billingConcepts()) {
        boolean addOn = c.isTrue("add-on");
        if (addOn && !c.isInactive()) {
          assertThat(c.codeProperties("primary-code")).as(c.code()).isNotEmpty();
          c.codeProperties("primary-code").forEach(p -> assertThat(cpt(p).isTrue("add-on") && !p.startsWith("908"))
              .as(c.code() + " primary " + p + " must not itself be a non-psychotherapy add-on").isFalse());
        } else {
          assertThat(c.codeProperties("primary-code")).as(c.code()).isEmpty();
        }
      }
    }

    @Test
    void everyProcedureSaysWhetherItIsAnAddOn() {
      for (IndexedConcept c : billingConcepts()) {
        if (c.isTrue("modifier")) {
          assertThat(c.hasProperty("add-on")).as(c.code()).isFalse();
          assertThat(c.isTrue("telehealth")).as(c.code()).isTrue();
          assertThat(c.codeProperty("telehealth-modality")).as(c.code()).get().isIn("audio-video", "audio-only");
        } else {
          assertThat(c.booleanProperty("add-on")).as(c.code()).isPresent();
          assertThat(c.booleanProperty("modifier")).as(c.code()).contains(false);
        }
      }
    }

    @Test
    void theAddOnsAreExactlyTheReferenceList() {
      assertThat(codes(active().and(c -> c.isTrue("add-on")))).containsExactlyInAnyOrder(
          "90785", "90833", "90836", "90838", "90840", "90863", "96131", "96133", "96137", "96139", "96159", "96165",
          "96168", "96171", "99494", "99417", "G0018", "G2212");
    }

    @Test
    void psychotherapyWithEmAddOnsMayFollowEveryActiveEmCode() {
      Set<String> em = codes(active().and(c -> c.isTrue("em")));
      assertThat(em).hasSizeGreaterThan(30).contains("99202", "99215", "99223", "99233", "99255", "99310", "99350");
      for (String addOn : List.of("90833", "90836", "90838")) {
        assertThat(new TreeSet<>(cpt(addOn).codeProperties("primary-code"))).as(addOn).isEqualTo(em);
      }
    }

    @ParameterizedTest
    @CsvSource({
      "90785, 90791 90792 90832 90833 90834 90836 90837 90838 90853",
      "90840, 90839",
      "90863, 90832 90834 90837",
      "96131, 96130", "96133, 96132", "96137, 96136", "96139, 96138",
      "96159, 96158", "96165, 96164", "96168, 96167", "96171, 96170",
      "99494, 99492 99493",
      "99417, 99205 99215",
      "G0018, G0017",
      "G2212, 99205 99215",
    })
    void addOnPrimariesFollowTheReference(String addOn, String primaries) {
      assertThat(cpt(addOn).codeProperties("primary-code")).containsExactlyInAnyOrder(primaries.split(" "));
    }

    @ParameterizedTest
    @CsvSource({
      "90833, 90832 90834 90837 90839 90840 90846 90847 90791 90792",
      "90836, 90832 90834 90837 90839 90840 90846 90847 90791 90792",
      "90838, 90832 90834 90837 90839 90840 90846 90847 90791 90792",
      "90785, 90839 90840 90846 90847 96130 96139",
      "90863, 90839 90840",
      "90839, 90832 90833 90834 90836 90837 90838 90791 90792 90785 90846 90847 90853",
      "90791, 90792 90832 90834 90837 90839 90846 90847 90853 99213",
      "90832, 90834 90837 90833 99214 99232",
      "99492, 99493",
      "99417, 90837 90847",
      "G0017, 90832 90837 90791",
    })
    void sameDayExclusionsFollowTheReference(String code, String excluded) {
      assertThat(cpt(code).codeProperties("never-with")).contains(excluded.split(" "));
    }

    @ParameterizedTest
    @CsvSource({"90846, 90832", "90847, 90834", "90847, 90837", "90833, 99214", "90785, 90853", "90840, 90839"})
    void pairsTheReferenceAllowsAreNotExcluded(String code, String allowed) {
      assertThat(cpt(code).codeProperties("never-with")).doesNotContain(allowed);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
      "90832, 16, 37, -, individual, false, 1",
      "90833, 16, 37, -, individual, true, 1",
      "90834, 38, 52, -, individual, false, 1",
      "90836, 38, 52, -, individual, true, 1",
      "90837, 53, -, -, individual, false, 1",
      "90838, 53, -, -, individual, true, 1",
      "90839, 30, -, -, crisis, false, 1",
      "90840, 75, -, 30, crisis, true, -",
      "90846, 26, -, -, family-without-patient, false, -",
      "90847, 26, -, -, family-with-patient, false, -",
      "G0017, 30, -, -, crisis, false, 1",
      "G0018, 75, -, 30, crisis, true, -",
      "G0410, 45, -, -, group, false, -",
      "90791, -, -, -, diagnostic-evaluation, false, 1",
      "90792, -, -, -, diagnostic-evaluation, false, 1",
      "90853, -, -, -, group, false, -",
      "90849, -, -, -, multiple-family-group, false, -",
    })
    void timeSessionTypeAndUnitsFollowTheReference(
        String code, Integer min, Integer max, Integer perUnit, String sessionType, boolean addOn, Integer maxUnits) {
      IndexedConcept c = cpt(code);
      assertThat(boxed(c.integerProperty("minimum-minutes"))).as("minimum").isEqualTo(min);
      assertThat(boxed(c.integerProperty("maximum-minutes"))).as("maximum").isEqualTo(max);
      assertThat(boxed(c.integerProperty("minutes-per-unit"))).as("per unit").isEqualTo(perUnit);
      assertThat(c.codeProperty("session-type")).contains(sessionType);
      assertThat(c.isTrue("add-on")).isEqualTo(addOn);
      assertThat(boxed(c.integerProperty("max-units-per-day"))).as("max units").isEqualTo(maxUnits);
    }

    private static Integer boxed(java.util.OptionalInt i) {
      return i.isPresent() ? i.getAsInt() : null;
    }

    @Test
    void onlyCodesTimedPerSessionCarryMinutes() {
      assertThat(codes(c -> c.hasProperty("minimum-minutes") || c.hasProperty("maximum-minutes")))
          .containsExactlyInAnyOrder("90832", "90833", "90834", "90836", "90837", "90838", "90839", "90840", "90846",
              "90847", "G0017", "G0018", "G0410");
      assertThat(codes(c -> c.hasProperty("minutes-per-unit"))).containsExactlyInAnyOrder("90840", "G0018");
    }

    @Test
    void individualPsychotherapyRangesMeetWithoutGapOrOverlap() {
      for (List<String> family : List.of(List.of("90832", "90834", "90837"), List.of("90833", "90836", "90838"))) {
        for (int i = 0; i + 1 < family.size(); i++) {
          int max = cpt(family.get(i)).integerProperty("maximum-minutes").getAsInt();
          int nextMin = cpt(family.get(i + 1)).integerProperty("minimum-minutes").getAsInt();
          assertThat(nextMin).as(family.get(i) + " -> " + family.get(i + 1)).isEqualTo(max + 1);
        }
      }
    }

    @ParameterizedTest
    @CsvSource({"29, 0", "74, 0", "75, 1", "104, 1", "105, 2", "134, 2", "135, 3", "164, 3", "165, 4"})
    void crisisAddOnUnitsFollowFromItsProperties(int minutes, int expectedUnits) {
      for (String addOn : List.of("90840", "G0018")) {
        IndexedConcept c = cpt(addOn);
        int min = c.integerProperty("minimum-minutes").getAsInt();
        int per = c.integerProperty("minutes-per-unit").getAsInt();
        int units = minutes < min ? 0 : 1 + (minutes - min) / per;
        assertThat(units).as(addOn + " at " + minutes).isEqualTo(expectedUnits);
        assertThat(units).isEqualTo(minutes < 75 ? 0 : (minutes - 45) / 30);
      }
    }

    @Test
    void psychotherapyUnitLimitDoesNotApplyInPartialHospitalization() {
      for (String code : List.of("90832", "90833", "90834", "90836", "90837", "90838")) {
        assertThat(cpt(code).codeProperties("unlimited-units-place")).as(code).containsExactly("52");
      }
      for (IndexedConcept c : billingConcepts()) {
        c.codeProperties("unlimited-units-place").forEach(
            p -> assertThat(system(POS).concept(p)).as(c.code() + " place " + p).isPresent());
      }
    }

    @Test
    void prescriberCodesAreThoseTheReferenceReservesToPrescribers() {
      Set<String> needed = codes(c -> c.isTrue("requires-prescriber"));
      assertThat(needed).contains("90792", "90833", "90836", "90838", "90865", "90867", "90868", "90869",
          "90870", "99492", "99493", "99494", "99484", "G2214");
      assertThat(needed).containsAll(codes(active().and(c -> c.isTrue("em"))));
      assertThat(needed).doesNotContain("90785", "90791", "90832", "90834", "90837", "90839", "90840", "90846",
          "90847", "90849", "90853", "96130", "96158", "90863");
    }

    @Test
    void pharmacologicManagementAddOnIsForPrescribersWhoCannotBillEvaluationAndManagement() {
      assertThat(codes(c -> c.isTrue("requires-prescriptive-authority"))).containsExactly("90863");
      assertThat(codes(c -> c.isTrue("excludes-prescriber"))).containsExactly("90863");
      CodeSystemIndex nucc = system(NUCC);
      assertThat(nucc.concepts().stream()
              .filter(t -> t.isTrue("prescriptive-authority") && !t.isTrue("prescriber"))
              .map(IndexedConcept::code))
          .containsExactly("103TP0016X");
    }

    @Test
    void telehealthFollowsTheMedicareListOfTheReference() {
      assertThat(codes(c -> c.isTrue("telehealth") && c.code().startsWith("90")))
          .containsExactlyInAnyOrder("90785", "90791", "90792", "90832", "90833", "90834", "90836", "90837", "90838",
              "90839", "90840", "90845", "90846", "90847", "90853");
      for (IndexedConcept c : billingConcepts()) {
        if (!c.isInactive() && !c.isTrue("modifier")) {
          assertThat(c.booleanProperty("telehealth")).as(c.code()).isPresent();
          assertThat(c.codeProperties("setting").contains("telehealth")).as(c.code()).isEqualTo(c.isTrue("telehealth"));
        }
      }
    }

    @Test
    void settingsIndicationsAndSessionTypesUseKnownCodes() {
      for (IndexedConcept c : billingConcepts()) {
        assertThat(c.codeProperties("setting")).as(c.code()).allMatch(s -> Set.of("office", "facility", "home",
            "telehealth").contains(s));
        c.codeProperties("typical-indication").forEach(
            i -> assertThat(system(ICD).concept(i)).as(c.code() + " indication " + i).isPresent());
        c.codeProperties("session-type").forEach(
            s -> assertThat(system(SESSION_TYPE).concept(s)).as(c.code() + " session type " + s).isPresent());
      }
    }

    @Test
    void behavioralHealthProceduresCarryTheCodeDetailView() {
      for (String code : valueSetCodes("behavioral-health-codes")) {
        IndexedConcept c = cpt(code);
        assertThat(c.codeProperties("setting")).as(code).isNotEmpty();
        if (!code.equals("90899")) {
          assertThat(c.codeProperties("similar-code")).as(code).isNotEmpty();
        }
        assertThat(c.codeProperties("typical-indication")).as(code).isNotEmpty();
      }
    }

    @Test
    void retiredCodesOfTheReferenceAreKeptAsRetired() {
      List<String> retired = new ArrayList<>(List.of("90801", "90802", "90857", "90862", "96101", "96102", "96103",
          "96118", "96119", "96120", "96150", "96151", "96152", "96153", "96154", "96155", "99354", "99355", "99356",
          "99357", "99217", "99218", "99219", "99220", "99224", "99225", "99226", "99241", "99251", "99318", "99343"));
      for (int code = 90804; code <= 90829; code++) {
        if (code != 90820 && code != 90825) {
          retired.add(String.valueOf(code));
        }
      }
      for (String code : retired) {
        IndexedConcept c = cpt(code);
        assertThat(c.isInactive()).as(code).isTrue();
        assertThat(c.codeProperty("status")).as(code).contains("retired");
        assertThat(c.hasProperty("session-type") || c.hasProperty("minimum-minutes")).as(code).isFalse();
      }
    }

    @Test
    void telehealthModifiersAreMarked() {
      Map<String, String> modality = Map.of("95", "audio-video", "93", "audio-only", "GT", "audio-video", "FQ",
          "audio-only");
      modality.forEach((code, m) -> {
        IndexedConcept c = cpt(code);
        assertThat(c.isTrue("modifier")).as(code).isTrue();
        assertThat(c.isTrue("telehealth")).as(code).isTrue();
        assertThat(c.codeProperty("telehealth-modality")).as(code).contains(m);
      });
      assertThat(codes(c -> c.isTrue("modifier"))).containsExactlyInAnyOrderElementsOf(modality.keySet());
    }
  }

  @Nested
  class BillingRules {

    static final Map<String, String> DESIGN_RULES = Map.ofEntries(
        Map.entry("time-missing", "error"),
        Map.entry("time-below-minimum", "error"),
        Map.entry("time-code-mismatch", "error"),
        Map.entry("session-type-missing", "warning"),
        Map.entry("session-type-mismatch", "error"),
        Map.entry("addon-without-primary", "error"),
        Map.entry("addon-invalid-primary", "error"),
        Map.entry("crisis-units-mismatch", "error"),
        Map.entry("same-day-conflict", "error"),
        Map.entry("units-exceed-max", "error"),
        Map.entry("telehealth-mismatch", "error"),
        Map.entry("provider-scope", "error"),
        Map.entry("diagnosis-missing", "error"),
        Map.entry("diagnosis-not-behavioral", "warning"),
        Map.entry("diagnosis-not-billable", "error"),
        Map.entry("encounter-missing", "error"),
        Map.entry("encounter-unresolved", "error"),
        Map.entry("encounter-claim-mismatch", "error"),
        Map.entry("duration-inconsistent", "warning"));

    @Test
    void publishesExactlyTheRuleIdsOfTheContract() {
      CodeSystemIndex rules = system(BILLING_RULE);
      assertThat(rules.content()).isEqualTo(CodeSystem.CodeSystemContentMode.COMPLETE);
      assertThat(rules.concepts()).extracting(IndexedConcept::code)
          .containsExactlyInAnyOrderElementsOf(DESIGN_RULES.keySet());
      assertThat(rules.codeSystem().getCount()).isEqualTo(DESIGN_RULES.size());
    }

    @Test
    void everyRuleHasItsSeverityADefinitionAndASource() {
      for (IndexedConcept rule : system(BILLING_RULE).concepts()) {
        assertThat(rule.codeProperty("severity")).as(rule.code()).contains(DESIGN_RULES.get(rule.code()));
        assertThat(rule.display()).as(rule.code()).isNotBlank();
        assertThat(rule.definition()).as(rule.code()).isNotBlank();
        assertThat(rule.codeProperties("source")).as(rule.code()).isNotEmpty()
            .allMatch(s -> s.matches("\\[S\\d+b?] .+") || s.startsWith("PsychCode DESIGN"));
      }
    }

    @ParameterizedTest
    @CsvSource({
      "time-below-minimum, 26", "time-below-minimum, 90847", "crisis-units-mismatch, 75",
      "addon-invalid-primary, 90846", "units-exceed-max, NASW", "units-exceed-max, place of service 52",
      "time-code-mismatch, 53",
    })
    void definitionsStateTheBoundariesAndTheConflictChoices(String rule, String mentioned) {
      assertThat(system(BILLING_RULE).concept(rule).orElseThrow().definition()).contains(mentioned);
    }
  }

  @Nested
  class OtherCodeSystems {

    @Test
    void sessionTypesAreTheSevenOfTheContract() {
      CodeSystemIndex st = system(SESSION_TYPE);
      assertThat(st.content()).isEqualTo(CodeSystem.CodeSystemContentMode.COMPLETE);
      assertThat(st.concepts()).extracting(IndexedConcept::code).containsExactlyInAnyOrder("individual",
          "family-with-patient", "family-without-patient", "group", "multiple-family-group", "crisis",
          "diagnostic-evaluation");
      st.concepts().forEach(c -> assertThat(c.definition()).as(c.code()).isNotBlank());
    }

    @Test
    void prescribersAreThePhysiciansAndAdvancedPracticeClinicians() {
      CodeSystemIndex nucc = system(NUCC);
      Set<String> prescribers = nucc.concepts().stream().filter(c -> c.isTrue("prescriber"))
          .map(IndexedConcept::code).collect(Collectors.toSet());
      assertThat(prescribers).contains("2084P0800X", "2084P0804X", "2084P0802X", "363LP0808X", "364SP0808X",
          "363A00000X");
      assertThat(prescribers).doesNotContain("103TC0700X", "103T00000X", "1041C0700X", "101YP2500X", "101YM0800X",
          "106H00000X", "103TP0016X");
      for (IndexedConcept c : nucc.concepts()) {
        assertThat(c.code()).matches("[0-9]{3}[0-9A-Z]{6}X");
        assertThat(c.booleanProperty("prescriber")).as(c.code()).isPresent();
        if (c.isTrue("prescriber")) {
          assertThat(c.isTrue("prescriptive-authority")).as(c.code()).isTrue();
        }
      }
    }

    @Test
    void telehealthAndHomePlacesOfServiceAreMarked() {
      CodeSystemIndex pos = system(POS);
      assertThat(pos.concepts().stream().filter(c -> c.isTrue("telehealth")).map(IndexedConcept::code))
          .containsExactlyInAnyOrder("02", "10");
      assertThat(pos.concepts().stream().filter(c -> c.isTrue("patient-home")).map(IndexedConcept::code))
          .containsExactlyInAnyOrder("10", "12");
      assertThat(pos.concepts()).extracting(IndexedConcept::code).contains("02", "03", "04", "10", "11", "12", "19",
          "20", "21", "22", "23", "31", "32", "33", "49", "50", "51", "52", "53", "56", "57", "58", "71", "72", "99");
    }

    @Test
    void icdFragmentHoldsChapterFiveWithItsHierarchy() {
      CodeSystemIndex icd = system(ICD);
      assertThat(icd.content()).isEqualTo(CodeSystem.CodeSystemContentMode.FRAGMENT);
      assertThat(icd.roots()).extracting(IndexedConcept::code).containsExactly("F01-F99");
      assertThat(icd.concepts()).allSatisfy(c -> {
        assertThat(c.code()).matches("F[0-9]{2}(\\.[0-9A-Z]{1,4})?|F[0-9]{2}-F[0-9]{2}");
        assertThat(c.display()).isNotBlank();
        assertThat(c.booleanProperty("billable")).as(c.code()).contains(c.children().isEmpty());
      });
      assertThat(icd.concept("F41.1").orElseThrow().parents()).containsExactly("F41");
      assertThat(icd.concept("F41").orElseThrow().parents()).containsExactly("F40-F48");
      assertThat(icd.concept("F64.A").orElseThrow().parents()).containsExactly("F64");
      assertThat(icd.concepts()).extracting(IndexedConcept::code)
          .doesNotContain("F08", "F26", "F35", "F46", "F56", "F61", "F67", "F74", "F83", "F92", "F96");
    }
  }

  static Set<String> valueSetCodes(String id) {
    return listed(valueSet(id));
  }

  @Nested
  class ValueSetsAndConceptMap {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.psychcode.fhir.terminology.TerminologyFilesTest#files")
    void listedCodesExistAndAreActive(Path file) {
      if (!(RESOURCES.get(file) instanceof ValueSet vs)) {
        return;
      }
      assertThat(vs.getCompose().getInclude()).isNotEmpty();
      for (ConceptSetComponent inc : vs.getCompose().getInclude()) {
        if (!inc.hasSystem()) {
          assertThat(inc.getValueSet()).as(vs.getUrl() + " include without system").isNotEmpty();
          inc.getValueSet().forEach(imported -> assertThat(RESOURCES.values())
              .as(vs.getUrl() + " imports " + imported.getValue())
              .anyMatch(r -> r instanceof ValueSet v && imported.getValue().equals(v.getUrl())));
          continue;
        }
        CodeSystemIndex cs = system(inc.getSystem());
        inc.getConcept().forEach(c -> {
          IndexedConcept concept = cs.concept(c.getCode())
              .orElseThrow(() -> new AssertionError(vs.getUrl() + " lists unknown " + c.getCode()));
          assertThat(concept.isInactive()).as(c.getCode()).isFalse();
        });
      }
    }

    @Test
    void behavioralHealthCodesAreEveryActiveProcedureButEmAndModifiers() {
      assertThat(valueSetCodes("behavioral-health-codes")).isEqualTo(codes(active()
          .and(c -> !c.isTrue("em") && !c.isTrue("modifier"))
          .and(c -> !Set.of("99417", "G2212").contains(c.code()))));
    }

    @ParameterizedTest
    @CsvSource({
      "psychotherapy-individual, individual",
      "family, family-with-patient family-without-patient multiple-family-group",
      "group, group multiple-family-group",
      "crisis, crisis",
      "diagnostic-evaluation, diagnostic-evaluation",
    })
    void familyValueSetsFollowTheSessionTypeProperty(String id, String sessionTypes) {
      Set<String> types = Set.of(sessionTypes.split(" "));
      assertThat(valueSetCodes(id)).isNotEmpty().isEqualTo(codes(active()
          .and(c -> c.codeProperty("session-type").map(types::contains).orElse(false))));
    }

    @Test
    void emPrimaryCodesAreTheActiveEmCodes() {
      assertThat(valueSetCodes("em-primary-codes")).isEqualTo(codes(active().and(c -> c.isTrue("em"))));
    }

    @Test
    void psychotherapyAddOnsAndTelehealthModifiersAreListed() {
      assertThat(valueSetCodes("psychotherapy-add-on")).containsExactlyInAnyOrder("90785", "90833", "90836",
          "90838", "90863");
      assertThat(valueSetCodes("telehealth-modifiers")).containsExactlyInAnyOrder("93", "95", "GT", "FQ");
    }

    @Test
    void diagnosesAreTheBillableCodesOfChapterFive() {
      ConceptSetComponent include = valueSet("mental-behavioral-diagnoses").getCompose().getIncludeFirstRep();
      assertThat(valueSet("mental-behavioral-diagnoses").getCompose().getInclude()).hasSize(1);
      assertThat(include.getSystem()).isEqualTo(ICD);
      assertThat(include.getFilter()).extracting(f -> f.getProperty() + " " + f.getOp().toCode() + " " + f.getValue())
          .containsExactly("concept is-a F01-F99", "billable = true");
    }

    @Test
    void sessionTypeMapCoversEveryTypeWithPublishedCodes() {
      ConceptMap cm = (ConceptMap) RESOURCES.values().stream().filter(ConceptMap.class::isInstance).findFirst()
          .orElseThrow();
      assertThat(cm.getUrl()).isEqualTo(OURS + "ConceptMap/session-type-to-cpt");
      assertThat(cm.getSourceUriType().getValue()).isEqualTo(OURS + "ValueSet/session-type");
      assertThat(cm.getTargetUriType().getValue()).isEqualTo(OURS + "ValueSet/behavioral-health-codes");
      Set<String> sources = new TreeSet<>();
      Set<String> bh = valueSetCodes("behavioral-health-codes");
      for (ConceptMap.ConceptMapGroupComponent g : cm.getGroup()) {
        assertThat(g.getSource()).isEqualTo(SESSION_TYPE);
        CodeSystemIndex target = system(g.getTarget());
        for (ConceptMap.SourceElementComponent e : g.getElement()) {
          assertThat(system(SESSION_TYPE).concept(e.getCode())).as(e.getCode()).isPresent();
          sources.add(e.getCode());
          for (ConceptMap.TargetElementComponent t : e.getTarget()) {
            assertThat(target.concept(t.getCode())).as(t.getCode()).isPresent();
            assertThat(bh).contains(t.getCode());
            String sessionType = target.concept(t.getCode()).get().codeProperty("session-type").orElse(null);
            if (!"relatedto".equals(t.getEquivalence().toCode())) {
              assertThat(sessionType).as(e.getCode() + " -> " + t.getCode()).isEqualTo(e.getCode());
            }
          }
        }
      }
      assertThat(sources).containsExactlyInAnyOrderElementsOf(system(SESSION_TYPE).concepts().stream()
          .map(IndexedConcept::code).toList());
    }
  }

  @Test
  void aFileWithoutAnIdIsPublishedUnderItsFileName(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
    Files.writeString(
        folder.resolve("CodeSystem-local-extra.json"),
        "{\"resourceType\":\"CodeSystem\",\"url\":\"http://example.org/cs\",\"status\":\"draft\",\"content\":\"complete\","
            + "\"concept\":[{\"code\":\"a\"}]}");
    TerminologyRegistry registry = new TerminologyRegistry(FHIR, new TerminologyProperties("file:" + folder.toAbsolutePath() + "/"));
    assertThat(registry.codeSystems()).singleElement().satisfies(cs -> assertThat(cs.codeSystem().getIdElement().getIdPart()).isEqualTo("local-extra"));
  }

  @Test
  void theServersLoaderReadsEveryFile() throws IOException {
    TerminologyRegistry registry =
        new TerminologyRegistry(FHIR, new TerminologyProperties("file:" + DIR.toAbsolutePath() + "/"));
    assertThat(registry.codeSystems()).hasSize(7);
    assertThat(registry.valueSets()).hasSize(15);
    assertThat(registry.conceptMaps()).hasSize(1);
    assertThat(registry.codeSystem(TerminologyRegistry.HCPCS_HTTP)).map(CodeSystemIndex::url).contains(HCPCS);
    assertThat(registry.codeSystem(CPT).orElseThrow().concept("90834").orElseThrow().integerProperty(
        "maximum-minutes")).hasValue(52);
  }
}
