package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The OperationDefinitions authored under {@code fhir-resources/}: served as resources and named by the
 * CapabilityStatement, so a client reads what each operation accepts from the server itself.
 */
@Component
public class OperationDefinitions {

  private final List<OperationDefinition> definitions;

  OperationDefinitions(FhirContext ctx) throws IOException {
    Resource[] files =
        new PathMatchingResourcePatternResolver().getResources("classpath*:/fhir-resources/OperationDefinition-*.json");
    Arrays.sort(files, Comparator.comparing(Resource::getFilename));
    List<OperationDefinition> loaded = new ArrayList<>();
    for (Resource f : files) {
      try (InputStream in = f.getInputStream()) {
        loaded.add(
            ctx.newJsonParser()
                .parseResource(OperationDefinition.class, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    this.definitions = List.copyOf(loaded);
  }

  public List<OperationDefinition> all() {
    return definitions;
  }

  public Optional<OperationDefinition> byId(String id) {
    return definitions.stream().filter(d -> id.equals(d.getIdElement().getIdPart())).findFirst();
  }

  /** The definition of operation {@code code} on {@code resourceType} ({@code null}: system level). */
  public Optional<OperationDefinition> find(String resourceType, String code) {
    return definitions.stream()
        .filter(d -> d.getCode().equals(code))
        .filter(
            d ->
                resourceType == null
                    ? d.getSystem()
                    : d.getResource().stream().anyMatch(r -> r.getValue().equals(resourceType)))
        .findFirst();
  }
}
