package org.psychcode.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.elementmodel.ParserBase;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The profile validator reads the FHIR core definitions one by one when first needed ({@link CoreDefinitions},
 * {@link LazyWorkerContext}); HAPI's own setup reads all of them. Both must say the same of every example visit,
 * whole and with a fault slipped in, as JSON and as XML.
 */
class ProfileValidatorEquivalenceTest {

  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static Setup hapi;
  private static Setup lazy;
  private static LazyWorkerContext lazyWorker;
  private static ValidationSupportChain lazyChain;

  private record Setup(InstanceValidator validator, Function<FhirFormat, ParserBase> parsers, CoreDefinitions core) {}

  @BeforeAll
  static void build() {
    hapi = setup(false);
    lazy = setup(true);
  }

  private static Setup setup(boolean lazily) {
    PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(CTX);
    ConformanceResources.load(CTX, "*.json", StructureDefinition.class).forEach(own::addStructureDefinition);
    CoreDefinitions core = lazily ? new CoreDefinitions(CTX) : null;
    IValidationSupport coreSupport = lazily ? core : new DefaultProfileValidationSupport(CTX);
    ValidationSupportChain chain =
        new ValidationSupportChain(
            own, coreSupport, new InMemoryTerminologyServerValidationSupport(CTX), new CommonCodeSystemsTerminologyService(CTX));
    if (lazily) {
      LazyWorkerContext worker = new LazyWorkerContext(chain, core, own::fetchAllStructureDefinitions);
      lazyWorker = worker;
      lazyChain = chain;
      return new Setup(
          ValidatorFoundation.newInstanceValidator(worker),
          f -> f == FhirFormat.XML ? worker.xmlParser() : worker.jsonParser(worker.profileUtilities()),
          core);
    }
    IWorkerContext worker = WorkerContextValidationSupportAdapter.newVersionSpecificWorkerContextWrapper(chain);
    return new Setup(ValidatorFoundation.newInstanceValidator(worker), f -> Manager.makeParser(worker, f), null);
  }

  @Test
  void findsWhatHapisOwnSetupFindsInEveryExampleVisit() throws Exception {
    List<String> examples = ConformanceResources.texts("examples/*.json");
    assertThat(examples).hasSizeGreaterThan(20);
    int findings = 0;
    for (String example : examples) {
      assertSameFindings(example, FhirFormat.JSON);
      String broken = example.replace("\"status\": \"active\"", "\"status\": \"on-hold\"").replace("\"gender\": \"female\"", "\"gender\": \"F\"");
      findings += assertSameFindings(broken, FhirFormat.JSON);
      String xml = CTX.newXmlParser().encodeResourceToString(CTX.newJsonParser().parseResource(example));
      assertSameFindings(xml, FhirFormat.XML);
    }
    assertThat(findings).as("the faults slipped in are found").isGreaterThan(examples.size());
  }

  @Test
  void readsOnlyAFewCoreDefinitions() throws Exception {
    assertSameFindings(ConformanceResources.texts("examples/valid-individual.json").get(0), FhirFormat.JSON);
    assertThat(lazy.core().loadedCount()).isBetween(10, 200);
  }

  @Test
  void everyValidatorReadsOneOidTable() throws Exception {
    Field oids = InstanceValidator.class.getDeclaredField("oids");
    oids.setAccessible(true);
    InstanceValidator later = ValidatorFoundation.newInstanceValidator(hapi.validator().getContext());
    assertThat(oids.get(lazy.validator())).isNotNull().isSameAs(oids.get(hapi.validator())).isSameAs(oids.get(later));
  }

  /**
   * A fetch by type and URL names the type from the class, not through HAPI's static R5 context, and answers what
   * HAPI's bridge answers on the same chain: the same resources, converted to R5, or nothing.
   */
  @Test
  void fetchesByTypeAsHapisBridgeDoes() {
    assertThat(LazyWorkerContext.FETCH_BY_TYPE_NAME).as("HAPI's bridge still has its private fetch by type name").isNotNull();
    WorkerContextValidationSupportAdapter bridge = new WorkerContextValidationSupportAdapter(lazyChain);
    List<String> structures =
        List.of(
            "http://hl7.org/fhir/StructureDefinition/Encounter",
            "http://hl7.org/fhir/StructureDefinition/string",
            ProfileValidator.CLAIM_PROFILE,
            "http://hl7.org/fhir/StructureDefinition/no-such-type");
    for (String url : structures) {
      var mine = lazyWorker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url);
      var theirs = bridge.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url);
      assertThat(mine == null).as(url).isEqualTo(theirs == null);
      assertThat(lazyWorker.hasResource(org.hl7.fhir.r5.model.StructureDefinition.class, url)).as(url).isEqualTo(theirs != null);
      if (theirs != null) {
        assertThat(mine.equalsDeep(theirs)).as(url).isTrue();
        assertThat(mine.getSnapshot().getElement()).as(url).isNotEmpty();
        assertThat(lazyWorker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url))
            .as("asked again, " + url)
            .isSameAs(mine);
      }
    }
    String valueSet = "http://hl7.org/fhir/ValueSet/administrative-gender";
    assertThat(lazyWorker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, valueSet).getUrl()).isEqualTo(valueSet);
    String codeSystem = "http://hl7.org/fhir/administrative-gender";
    assertThat(lazyWorker.fetchResource(org.hl7.fhir.r5.model.CodeSystem.class, codeSystem).getUrl()).isEqualTo(codeSystem);
    assertThat(lazyWorker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, codeSystem)).as("a CodeSystem's URL asked as a ValueSet").isNull();
    assertThat(lazyWorker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, "")).isNull();
  }

  /**
   * What was found is kept, and what was not is asked for again: a definition added to the chain after a first miss is
   * found the next time (on a chain without a cache of its own, which would keep the miss).
   */
  @Test
  void asksAgainForWhatItDidNotFind() {
    AtomicInteger asked = new AtomicInteger();
    PrePopulatedValidationSupport own =
        new PrePopulatedValidationSupport(CTX) {
          @Override
          public IBaseResource fetchValueSet(String theUri) {
            asked.incrementAndGet();
            return super.fetchValueSet(theUri);
          }
        };
    CoreDefinitions core = new CoreDefinitions(CTX);
    LazyWorkerContext worker =
        new LazyWorkerContext(
            new ValidationSupportChain(ValidationSupportChain.CacheConfiguration.disabled(), own, core),
            core,
            own::fetchAllStructureDefinitions);
    String url = "http://example.org/fhir/ValueSet/added-later";
    assertThat(worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, url)).isNull();
    own.addValueSet(new org.hl7.fhir.r4.model.ValueSet().setUrl(url));
    var found = worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, url);
    assertThat(found).isNotNull();
    assertThat(found.getUrl()).isEqualTo(url);
    int asksSoFar = asked.get();
    assertThat(worker.fetchResource(org.hl7.fhir.r5.model.ValueSet.class, url)).isSameAs(found);
    assertThat(asked.get()).as("the chain asked again for what was found").isEqualTo(asksSoFar);
    assertThat(worker.fetchResource(org.hl7.fhir.r5.model.CodeSystem.class, url))
        .as("the same URL as another type")
        .isNull();
  }

  private static int assertSameFindings(String text, FhirFormat format) throws Exception {
    List<String> expected = describe(hapi, text, format);
    assertThat(describe(lazy, text, format)).as(text).isEqualTo(expected);
    return expected.size();
  }

  private static List<String> describe(Setup setup, String text, FhirFormat format) throws Exception {
    List<ValidationMessage> messages = new ArrayList<>();
    ParserBase parser = setup.parsers().apply(format);
    parser.setupValidation(ParserBase.ValidationPolicy.EVERYTHING);
    for (ValidatedFragment fragment : parser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
      messages.addAll(fragment.getErrors());
      if (fragment.getElement() != null) {
        setup.validator().validate(null, messages, null, fragment.getElement(), List.of());
      }
    }
    return messages.stream().map(m -> m.getLevel() + " " + m.getLocation() + " " + m.getMessageId() + " " + m.getMessage()).sorted().toList();
  }
}
