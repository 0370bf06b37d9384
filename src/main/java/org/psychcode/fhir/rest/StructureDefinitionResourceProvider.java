package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The server's profiles (the behavioral-health Encounter and Claim of {@code fhir-resources/}), published for
 * read and search so a client can fetch what {@code $validate} holds its resources to.
 */
@Component
class StructureDefinitionResourceProvider extends PublishedResourceProvider<StructureDefinition> {

  private final List<StructureDefinition> profiles;
  private final String versionId;

  StructureDefinitionResourceProvider(FhirContext ctx) {
    this.profiles = load(ctx);
    StringBuilder all = new StringBuilder();
    profiles.forEach(p -> all.append(ctx.newJsonParser().encodeResourceToString(p)));
    this.versionId = Integer.toHexString(all.toString().hashCode());
  }

  @Override
  String versionId() {
    return versionId;
  }

  private static List<StructureDefinition> load(FhirContext ctx) {
    try {
      Resource[] files =
          new PathMatchingResourcePatternResolver().getResources("classpath*:/fhir-resources/StructureDefinition-*.json");
      Arrays.sort(files, Comparator.comparing(Resource::getFilename));
      List<StructureDefinition> loaded = new ArrayList<>();
      for (Resource f : files) {
        try (InputStream in = f.getInputStream()) {
          loaded.add(ctx.newJsonParser().parseResource(StructureDefinition.class, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
      return List.copyOf(loaded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Class<StructureDefinition> getResourceType() {
    return StructureDefinition.class;
  }

  @Override
  Optional<StructureDefinition> byId(String id) {
    return profiles.stream().filter(p -> id.equals(p.getIdElement().getIdPart())).findFirst();
  }

  @Override
  List<StructureDefinition> all() {
    return profiles;
  }

  /** The canonical URLs of the profiles, for the CapabilityStatement's {@code supportedProfile}. */
  List<String> profileUrls(String type) {
    return profiles.stream().filter(p -> type.equals(p.getType())).map(StructureDefinition::getUrl).toList();
  }
}
