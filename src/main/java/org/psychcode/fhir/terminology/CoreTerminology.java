package org.psychcode.fhir.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The code systems and value sets of FHIR R4 itself (administrative-gender, publication-status, ...), as HAPI ships
 * them. Value sets that clients send often build on them, and resources use them, so the server knows them too,
 * behind what {@code terminology/} publishes. Read the first time a request needs one (the files are large and
 * most requests never do), then indexed once per system.
 */
@Component
public class CoreTerminology {

  private static final Logger log = LoggerFactory.getLogger(CoreTerminology.class);

  private final DefaultProfileValidationSupport support;
  private final ConcurrentMap<String, Optional<CodeSystemIndex>> codeSystems = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Optional<ValueSet>> valueSets = new ConcurrentHashMap<>();

  public CoreTerminology(FhirContext ctx) {
    this.support = new DefaultProfileValidationSupport(ctx);
  }

  Optional<CodeSystemIndex> codeSystem(String url) {
    if (url == null || !url.startsWith("http://hl7.org/fhir/") && !url.startsWith("http://terminology.hl7.org/")) {
      return Optional.empty();
    }
    return codeSystems.computeIfAbsent(url, u -> {
      IBaseResource r = fetch(() -> support.fetchCodeSystem(u));
      if (r instanceof CodeSystem cs
          && (cs.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE
              || cs.getContent() == CodeSystem.CodeSystemContentMode.FRAGMENT)) {
        return Optional.of(CodeSystemIndex.of(cs));
      }
      return Optional.empty();
    });
  }

  Optional<ValueSet> valueSet(String url) {
    if (url == null || !url.startsWith("http://hl7.org/fhir/") && !url.startsWith("http://terminology.hl7.org/")) {
      return Optional.empty();
    }
    return valueSets.computeIfAbsent(url, u -> {
      IBaseResource r = fetch(() -> support.fetchValueSet(u));
      return r instanceof ValueSet vs ? Optional.of(vs) : Optional.empty();
    });
  }

  private IBaseResource fetch(java.util.function.Supplier<IBaseResource> f) {
    synchronized (support) {
      long start = System.nanoTime();
      IBaseResource r = f.get();
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ms > 500) {
        log.info("FHIR core terminology read in {} ms", ms);
      }
      return r;
    }
  }
}
