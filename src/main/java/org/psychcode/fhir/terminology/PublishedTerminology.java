package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Everything the server knows without a request's help: the terminology it publishes ({@code terminology/}), then
 * the FHIR R4 core terminology for whatever that does not cover.
 */
final class PublishedTerminology implements TerminologySource {

  private final TerminologyRegistry registry;
  private final CoreTerminology core;

  PublishedTerminology(TerminologyRegistry registry, CoreTerminology core) {
    this.registry = registry;
    this.core = core;
  }

  @Override
  public Optional<CodeSystemIndex> codeSystem(String url, String version) {
    Optional<CodeSystemIndex> own = registry.codeSystem(url, version);
    if (own.isPresent() || !registry.codeSystemVersions(url).isEmpty() || registry.codeSystem(url).isPresent()) {
      return own;
    }
    return core.codeSystem(url).filter(cs -> Versions.matches(version, cs.version()));
  }

  @Override
  public List<String> codeSystemVersions(String url) {
    List<String> own = registry.codeSystemVersions(url);
    if (!own.isEmpty() || registry.codeSystem(url).isPresent()) {
      return own;
    }
    List<String> out = new ArrayList<>();
    core.codeSystem(url).map(CodeSystemIndex::version).ifPresent(out::add);
    return out;
  }

  @Override
  public Optional<CodeSystem> supplement(String url, String version) {
    return registry.supplement(url, version);
  }

  @Override
  public List<CodeSystem> supplementsOf(String url) {
    return registry.supplementsOf(url);
  }

  @Override
  public Optional<ValueSet> valueSet(String url, String version) {
    Optional<ValueSet> own = registry.valueSet(url, version);
    if (own.isPresent() || registry.valueSet(url, null).isPresent()) {
      return own;
    }
    return core.valueSet(url).filter(vs -> Versions.matches(version, vs.getVersion()));
  }

  @Override
  public Optional<ConceptMap> conceptMap(String url, String version) {
    return registry.conceptMap(url, version);
  }

  @Override
  public List<ConceptMap> conceptMaps() {
    return registry.conceptMaps();
  }

  @Override
  public boolean isPublished() {
    return true;
  }
}
