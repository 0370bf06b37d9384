package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.psychcode.fhir.store.SearchRequest.Clause;
import org.psychcode.fhir.store.SearchRequest.Include;
import org.psychcode.fhir.store.SearchRequest.SortKey;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.psychcode.fhir.store.StoredTypes.StoredType;

/**
 * Reads a search's query parameters into a {@link SearchRequest}. The supported modifiers are a table per
 * parameter type; anything else answers 400 with an OperationOutcome naming it.
 */
final class SearchParser {

  private static final Map<RestSearchParameterTypeEnum, Set<String>> MODIFIERS =
      Map.of(
          RestSearchParameterTypeEnum.TOKEN, Set.of("", "not", "missing"),
          RestSearchParameterTypeEnum.STRING, Set.of("", "exact", "contains", "missing"),
          RestSearchParameterTypeEnum.DATE, Set.of("", "missing"),
          RestSearchParameterTypeEnum.REFERENCE, Set.of("", "missing"));

  private final StoredTypes types;
  private final StoreProperties properties;

  SearchParser(StoredTypes types, StoreProperties properties) {
    this.types = types;
    this.properties = properties;
  }

  SearchRequest parse(StoredType type, Map<String, String[]> parameters) {
    List<Clause> clauses = new ArrayList<>();
    List<SortKey> sort = new ArrayList<>();
    List<Include> includes = new ArrayList<>();
    List<Include> revIncludes = new ArrayList<>();
    int offset = 0;
    int count = properties.defaultPageSize();
    boolean countOnly = false;
    // counted only when asked (_total=accurate or estimate): a count reads every match, which paging through a large
    // store page by page never needs; a last page tells its total without it
    boolean totalWanted = false;
    for (Map.Entry<String, String[]> e : parameters.entrySet()) {
      String name = e.getKey();
      String[] values = e.getValue();
      switch (name) {
        case "_format", "_pretty", "_elements" -> {}
        case "_summary" -> countOnly = countOnly || List.of(values).contains("count");
        case "_count" -> count = Math.min(number(name, values), properties.maxPageSize());
        case "_offset" -> offset = number(name, values);
        case "_total" -> {
          String t = single(name, values);
          if (!Set.of("none", "estimate", "accurate").contains(t)) {
            throw StoreErrors.invalid("_total is none, estimate or accurate, not '" + t + "'.");
          }
          totalWanted = !"none".equals(t);
        }
        case "_sort" -> {
          for (String v : values) {
            for (String key : v.split(",")) {
              sort.add(sortKey(type, key.trim()));
            }
          }
        }
        case "_include" -> {
          for (String v : values) {
            includes.add(include(v, false, type));
          }
        }
        case "_revinclude" -> {
          for (String v : values) {
            revIncludes.add(include(v, true, type));
          }
        }
        case "_id" -> {
          for (String v : values) {
            clauses.add(new SearchRequest.IdClause(SearchRequest.orValues(v)));
          }
        }
        case "_lastUpdated" -> {
          for (String v : values) {
            clauses.add(new SearchRequest.LastUpdatedClause(SearchRequest.orValues(v)));
          }
        }
        default -> {
          for (String v : values) {
            clauses.add(clause(type, name, v));
          }
        }
      }
    }
    if (count == 0) {
      countOnly = true;
    }
    return new SearchRequest(type, clauses, sort, offset, count, countOnly, totalWanted, includes, revIncludes);
  }

  private Clause clause(StoredType type, String name, String value) {
    if (name.startsWith("_")) {
      throw StoreErrors.invalid(
          "The search parameter " + name + " is not supported on " + type.name() + "; this server supports " + known(type) + ".");
    }
    String head = name;
    String chain = null;
    int dot = name.indexOf('.');
    if (dot > 0) {
      head = name.substring(0, dot);
      chain = name.substring(dot + 1);
    }
    String modifier = "";
    int colon = head.indexOf(':');
    if (colon > 0) {
      modifier = head.substring(colon + 1);
      head = head.substring(0, colon);
    }
    String paramName = head;
    SearchParam param =
        type.param(paramName)
            .orElseThrow(
                () ->
                    StoreErrors.invalid(
                        "Unknown search parameter '" + paramName + "' for " + type.name() + "; this server supports "
                            + known(type) + "."));
    String targetType = null;
    if (param.type() == RestSearchParameterTypeEnum.REFERENCE && !modifier.isEmpty() && Character.isUpperCase(modifier.charAt(0))) {
      targetType = modifier;
      modifier = "";
      if (!param.targets().isEmpty() && !param.targets().contains(targetType)) {
        throw StoreErrors.invalid(name + ": " + paramName + " of " + type.name() + " does not reference " + targetType + ".");
      }
    }
    if (!MODIFIERS.get(param.type()).contains(modifier)) {
      throw StoreErrors.invalid(
          "The modifier :" + modifier + " is not supported on " + param.type().getCode() + " parameters (" + name + ").");
    }
    if ("missing".equals(modifier) && !Set.of("true", "false").contains(value)) {
      throw StoreErrors.invalid(name + " is true or false, not '" + value + "'.");
    }
    SearchParam chained = null;
    if (chain != null) {
      if (param.type() != RestSearchParameterTypeEnum.REFERENCE || chain.contains(".") || !modifier.isEmpty()) {
        throw StoreErrors.invalid("The chain " + name + " is not supported: one level of chaining on a reference parameter is.");
      }
      chained = chainTarget(param, targetType, chain, name);
    }
    return new SearchRequest.ParamClause(param, modifier, SearchRequest.orValues(value), targetType, chained);
  }

  /** The chained parameter, looked up on the stored types the reference can point at (they must agree). */
  private SearchParam chainTarget(SearchParam param, String targetType, String chain, String name) {
    String chainName = chain.contains(":") ? chain.substring(0, chain.indexOf(':')) : chain;
    if (chain.contains(":")) {
      throw StoreErrors.invalid("Modifiers after a chain are not supported (" + name + ").");
    }
    List<String> targets = targetType != null ? List.of(targetType) : List.copyOf(param.targets());
    SearchParam found = null;
    for (String t : targets) {
      SearchParam p = types.type(t).flatMap(st -> st.param(chainName)).orElse(null);
      if (p != null && found == null) {
        found = p;
      }
    }
    if (found == null) {
      throw StoreErrors.invalid(
          "The chain " + name + " cannot be searched: no type " + param.name() + " references indexes '" + chainName + "'.");
    }
    return found;
  }

  private SortKey sortKey(StoredType type, String key) {
    boolean descending = key.startsWith("-");
    String name = descending ? key.substring(1) : key;
    if (name.equals("_lastUpdated") || name.equals("_id")) {
      return new SortKey(name, null, descending);
    }
    SearchParam p = type.param(name).orElse(null);
    if (p == null || p.type() != RestSearchParameterTypeEnum.DATE) {
      throw StoreErrors.invalid(
          "_sort=" + key + " is not supported on " + type.name() + ": sort by _lastUpdated, _id or a date parameter"
              + dateParams(type) + ".");
    }
    return new SortKey(name, p, descending);
  }

  private Include include(String value, boolean reverse, StoredType searched) {
    String[] parts = value.split(":");
    String what = reverse ? "_revinclude" : "_include";
    if (parts.length < 2 || parts.length > 3) {
      throw StoreErrors.invalid(what + "=" + value + " is not of the form Type:parameter[:TargetType].");
    }
    StoredType source =
        types.type(parts[0]).orElseThrow(() -> StoreErrors.invalid(what + "=" + value + ": " + parts[0] + " is not stored here."));
    SearchParam param =
        source.param(parts[1])
            .filter(SearchRequest::isReference)
            .orElseThrow(
                () -> StoreErrors.invalid(what + "=" + value + ": " + parts[1] + " is not a reference parameter of " + source.name() + "."));
    String target = parts.length == 3 ? parts[2] : null;
    if (!reverse && !source.name().equals(searched.name())) {
      throw StoreErrors.invalid("_include=" + value + " names " + source.name() + ", but the search is of " + searched.name() + ".");
    }
    if (reverse && !param.targets().isEmpty() && !param.targets().contains(searched.name())) {
      throw StoreErrors.invalid("_revinclude=" + value + ": " + source.name() + "." + param.name() + " never references " + searched.name() + ".");
    }
    return new Include(source.name(), param, target);
  }

  private static int number(String name, String[] values) {
    String v = single(name, values);
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw StoreErrors.invalid(name + " must be a whole number of zero or more, not '" + v + "'.");
    }
  }

  private static String single(String name, String[] values) {
    if (values.length != 1) {
      throw StoreErrors.invalid(name + " may be given once.");
    }
    return values[0];
  }

  private static String known(StoredType type) {
    List<String> names = new ArrayList<>(type.params().keySet());
    names.sort(String::compareTo);
    names.add("_id");
    names.add("_lastUpdated");
    return String.join(", ", names);
  }

  private static String dateParams(StoredType type) {
    List<String> dates =
        type.params().values().stream().filter(p -> p.type() == RestSearchParameterTypeEnum.DATE).map(SearchParam::name).sorted().toList();
    return dates.isEmpty() ? "" : " (" + String.join(", ", dates) + ")";
  }
}
