package org.psychcode.fhir.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The terminology the server publishes, read once at start-up from {@code terminology/} (the source of
 * truth) and held in memory, indexed. Everything here is immutable after construction, so look-ups need no
 * locks. {@link #contentVersion()} changes whenever any file changes: answers derived from the terminology
 * may be cached under it.
 */
@Component
public class TerminologyRegistry implements TerminologySource {

  /** HCPCS Level II's canonical URL, and the {@code http://} form older THO releases used. */
  public static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

  public static final String HCPCS_HTTP = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

  private static final Logger log = LoggerFactory.getLogger(TerminologyRegistry.class);

  private final Map<String, List<CodeSystemIndex>> codeSystems;
  private final Map<String, List<CodeSystem>> supplements;
  private final Map<String, List<CodeSystem>> supplementsByTarget;
  private final Map<String, List<ValueSet>> valueSets;
  private final Map<String, List<ConceptMap>> conceptMaps;
  private final Map<String, CodeSystemIndex> codeSystemsById = new LinkedHashMap<>();
  private final Map<String, ValueSet> valueSetsById = new LinkedHashMap<>();
  private final Map<String, ConceptMap> conceptMapsById = new LinkedHashMap<>();
  private final String contentVersion;

  private static final java.util.regex.Pattern FHIR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /**
   * A published resource is read and searched by its id: one written without an id gets the rest of its file
   * name ({@code CodeSystem-tmp.json}: {@code tmp}), or, when that is no FHIR id, a digest of the name.
   */
  private static void giveIdIfNone(IBaseResource resource, String fileName) {
    if (!(resource instanceof org.hl7.fhir.r4.model.Resource r) || (r.hasIdElement() && r.getIdElement().getIdPart() != null)) {
      return;
    }
    String stem = fileName == null ? "" : fileName.replaceFirst("\\.json$", "");
    String prefix = r.fhirType() + "-";
    String id = stem.startsWith(prefix) ? stem.substring(prefix.length()) : stem;
    if (!FHIR_ID.matcher(id).matches()) {
      id = Integer.toHexString(String.valueOf(fileName).hashCode());
    }
    r.setId(id);
    log.warn("{} has no id: published as {}/{}", fileName, r.fhirType(), id);
  }

  public TerminologyRegistry(FhirContext ctx, TerminologyProperties properties) throws IOException {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    Resource[] files;
    try {
      files = resolver.getResources(properties.location() + "*.json");
    } catch (java.io.FileNotFoundException e) {
      log.warn("No terminology at {}: the server publishes no code systems", properties.location());
      files = new Resource[0];
    }
    Arrays.sort(files, Comparator.comparing(Resource::getFilename));
    IParser parser = ctx.newJsonParser();
    MessageDigest digest = sha256();
    List<CodeSystem> loadedCodeSystems = new ArrayList<>();
    List<ValueSet> loadedValueSets = new ArrayList<>();
    List<ConceptMap> loadedConceptMaps = new ArrayList<>();
    for (Resource file : files) {
      byte[] bytes;
      try (InputStream in = file.getInputStream()) {
        bytes = in.readAllBytes();
      }
      digest.update(bytes);
      IBaseResource resource = parser.parseResource(new String(bytes, StandardCharsets.UTF_8));
      giveIdIfNone(resource, file.getFilename());
      if (resource instanceof CodeSystem cs) {
        loadedCodeSystems.add(cs);
      } else if (resource instanceof ValueSet vs) {
        loadedValueSets.add(vs);
      } else if (resource instanceof ConceptMap cm) {
        loadedConceptMaps.add(cm);
      }
    }
    this.supplements = group(
        loadedCodeSystems.stream().filter(TerminologyRegistry::isSupplement).toList(), CodeSystem::getUrl);
    this.supplementsByTarget = group(
        loadedCodeSystems.stream().filter(TerminologyRegistry::isSupplement).toList(),
        cs -> CanonicalPair.of(cs.getSupplements()).getUrl());
    List<CodeSystemIndex> indexes = new ArrayList<>();
    for (CodeSystem cs : loadedCodeSystems) {
      if (!isSupplement(cs)) {
        CodeSystemIndex index = CodeSystemIndex.of(cs);
        indexes.add(index);
        if (cs.hasIdElement() && cs.getIdElement().getIdPart() != null) {
          codeSystemsById.put(cs.getIdElement().getIdPart(), index);
        }
      }
    }
    this.codeSystems = groupSorted(indexes, CodeSystemIndex::url, CodeSystemIndex::version);
    this.valueSets = groupSorted(loadedValueSets, ValueSet::getUrl, ValueSet::getVersion);
    this.conceptMaps = groupSorted(loadedConceptMaps, ConceptMap::getUrl, ConceptMap::getVersion);
    loadedValueSets.forEach(vs -> putById(valueSetsById, vs));
    loadedConceptMaps.forEach(cm -> putById(conceptMapsById, cm));
    this.contentVersion = HexFormat.of().formatHex(digest.digest(), 0, 8);
    log.info(
        "Terminology loaded from {}: {} code systems ({} codes), {} value sets, {} concept maps; content version {}",
        properties.location(),
        indexes.size(),
        indexes.stream().mapToInt(CodeSystemIndex::size).sum(),
        loadedValueSets.size(),
        loadedConceptMaps.size(),
        contentVersion);
  }

  static boolean isSupplement(CodeSystem cs) {
    return cs.getContent() == CodeSystem.CodeSystemContentMode.SUPPLEMENT && cs.hasSupplements();
  }

  private static <T extends MetadataResource> void putById(Map<String, T> map, T r) {
    if (r.hasIdElement() && r.getIdElement().getIdPart() != null) {
      map.put(r.getIdElement().getIdPart(), r);
    }
  }

  private static <T> Map<String, List<T>> group(List<T> items, Function<T, String> key) {
    Map<String, List<T>> map = new LinkedHashMap<>();
    items.forEach(i -> map.computeIfAbsent(key.apply(i), k -> new ArrayList<>()).add(i));
    map.replaceAll((k, v) -> List.copyOf(v));
    return map;
  }

  private static <T> Map<String, List<T>> groupSorted(
      List<T> items, Function<T, String> url, Function<T, String> version) {
    Map<String, List<T>> map = new LinkedHashMap<>();
    items.forEach(i -> map.computeIfAbsent(url.apply(i), k -> new ArrayList<>()).add(i));
    map.replaceAll(
        (k, v) -> v.stream().sorted(Comparator.comparing(version, Versions.NEWEST_LAST)).toList());
    return map;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Maps accepted aliases of a system URL to the URL the server publishes it under. */
  public static String canonicalSystem(String system) {
    return HCPCS_HTTP.equals(system) ? HCPCS : system;
  }

  /** The newest loaded version of a code system (the HCPCS {@code http://} alias included). */
  public Optional<CodeSystemIndex> codeSystem(String url) {
    return codeSystem(url, null);
  }

  @Override
  public Optional<CodeSystemIndex> codeSystem(String url, String version) {
    if (url == null) {
      return Optional.empty();
    }
    return pick(codeSystems.get(canonicalSystem(url)), version, CodeSystemIndex::version);
  }

  @Override
  public List<String> codeSystemVersions(String url) {
    List<CodeSystemIndex> list = url == null ? null : codeSystems.get(canonicalSystem(url));
    if (list == null) {
      return List.of();
    }
    return list.stream().map(CodeSystemIndex::version).filter(v -> v != null).toList();
  }

  @Override
  public Optional<CodeSystem> supplement(String url, String version) {
    return pick(supplements.get(url), version, CodeSystem::getVersion);
  }

  @Override
  public List<CodeSystem> supplementsOf(String url) {
    return supplementsByTarget.getOrDefault(canonicalSystem(url), List.of());
  }

  @Override
  public Optional<ValueSet> valueSet(String url, String version) {
    return pick(url == null ? null : valueSets.get(url), version, ValueSet::getVersion);
  }

  @Override
  public Optional<ConceptMap> conceptMap(String url, String version) {
    return pick(url == null ? null : conceptMaps.get(url), version, ConceptMap::getVersion);
  }

  @Override
  public boolean isPublished() {
    return true;
  }

  /** The newest candidate whose version matches (wildcards allowed); the newest of all when none is asked. */
  static <T> Optional<T> pick(List<T> candidates, String version, Function<T, String> versionOf) {
    if (candidates == null || candidates.isEmpty()) {
      return Optional.empty();
    }
    if (version == null || version.isEmpty()) {
      return Optional.of(candidates.get(candidates.size() - 1));
    }
    for (int i = candidates.size() - 1; i >= 0; i--) {
      if (Versions.matches(version, versionOf.apply(candidates.get(i)))) {
        return Optional.of(candidates.get(i));
      }
    }
    return Optional.empty();
  }

  public List<CodeSystemIndex> codeSystems() {
    return codeSystems.values().stream().flatMap(List::stream).toList();
  }

  /** Every loaded CodeSystem resource, supplements included, as a reader would list them. */
  public List<CodeSystem> codeSystemResources() {
    List<CodeSystem> all = new ArrayList<>(codeSystems().stream().map(CodeSystemIndex::codeSystem).toList());
    supplements.values().forEach(all::addAll);
    return all;
  }

  public List<ValueSet> valueSets() {
    return valueSets.values().stream().flatMap(List::stream).toList();
  }

  @Override
  public List<ConceptMap> conceptMaps() {
    return conceptMaps.values().stream().flatMap(List::stream).toList();
  }

  public Optional<CodeSystemIndex> codeSystemById(String id) {
    return Optional.ofNullable(codeSystemsById.get(id));
  }

  public Optional<CodeSystem> codeSystemResourceById(String id) {
    CodeSystemIndex i = codeSystemsById.get(id);
    if (i != null) {
      return Optional.of(i.codeSystem());
    }
    return supplements.values().stream()
        .flatMap(List::stream)
        .filter(s -> id.equals(s.getIdElement().getIdPart()))
        .findFirst();
  }

  public Optional<ValueSet> valueSetById(String id) {
    return Optional.ofNullable(valueSetsById.get(id));
  }

  public Optional<ConceptMap> conceptMapById(String id) {
    return Optional.ofNullable(conceptMapsById.get(id));
  }

  /** A short hash of every loaded file: the version of everything the terminology answers depend on. */
  public String contentVersion() {
    return contentVersion;
  }
}
