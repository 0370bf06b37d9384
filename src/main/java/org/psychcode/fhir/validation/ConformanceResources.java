package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The authored conformance resources of {@code fhir-resources/} (profiles, their value sets, operation
 * definitions) and its example visits, read from the classpath in file-name order: the one reader of that
 * folder, for the validator, the providers that publish the resources, and the warm-ups.
 */
public final class ConformanceResources {

  static final String LOCATION = "classpath*:/fhir-resources/";

  private ConformanceResources() {}

  public static List<IBaseResource> load(FhirContext ctx, String pattern) {
    IParser parser = ctx.newJsonParser();
    List<IBaseResource> result = new ArrayList<>();
    for (Resource file : files(LOCATION + pattern)) {
      result.add(parser.parseResource(read(file)));
    }
    return result;
  }

  /** The resources of this type among those the pattern names. */
  public static <T extends IBaseResource> List<T> load(FhirContext ctx, String pattern, Class<T> type) {
    return load(ctx, pattern).stream().filter(type::isInstance).map(type::cast).toList();
  }

  public static List<String> texts(String pattern) {
    List<String> result = new ArrayList<>();
    for (Resource file : files(LOCATION + pattern)) {
      result.add(read(file));
    }
    return result;
  }

  /** The texts the pattern names, keyed by file name, in file-name order. */
  public static java.util.Map<String, String> named(String pattern) {
    java.util.Map<String, String> result = new java.util.LinkedHashMap<>();
    for (Resource file : files(LOCATION + pattern)) {
      result.put(file.getFilename(), read(file));
    }
    return result;
  }

  private static Resource[] files(String pattern) {
    try {
      Resource[] files = new PathMatchingResourcePatternResolver().getResources(pattern);
      Arrays.sort(files, Comparator.comparing(Resource::getFilename));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Resource file) {
    try (InputStream in = file.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
