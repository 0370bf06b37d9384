package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.SearchParameter;
import org.psychcode.fhir.validation.ConformanceResources;
import org.springframework.stereotype.Component;

/**
 * The search parameters the server defines itself ({@code Claim?item-code}, which R4 lacks), published from
 * {@code fhir-resources/} for read and search, so the definition the CapabilityStatement names can be read here.
 */
@Component
class SearchParameterResourceProvider extends PublishedResourceProvider<SearchParameter> {

  private final List<SearchParameter> parameters;
  private final String versionId;

  SearchParameterResourceProvider(FhirContext ctx) {
    this.parameters = ConformanceResources.load(ctx, "SearchParameter-*.json", SearchParameter.class);
    this.versionId = contentVersion(ctx, parameters);
  }

  @Override
  String versionId() {
    return versionId;
  }

  @Override
  public Class<SearchParameter> getResourceType() {
    return SearchParameter.class;
  }

  @Override
  Optional<SearchParameter> byId(String id) {
    return parameters.stream().filter(p -> id.equals(p.getIdElement().getIdPart())).findFirst();
  }

  @Override
  List<SearchParameter> all() {
    return parameters;
  }
}
