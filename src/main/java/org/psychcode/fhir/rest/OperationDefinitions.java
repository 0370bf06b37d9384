package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.psychcode.fhir.validation.ConformanceResources;
import org.springframework.stereotype.Component;

/**
 * The OperationDefinitions authored under {@code fhir-resources/}: served as resources and named by the
 * CapabilityStatement, so a client reads what each operation accepts from the server itself.
 */
@Component
public class OperationDefinitions {

  private final List<OperationDefinition> definitions;

  OperationDefinitions(FhirContext ctx) {
    this.definitions = ConformanceResources.load(ctx, "OperationDefinition-*.json", OperationDefinition.class);
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
