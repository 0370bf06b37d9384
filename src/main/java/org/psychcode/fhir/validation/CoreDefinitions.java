package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR R4 core definitions (every StructureDefinition, ValueSet and CodeSystem of the specification, as HAPI's
 * {@link DefaultProfileValidationSupport} serves them), each read from its own file when it is first asked for.
 * HAPI's support parses all of them at once, some 3,000 resources and 40 MB of XML, and the validator then holds
 * them with their R5 conversions (about 240 MB); a visit needs about 25 StructureDefinitions and 25 value sets and
 * code systems. The files and their index are written at build time by {@link CoreDefinitionsSplit}; the index
 * also gives each StructureDefinition's name, type, kind and derivation, which is all the validator reads of the
 * definitions it does not use ({@link LazyWorkerContext}).
 *
 * <p>URLs are looked up as HAPI's support looks them up: a StructureDefinition by its URL or type name; a ValueSet
 * or CodeSystem by its URL, a {@code |version} suffix held against the resource's version except for HL7's own.
 */
final class CoreDefinitions implements IValidationSupport {

  static final String LOCATION = "/fhir-core-r4/";
  private static final String SD_PREFIX = "http://hl7.org/fhir/StructureDefinition/";
  private static final String SD_BASE_PREFIX = "http://hl7.org/fhir/";
  private static final String PACKAGE_ID = "hl7.fhir.r4.core";
  private static final Logger log = LoggerFactory.getLogger(CoreDefinitions.class);

  /** One line of the index: a StructureDefinition's outline, or only the url, version and file of the others. */
  record Entry(
      String type, String url, String version, String file, String name, String sdType, String kind, String derivation,
      boolean isAbstract, String base) {}

  private final FhirContext ctx;
  private final Map<String, Entry> structures = new HashMap<>();
  private final Map<String, Entry> codeSystems = new HashMap<>();
  private final Map<String, Entry> valueSets = new HashMap<>();
  private final List<Entry> structureList = new ArrayList<>();
  private final Map<String, IBaseResource> loaded = new ConcurrentHashMap<>();
  private final AtomicBoolean loadedAll = new AtomicBoolean();

  CoreDefinitions(FhirContext ctx) {
    this.ctx = ctx;
    try (InputStream in = stream(CoreDefinitionsSplit.INDEX);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        Entry e =
            f.length > 4
                ? new Entry(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], Boolean.parseBoolean(f[8]), f[9])
                : new Entry(f[0], f[1], f[2], f[3], null, null, null, null, false, null);
        switch (e.type()) {
          case "StructureDefinition" -> {
            structures.put(e.url(), e);
            structureList.add(e);
          }
          case "CodeSystem" -> codeSystems.put(e.url(), e);
          case "ValueSet" -> valueSets.put(e.url(), e);
          default -> throw new IllegalStateException("unexpected index line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public FhirContext getFhirContext() {
    return ctx;
  }

  @Override
  public String getName() {
    return "FHIR R4 core definitions, read when first needed";
  }

  /** The outline of every core StructureDefinition, in the order HAPI's bundles hold them. */
  List<Entry> structureOutlines() {
    return structureList;
  }

  /** The outline of the core StructureDefinition of this URL, or null. */
  Entry structureOutline(String url) {
    return structures.get(url);
  }

  @Override
  public IBaseResource fetchStructureDefinition(String theUrl) {
    String url = theUrl;
    if (!url.startsWith(SD_PREFIX)) {
      if (url.indexOf('/') == -1) {
        url = SD_PREFIX + url;
      } else if (url.chars().filter(c -> c == '/').count() == 1) {
        url = SD_BASE_PREFIX + url;
      }
    }
    Entry e = structures.get(url);
    if (e == null && url.startsWith(SD_PREFIX) && url.length() > SD_PREFIX.length()) {
      String end = url.substring(SD_PREFIX.length());
      if (Character.isUpperCase(end.charAt(0))) {
        Entry lower = structures.get(SD_PREFIX + Character.toLowerCase(end.charAt(0)) + end.substring(1));
        if (lower != null) {
          org.hl7.fhir.r4.model.StructureDefinition copy = ((org.hl7.fhir.r4.model.StructureDefinition) load(lower)).copy();
          copy.setType(end);
          return copy;
        }
      }
    }
    return e == null ? null : load(e);
  }

  @Override
  public IBaseResource fetchCodeSystem(String system) {
    return terminology(codeSystems, system);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    return terminology(valueSets, url);
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
    if (type == null) {
      IBaseResource r = fetchStructureDefinition(url);
      r = r != null ? r : fetchValueSet(url);
      return (T) (r != null ? r : fetchCodeSystem(url));
    }
    return switch (ctx.getResourceType(type)) {
      case "StructureDefinition" -> (T) fetchStructureDefinition(url);
      case "ValueSet" -> (T) fetchValueSet(url);
      case "CodeSystem" -> (T) fetchCodeSystem(url);
      default -> null;
    };
  }

  /**
   * Every core StructureDefinition: HAPI's answer, and as costly. The validator is kept from asking ({@link
   * LazyWorkerContext}); should a later HAPI version ask, validation stays right, only slower, and this says so.
   */
  @SuppressWarnings("unchecked")
  @Override
  public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
    if (loadedAll.compareAndSet(false, true)) {
      log.info("Every FHIR core StructureDefinition was asked for; reading all {} of them", structureList.size());
    }
    List<T> all = new ArrayList<>(structureList.size());
    for (Entry e : structureList) {
      all.add((T) load(e));
    }
    return all;
  }

  @Override
  public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
    return null;
  }

  /** How many core definitions have been read so far (for the start-up log and the tests). */
  int loadedCount() {
    return loaded.size();
  }

  private IBaseResource terminology(Map<String, Entry> index, String theUrl) {
    String url = theUrl;
    String version = null;
    int bar = url.indexOf('|');
    if (bar > 0) {
      version = url.substring(bar + 1);
      url = url.substring(0, bar);
    }
    Entry e = index.get(url);
    if (e == null) {
      return null;
    }
    if (version != null && !version.isBlank() && !url.startsWith("http://hl7.org") && !url.startsWith("http://terminology.hl7.org")
        && !version.equals(e.version())) {
      return null;
    }
    return load(e);
  }

  private IBaseResource load(Entry e) {
    return loaded.computeIfAbsent(
        e.file(),
        file -> {
          try (InputStream in = stream(file)) {
            IBaseResource r = ctx.newJsonParser().parseResource(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.setUserData(DefaultProfileValidationSupport.SOURCE_PACKAGE_ID, PACKAGE_ID);
            if ("StructureDefinition".equals(e.type())) {
              r.setUserData("package", "hl7.fhir.r4");
            }
            return r;
          } catch (IOException ex) {
            throw new UncheckedIOException(ex);
          }
        });
  }

  private static InputStream stream(String file) {
    InputStream in = CoreDefinitions.class.getResourceAsStream(LOCATION + file);
    if (in == null) {
      throw new IllegalStateException(
          "The FHIR core definitions index " + LOCATION + file + " is missing: it is written by the build (process-classes)");
    }
    return in;
  }
}
