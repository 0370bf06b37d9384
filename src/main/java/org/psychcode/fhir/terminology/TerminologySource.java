package org.psychcode.fhir.terminology;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Where an operation finds the terminology it works on: the published registry, or the registry with the
 * CodeSystems and ValueSets a client sent inside one request laid over it.
 */
public interface TerminologySource {

  /** The code system (not a supplement) with this url; {@code version} null or empty means the newest. */
  Optional<CodeSystemIndex> codeSystem(String url, String version);

  /** Every version known for a code system url, oldest first. */
  List<String> codeSystemVersions(String url);

  /** Supplements (CodeSystem content {@code supplement}) whose own url is {@code url}. */
  Optional<CodeSystem> supplement(String url, String version);

  /** Every supplement that adds to the code system {@code url}. */
  List<CodeSystem> supplementsOf(String url);

  Optional<ValueSet> valueSet(String url, String version);

  Optional<ConceptMap> conceptMap(String url, String version);

  List<ConceptMap> conceptMaps();

  /** True when nothing request-specific is laid over the published terminology. */
  boolean isPublished();
}
