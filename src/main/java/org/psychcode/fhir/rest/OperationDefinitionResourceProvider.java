package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.springframework.stereotype.Component;

/** Serves the authored OperationDefinitions the CapabilityStatement points to. */
@Component
class OperationDefinitionResourceProvider implements IResourceProvider {

  private final OperationDefinitions definitions;

  OperationDefinitionResourceProvider(OperationDefinitions definitions) {
    this.definitions = definitions;
  }

  @Override
  public Class<OperationDefinition> getResourceType() {
    return OperationDefinition.class;
  }

  @Read
  public OperationDefinition read(@IdParam IdType id) {
    return definitions.byId(id.getIdPart()).map(OperationDefinition::copy).orElseThrow(() -> new ResourceNotFoundException(id));
  }

  @Search
  public List<OperationDefinition> search(
      @OptionalParam(name = "url") UriParam url, @OptionalParam(name = "code") TokenParam code) {
    return definitions.all().stream()
        .filter(d -> url == null || url.getValue().equals(d.getUrl()))
        .filter(d -> code == null || code.getValue().equals(d.getCode()))
        .map(OperationDefinition::copy)
        .toList();
  }
}
