package org.psychcode.fhir.terminology;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
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

  public TerminologyService(TerminologyRegistry registry, CoreTerminology core) {
    this.registry = registry;
    TerminologySource published = new PublishedTerminology(registry, core);
    this.stored = precompute(registry, published);
    this.validateCode = new ValidateCodeOperation(published);
    this.expand = new ExpandOperation(published, stored);
    this.lookup = new LookupOperation(published);
    this.subsumes = new SubsumesOperation(published);
    this.translate = new TranslateOperation(published);
    this.batch = new BatchValidateOperation(validateCode);
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
