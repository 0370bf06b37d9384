package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.psychcode.fhir.validation.ConformanceResources;
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
    this.profiles = ConformanceResources.load(ctx, "StructureDefinition-*.json", StructureDefinition.class);
    this.versionId = contentVersion(ctx, profiles);
  }

  @Override
  String versionId() {
    return versionId;
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
