package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.util.BundleUtil;
import ca.uhn.fhir.util.VersionUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run by the build (exec-maven-plugin, phase {@code process-classes}): writes each FHIR R4 core definition of
 * HAPI's {@code hapi-fhir-validation-resources-r4} (the bundles HAPI's {@code DefaultProfileValidationSupport}
 * reads, in its order, a later one replacing an earlier one of the same URL) as its own JSON file, with an
 * index, so that {@link CoreDefinitions} can read just the ones a validation needs. Does nothing when the
 * index was written for the same HAPI version.
 */
public final class CoreDefinitionsSplit {

  static final String INDEX = "index.tsv";

  private static final List<String> TERMINOLOGY =
      List.of(
          "/org/hl7/fhir/r4/model/valueset/valuesets.xml",
          "/org/hl7/fhir/r4/model/valueset/v2-tables.xml",
          "/org/hl7/fhir/r4/model/valueset/v3-codesystems.xml");
  private static final List<String> STRUCTURES =
      List.of(
          "/org/hl7/fhir/r4/model/profile/profiles-resources.xml",
          "/org/hl7/fhir/r4/model/profile/profiles-types.xml",
          "/org/hl7/fhir/r4/model/profile/profiles-others.xml",
          "/org/hl7/fhir/r4/model/extension/extension-definitions.xml");
  private static final String STORAGE_CODES = "/ca/uhn/fhir/context/support/HapiFhirStorageResponseCode.json";

  private CoreDefinitionsSplit() {}

  public static void main(String[] args) throws IOException {
    quietLogging();
    Path out = Path.of(args[0]);
    String stamp = "# hapi-fhir " + VersionUtil.getVersion();
    Path index = out.resolve(INDEX);
    if (Files.exists(index) && Files.readAllLines(index).stream().findFirst().filter(stamp::equals).isPresent()) {
      return;
    }
    FhirContext ctx = FhirContext.forR4Cached();
    Map<String, IBaseResource> byKey = new LinkedHashMap<>();
    for (String file : TERMINOLOGY) {
      for (IBaseResource r : bundle(ctx, file)) {
        if (r instanceof CodeSystem cs && cs.hasUrl()) {
          byKey.put("CodeSystem\t" + cs.getUrl(), cs);
        } else if (r instanceof ValueSet vs && vs.hasUrl()) {
          byKey.put("ValueSet\t" + vs.getUrl(), vs);
        }
      }
    }
    try (InputStream in = CoreDefinitionsSplit.class.getResourceAsStream(STORAGE_CODES)) {
      CodeSystem storage = (CodeSystem) ctx.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false)).parseResource(in);
      byKey.put("CodeSystem\t" + storage.getUrl(), storage);
    }
    for (String file : STRUCTURES) {
      for (IBaseResource r : bundle(ctx, file)) {
        if (r instanceof StructureDefinition sd && sd.hasUrl()) {
          byKey.put("StructureDefinition\t" + sd.getUrl(), sd);
        }
      }
    }
    Files.createDirectories(out);
    IParser json = ctx.newJsonParser();
    try (Writer w = Files.newBufferedWriter(index, StandardCharsets.UTF_8)) {
      w.write(stamp + "\n");
      w.write("# type\turl\tversion\tfile\tname\tsd-type\tkind\tderivation\tabstract\tbase\n");
      int n = 0;
      for (Map.Entry<String, IBaseResource> e : byKey.entrySet()) {
        String file = (n++) + ".json";
        Files.writeString(out.resolve(file), json.encodeResourceToString(e.getValue()), StandardCharsets.UTF_8);
        w.write(e.getKey() + "\t" + version(e.getValue()) + "\t" + file + outline(e.getValue()) + "\n");
      }
    }
  }

  private static String version(IBaseResource r) {
    String v =
        r instanceof CodeSystem cs ? cs.getVersion() : r instanceof ValueSet vs ? vs.getVersion() : ((StructureDefinition) r).getVersion();
    return v == null ? "" : v;
  }

  private static String outline(IBaseResource r) {
    if (!(r instanceof StructureDefinition sd)) {
      return "";
    }
    return "\t" + sd.getName() + "\t" + sd.getType() + "\t" + (sd.hasKind() ? sd.getKind().toCode() : "")
        + "\t" + (sd.hasDerivation() ? sd.getDerivation().toCode() : "") + "\t" + sd.getAbstract()
        + "\t" + (sd.hasBaseDefinition() ? sd.getBaseDefinition() : "");
  }

  /** The build's output shows what went wrong, not HAPI's start-up notes. */
  private static void quietLogging() {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static List<IBaseResource> bundle(FhirContext ctx, String path) {
    try (InputStream in = CoreDefinitionsSplit.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath (hapi-fhir-validation-resources-r4)");
      }
      Bundle b = (Bundle) ctx.newXmlParser().setParserErrorHandler(new LenientErrorHandler(false)).parseResource(new InputStreamReader(in, StandardCharsets.UTF_8));
      return BundleUtil.toListOfResources(ctx, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
