package org.psychcode.fhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.psychcode.fhir.validation.ConformanceResources;

/**
 * The stored resource types and their search parameters, read from configuration ({@code psychcode.store.types})
 * and resolved against HAPI's R4 search-parameter definitions ({@link RuntimeResourceDefinition#getSearchParam})
 * or the {@code SearchParameter}s published in {@code fhir-resources/} (such as {@code Claim?item-code}). Adding a
 * stored type, or a search parameter of one, is a line of configuration: extraction, indexing, search, includes and
 * the CapabilityStatement all follow from the definition's type and FHIRPath expression. A name that neither
 * defines, or a parameter of a type the store cannot index, stops the start.
 */
public final class StoredTypes {

  /** The parameter types the store indexes. */
  static final Set<RestSearchParameterTypeEnum> INDEXED =
      Set.of(
          RestSearchParameterTypeEnum.TOKEN,
          RestSearchParameterTypeEnum.STRING,
          RestSearchParameterTypeEnum.DATE,
          RestSearchParameterTypeEnum.REFERENCE);

  /** One indexed search parameter of a stored type. */
  public record SearchParam(
      String resourceType,
      String name,
      RestSearchParameterTypeEnum type,
      String expression,
      Set<String> targets,
      Set<String> compartments,
      String definitionUrl,
      String description) {}

  /** One stored type. */
  public record StoredType(String name, Class<? extends IBaseResource> resourceClass, boolean immutable, Map<String, SearchParam> params) {

    public Optional<SearchParam> param(String name) {
      return Optional.ofNullable(params.get(name));
    }

    public List<SearchParam> referenceParams() {
      return params.values().stream().filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE).toList();
    }
  }

  private final Map<String, StoredType> types = new LinkedHashMap<>();

  StoredTypes(FhirContext ctx, StoreProperties properties) {
    Map<String, SearchParameter> published = new LinkedHashMap<>();
    for (SearchParameter sp : ConformanceResources.load(ctx, "SearchParameter-*.json", SearchParameter.class)) {
      for (CodeType base : sp.getBase()) {
        published.put(base.getValue() + "." + sp.getCode(), sp);
      }
    }
    properties.types().forEach(
        (name, settings) -> {
          RuntimeResourceDefinition def;
          try {
            def = ctx.getResourceDefinition(name);
          } catch (RuntimeException e) {
            throw new IllegalStateException("psychcode.store.types names " + name + ", which is not an R4 resource type", e);
          }
          Map<String, SearchParam> params = new LinkedHashMap<>();
          for (String paramName : settings.search()) {
            SearchParam param = resolve(def, published.get(name + "." + paramName), name, paramName);
            if (!INDEXED.contains(param.type())) {
              throw new IllegalStateException(
                  "psychcode.store.types." + name + " indexes " + paramName + ", a " + param.type().getCode()
                      + " parameter; the store indexes token, string, date and reference parameters");
            }
            params.put(paramName, param);
          }
          types.put(name, new StoredType(name, def.getImplementingClass(), settings.immutable(), Map.copyOf(params)));
        });
  }

  private static SearchParam resolve(RuntimeResourceDefinition def, SearchParameter published, String type, String name) {
    if (published != null) {
      Set<String> targets = new LinkedHashSet<>();
      published.getTarget().forEach(t -> targets.add(t.getValue()));
      return new SearchParam(
          type,
          name,
          RestSearchParameterTypeEnum.forCode(published.getType().toCode()),
          published.getExpression(),
          Set.copyOf(targets),
          Set.of(),
          published.getUrl(),
          published.getDescription());
    }
    RuntimeSearchParam hapi = def.getSearchParam(name);
    if (hapi == null || hapi.getPath() == null || hapi.getPath().isBlank()) {
      throw new IllegalStateException(
          "psychcode.store.types." + type + " indexes " + name + ", which is neither an R4 search parameter of " + type
              + " nor a SearchParameter in fhir-resources/");
    }
    return new SearchParam(
        type,
        name,
        hapi.getParamType(),
        hapi.getPath(),
        hapi.getTargets() == null ? Set.of() : Set.copyOf(hapi.getTargets()),
        hapi.getProvidesMembershipInCompartments() == null ? Set.of() : Set.copyOf(hapi.getProvidesMembershipInCompartments()),
        hapi.getUri(),
        hapi.getDescription());
  }

  public Optional<StoredType> type(String name) {
    return Optional.ofNullable(name == null ? null : types.get(name));
  }

  public boolean isStored(String name) {
    return name != null && types.containsKey(name);
  }

  public Collection<StoredType> all() {
    return types.values();
  }

  /** The reference parameters of other stored types that can point at this type: its {@code _revinclude}s. */
  public List<SearchParam> referencesTo(String targetType) {
    return types.values().stream()
        .flatMap(t -> t.referenceParams().stream())
        .filter(p -> p.targets().isEmpty() || p.targets().contains(targetType))
        .toList();
  }
}
