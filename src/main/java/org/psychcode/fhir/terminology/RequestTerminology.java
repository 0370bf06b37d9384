package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;

/**
 * The published terminology with the resources one request carries ({@code tx-resource}, an inline
 * {@code valueSet} or {@code codeSystem}) laid over it. Lives only as long as that request; the registry is never
 * changed. A CodeSystem sent inline takes precedence when it is complete; a fragment sent inline only fills in for
 * a system the server does not publish.
 */
final class RequestTerminology implements TerminologySource {

  private final TerminologySource base;
  private final List<CodeSystemIndex> codeSystems = new ArrayList<>();
  private final List<CodeSystem> supplements = new ArrayList<>();
  private final List<ValueSet> valueSets = new ArrayList<>();
  private final List<ConceptMap> conceptMaps = new ArrayList<>();

  RequestTerminology(TerminologySource base, List<? extends IBaseResource> resources) {
    this.base = base;
    for (IBaseResource r : resources) {
      if (r instanceof CodeSystem cs) {
        if (TerminologyRegistry.isSupplement(cs)) {
          supplements.add(cs);
        } else if (cs.hasUrl()) {
          codeSystems.add(CodeSystemIndex.of(cs));
        }
      } else if (r instanceof ValueSet vs && vs.hasUrl()) {
        valueSets.add(vs);
      } else if (r instanceof ConceptMap cm && cm.hasUrl()) {
        conceptMaps.add(cm);
      }
    }
  }

  @Override
  public Optional<CodeSystemIndex> codeSystem(String url, String version) {
    if (url == null) {
      return Optional.empty();
    }
    String canonical = TerminologyRegistry.canonicalSystem(url);
    Optional<CodeSystemIndex> own = newest(codeSystems, canonical, version);
    if (own.isPresent() && own.get().isComplete()) {
      return own;
    }
    Optional<CodeSystemIndex> published = base.codeSystem(url, version);
    return published.isPresent() ? published : own;
  }

  private static Optional<CodeSystemIndex> newest(List<CodeSystemIndex> list, String url, String version) {
    return TerminologyRegistry.pick(
        list.stream()
            .filter(c -> url.equals(c.url()))
            .sorted(Comparator.comparing(CodeSystemIndex::version, Versions.NEWEST_LAST))
            .toList(),
        version,
        CodeSystemIndex::version);
  }

  @Override
  public List<String> codeSystemVersions(String url) {
    TreeSet<String> all = new TreeSet<>(Versions.NEWEST_LAST);
    all.addAll(base.codeSystemVersions(url));
    String canonical = TerminologyRegistry.canonicalSystem(url);
    codeSystems.stream()
        .filter(c -> canonical.equals(c.url()) && c.version() != null)
        .forEach(c -> all.add(c.version()));
    return List.copyOf(all);
  }

  @Override
  public Optional<CodeSystem> supplement(String url, String version) {
    Optional<CodeSystem> own =
        TerminologyRegistry.pick(
            supplements.stream()
                .filter(s -> url.equals(s.getUrl()))
                .sorted(Comparator.comparing(CodeSystem::getVersion, Versions.NEWEST_LAST))
                .toList(),
            version,
            CodeSystem::getVersion);
    return own.isPresent() ? own : base.supplement(url, version);
  }

  @Override
  public List<CodeSystem> supplementsOf(String url) {
    List<CodeSystem> out = new ArrayList<>(base.supplementsOf(url));
    String canonical = TerminologyRegistry.canonicalSystem(url);
    supplements.stream().filter(s -> canonical.equals(CanonicalPair.of(s.getSupplements()).getUrl())).forEach(out::add);
    return out;
  }

  @Override
  public Optional<ValueSet> valueSet(String url, String version) {
    Optional<ValueSet> own =
        TerminologyRegistry.pick(
            valueSets.stream()
                .filter(v -> url != null && url.equals(v.getUrl()))
                .sorted(Comparator.comparing(ValueSet::getVersion, Versions.NEWEST_LAST))
                .toList(),
            version,
            ValueSet::getVersion);
    return own.isPresent() ? own : base.valueSet(url, version);
  }

  @Override
  public Optional<ConceptMap> conceptMap(String url, String version) {
    Optional<ConceptMap> own =
        TerminologyRegistry.pick(
            conceptMaps.stream().filter(c -> url != null && url.equals(c.getUrl())).toList(),
            version,
            ConceptMap::getVersion);
    return own.isPresent() ? own : base.conceptMap(url, version);
  }

  @Override
  public List<ConceptMap> conceptMaps() {
    List<ConceptMap> all = new ArrayList<>(conceptMaps);
    all.addAll(base.conceptMaps());
    return all;
  }

  @Override
  public boolean isPublished() {
    return false;
  }
}
