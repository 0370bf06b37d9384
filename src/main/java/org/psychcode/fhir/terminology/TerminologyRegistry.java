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
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
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
public class TerminologyRegistry {

  /** HCPCS Level II's canonical URL, and the {@code http://} form older THO releases used. */
  public static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

  public static final String HCPCS_HTTP = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

  private static final Logger log = LoggerFactory.getLogger(TerminologyRegistry.class);

  private final Map<String, List<CodeSystemIndex>> codeSystems = new LinkedHashMap<>();
  private final Map<String, List<ValueSet>> valueSets = new LinkedHashMap<>();
  private final Map<String, List<ConceptMap>> conceptMaps = new LinkedHashMap<>();
  private final String contentVersion;

  public TerminologyRegistry(FhirContext ctx, TerminologyProperties properties) throws IOException {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    Resource[] files = resolver.getResources(properties.location() + "*.json");
    Arrays.sort(files, Comparator.comparing(Resource::getFilename));
    IParser parser = ctx.newJsonParser();
    MessageDigest digest = sha256();
    for (Resource file : files) {
      byte[] bytes;
      try (InputStream in = file.getInputStream()) {
        bytes = in.readAllBytes();
      }
      digest.update(bytes);
      IBaseResource resource = parser.parseResource(new String(bytes, StandardCharsets.UTF_8));
      if (resource instanceof CodeSystem cs) {
        add(codeSystems, cs.getUrl(), CodeSystemIndex.of(cs));
      } else if (resource instanceof ValueSet vs) {
        add(valueSets, vs.getUrl(), vs);
      } else if (resource instanceof ConceptMap cm) {
        add(conceptMaps, cm.getUrl(), cm);
      }
    }
    this.contentVersion = HexFormat.of().formatHex(digest.digest(), 0, 8);
    log.info(
        "Terminology loaded from {}: {} code systems ({} codes), {} value sets, {} concept maps; content version {}",
        properties.location(),
        codeSystems.values().stream().mapToInt(List::size).sum(),
        codeSystems.values().stream().flatMap(List::stream).mapToInt(i -> i.concepts().size()).sum(),
        valueSets.values().stream().mapToInt(List::size).sum(),
        conceptMaps.values().stream().mapToInt(List::size).sum(),
        contentVersion);
  }

  private static <T> void add(Map<String, List<T>> map, String url, T item) {
    map.computeIfAbsent(url, k -> new ArrayList<>()).add(item);
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

  public Optional<CodeSystemIndex> codeSystem(String url, String version) {
    List<CodeSystemIndex> candidates = codeSystems.get(canonicalSystem(url));
    if (candidates == null) {
      return Optional.empty();
    }
    if (version == null) {
      return Optional.of(candidates.get(candidates.size() - 1));
    }
    return candidates.stream().filter(c -> version.equals(c.version())).findFirst();
  }

  public Optional<ValueSet> valueSet(String url, String version) {
    return latest(valueSets.get(url), version);
  }

  public Optional<ConceptMap> conceptMap(String url, String version) {
    return latest(conceptMaps.get(url), version);
  }

  private static <T extends MetadataResource> Optional<T> latest(List<T> candidates, String version) {
    if (candidates == null) {
      return Optional.empty();
    }
    if (version == null) {
      return Optional.of(candidates.get(candidates.size() - 1));
    }
    return candidates.stream().filter(c -> version.equals(c.getVersion())).findFirst();
  }

  public List<CodeSystemIndex> codeSystems() {
    return codeSystems.values().stream().flatMap(List::stream).toList();
  }

  public List<ValueSet> valueSets() {
    return valueSets.values().stream().flatMap(List::stream).toList();
  }

  public List<ConceptMap> conceptMaps() {
    return conceptMaps.values().stream().flatMap(List::stream).toList();
  }

  /** A short hash of every loaded file: the version of everything the terminology answers depend on. */
  public String contentVersion() {
    return contentVersion;
  }
}
