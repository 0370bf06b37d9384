package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.psychcode.fhir.store.StoredTypes.StoredType;

/**
 * A search of one stored type, read from the request's parameters and checked against what the type indexes: every
 * parameter the store does not know, a modifier it does not support, a value it cannot read is a 400 naming it, never
 * silently ignored. The repository renders it as SQL.
 */
record SearchRequest(
    StoredType type,
    List<Clause> clauses,
    List<SortKey> sort,
    int offset,
    int count,
    boolean countOnly,
    boolean totalWanted,
    List<Include> includes,
    List<Include> revIncludes) {

  /** One condition; the values of one clause are alternatives (OR), clauses all hold (AND). */
  sealed interface Clause permits IdClause, LastUpdatedClause, ParamClause {}

  record IdClause(List<String> ids) implements Clause {}

  record LastUpdatedClause(List<String> values) implements Clause {}

  /**
   * @param targetType the {@code :Type} modifier of a reference parameter (also before a chain)
   * @param chained the parameter of the referenced resource a chain ({@code patient.identifier}) searches on
   */
  record ParamClause(SearchParam param, String modifier, List<String> values, String targetType, SearchParam chained)
      implements Clause {}

  /** A sort on a date parameter, {@code _lastUpdated} or {@code _id} (param null). */
  record SortKey(String name, SearchParam param, boolean descending) {}

  /** {@code Source:param[:Target]}. */
  record Include(String sourceType, SearchParam param, String targetType) {}

  static final Set<String> RESULT_PARAMS =
      Set.of("_count", "_offset", "_sort", "_total", "_include", "_revinclude", "_summary", "_elements", "_format", "_pretty", "_id", "_lastUpdated");

  /** Splits a parameter value at unescaped commas (FHIR's OR), unescaping {@code \,}. */
  static List<String> orValues(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
        current.append(',');
        i++;
      } else if (c == ',') {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  /** The parameter names in a request that are not result parameters, for the unknown-parameter check. */
  static boolean isResultParam(String name) {
    return RESULT_PARAMS.contains(name);
  }

  static boolean isReference(SearchParam p) {
    return p.type() == RestSearchParameterTypeEnum.REFERENCE;
  }
}
