package org.psychcode.fhir.terminology;

import ca.uhn.fhir.context.FhirContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.psychcode.fhir.validation.ConformanceResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The terminology operations over the published registry: one entry point per operation, each delegating to its
 * own small class. Expansions of the published value sets are computed here once, at start-up. Every answer is a
 * function of the request and {@link TerminologyRegistry#contentVersion()} only.
 */
@Service
public class TerminologyService {

  private static final Logger log = LoggerFactory.getLogger(TerminologyService.class);

  private final TerminologyRegistry registry;
  private final Map<String, Expansion> stored;
  private final ValidateCodeOperation validateCode;
  private final ExpandOperation expand;
  private final LookupOperation lookup;
  private final SubsumesOperation subsumes;
  private final TranslateOperation translate;
  private final BatchValidateOperation batch;

  public TerminologyService(TerminologyRegistry registry, CoreTerminology core, FhirContext ctx) {
    this.registry = registry;
    TerminologySource published = new PublishedTerminology(registry, core);
    this.stored = precompute(registry, published);
    Map<String, OperationParameters> tables = parameterTables(ctx);
    this.validateCode =
        new ValidateCodeOperation(published, table(tables, "CodeSystem-validate-code"), table(tables, "ValueSet-validate-code"));
    this.expand = new ExpandOperation(published, stored, table(tables, "ValueSet-expand"));
    this.lookup = new LookupOperation(published, table(tables, "CodeSystem-lookup"));
    this.subsumes = new SubsumesOperation(published, table(tables, "CodeSystem-subsumes"));
    this.translate = new TranslateOperation(published, table(tables, "ConceptMap-translate"));
    this.batch = new BatchValidateOperation(validateCode, table(tables, "ValueSet-batch-validate-code"));
  }

  /** Each operation's parameters, as the OperationDefinitions the server publishes declare them. */
  private static Map<String, OperationParameters> parameterTables(FhirContext ctx) {
    Map<String, OperationParameters> out = new LinkedHashMap<>();
    for (OperationDefinition od : ConformanceResources.load(ctx, "OperationDefinition-*.json", OperationDefinition.class)) {
      OperationParameters table = OperationParameters.of(od);
      out.put(table.id(), table);
    }
    return out;
  }

  private static OperationParameters table(Map<String, OperationParameters> tables, String id) {
    OperationParameters table = tables.get(id);
    if (table == null) {
      throw new IllegalStateException("fhir-resources/OperationDefinition-" + id + ".json is missing");
    }
    return table;
  }

  private static Map<String, Expansion> precompute(TerminologyRegistry registry, TerminologySource published) {
    Map<String, Expansion> out = new LinkedHashMap<>();
    for (ValueSet vs : registry.valueSets()) {
      try {
        TxContext ctx = new TxContext(published, new TxParameters(false));
        out.put(
            ExpandOperation.key(vs),
            new ValueSetExpander(ctx, ValueSetExpander.INTERNAL_LIMIT, TextFilter.NONE).expand(vs));
      } catch (TxException e) {
        log.warn("Value set {} cannot be expanded: {}", vs.getUrl(), e.getMessage());
      }
    }
    log.info("Expanded {} of {} published value sets", out.size(), registry.valueSets().size());
    return Map.copyOf(out);
  }

  private static void noteInstance(TxRequest request, CodeSystemIndex instance) {
    if (instance != null && request.diagnostics() != null) {
      request.diagnostics().note("CodeSystem", instance.url(), instance.version(), "the instance");
    }
  }

  private static void noteInstance(TxRequest request, ValueSet instance) {
    if (instance != null && request.diagnostics() != null) {
      request.diagnostics().note("ValueSet", instance.getUrl(), instance.getVersion(), "the instance");
    }
  }

  private static Parameters traced(TxRequest request, Parameters answer) {
    return request.diagnostics() == null ? answer : request.diagnostics().addTo(answer);
  }

  private static ValueSet traced(TxRequest request, ValueSet answer) {
    return request.diagnostics() == null ? answer : request.diagnostics().addTo(answer);
  }

  public TerminologyRegistry registry() {
    return registry;
  }

  /**
   * The codes of one code system that a published value set holds, in the order its expansion lists them: the
   * expansion the engine computed at start-up, which {@code $expand} pages and {@code $validate-code} agrees with.
   * For readers that ask the same question very often (the billing rules ask it of every claim's diagnoses).
   */
  public List<String> members(String valueSetUrl, String system) {
    ValueSet vs =
        registry.valueSet(valueSetUrl, null)
            .orElseThrow(() -> new IllegalStateException("the value set " + valueSetUrl + " is not published"));
    Expansion expansion = stored.get(ExpandOperation.key(vs));
    if (expansion == null) {
      throw new IllegalStateException("the value set " + valueSetUrl + " could not be expanded");
    }
    return expansion.all.stream().filter(i -> system.equals(i.system)).map(i -> i.code).toList();
  }

  public Parameters validateCodeInCodeSystem(TxRequest request, CodeSystemIndex instance) {
    noteInstance(request, instance);
    return traced(request, validateCode.codeSystem(request, instance));
  }

  public Parameters validateCodeInValueSet(TxRequest request, ValueSet instance) {
    noteInstance(request, instance);
    return traced(request, validateCode.valueSet(request, instance));
  }

  public Parameters batchValidateCode(TxRequest request) {
    return batch.batch(request);
  }

  public ValueSet expand(TxRequest request, ValueSet instance) {
    noteInstance(request, instance);
    return traced(request, expand.expand(request, instance));
  }

  public Parameters lookup(TxRequest request, CodeSystemIndex instance) {
    noteInstance(request, instance);
    return traced(request, lookup.lookup(request, instance));
  }

  public Parameters subsumes(TxRequest request, CodeSystemIndex instance) {
    noteInstance(request, instance);
    return traced(request, subsumes.subsumes(request, instance));
  }

  public Parameters translate(TxRequest request, ConceptMap instance) {
    if (instance != null && request.diagnostics() != null) {
      request.diagnostics().note("ConceptMap", instance.getUrl(), instance.getVersion(), "the instance");
    }
    return traced(request, translate.translate(request, instance));
  }
}
