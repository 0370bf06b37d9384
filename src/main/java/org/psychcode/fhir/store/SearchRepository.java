package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;
import org.psychcode.fhir.store.SearchRequest.Clause;
import org.psychcode.fhir.store.SearchRequest.Include;
import org.psychcode.fhir.store.SearchRequest.ParamClause;
import org.psychcode.fhir.store.SearchRequest.SortKey;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Searches as SQL: a {@link SearchRequest} becomes one query over the current, not deleted resources of a type, each
 * clause an {@code EXISTS} over its index table, ordered by the sort asked for and then by the order of creation (so
 * that offset pages are stable: a resource created later sorts after those already paged through). Includes and
 * reverse includes are read for one page at a time.
 */
@Repository
class SearchRepository {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_\\-]*");
  private static final RowMapper<StoredVersion> VERSION =
      (rs, n) ->
          new StoredVersion(
              rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(7));
  private static final String VERSION_COLUMNS =
      "v.res_pk, v.res_type, v.res_id, v.version, v.method, v.last_updated, v.content";

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;

  SearchRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
  }

  /**
   * One page: {@code limit} rows from {@code offset}, in order. A search without criteria ({@code GET /fhir/Patient})
   * orders by the type first, which every row shares, so that its order is that of the index {@code resource_type_pk
   * (res_type, res_pk)}: H2 then reads the page from that index and stops at its end, where ordering by {@code res_pk}
   * alone had it join and sort every resource of the type first. Not with criteria: H2 would then walk that index
   * through the whole type, testing each row against them, instead of starting from the few rows they select.
   */
  List<StoredVersion> page(SearchRequest search, int offset, int limit) {
    Sql sql = where(search);
    StringBuilder q =
        new StringBuilder("SELECT " + VERSION_COLUMNS)
            .append(" FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = r.version")
            .append(sql.where)
            .append(search.clauses().isEmpty() ? " ORDER BY r.res_type, " : " ORDER BY ");
    for (SortKey key : search.sort()) {
      q.append(order(key)).append(", ");
    }
    q.append("r.res_pk OFFSET ").append(offset).append(" ROWS FETCH NEXT ").append(limit).append(" ROWS ONLY");
    return jdbc.query(q.toString(), VERSION, sql.args.toArray());
  }

  int count(SearchRequest search) {
    Sql sql = where(search);
    Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM resource r" + sql.where, Integer.class, sql.args.toArray());
    return n == null ? 0 : n;
  }

  /** The resources the page's resources reference through {@code include}: type and id of each, once. */
  List<String[]> included(Collection<Long> pks, Include include) {
    if (pks.isEmpty()) {
      return List.of();
    }
    StringBuilder q =
        new StringBuilder("SELECT DISTINCT target_type, target_id FROM sp_reference WHERE res_pk IN (:pks) AND param = :param");
    Map<String, Object> args = new java.util.HashMap<>(Map.of("pks", pks, "param", include.param().name()));
    if (include.targetType() != null) {
      q.append(" AND target_type = :target");
      args.put("target", include.targetType());
    }
    return named.query(q.toString(), args, (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
  }

  /**
   * The Patient references of these resources through search parameters, from the reference index: {@code [param,
   * patient id]} by {@code res_pk}.
   */
  Map<Long, List<String[]>> patientReferences(Collection<Long> pks) {
    Map<Long, List<String[]>> out = new java.util.HashMap<>();
    if (pks.isEmpty()) {
      return out;
    }
    named.query(
        "SELECT res_pk, param, target_id FROM sp_reference WHERE res_pk IN (:pks) AND target_type = 'Patient' AND param IS NOT NULL",
        Map.of("pks", pks),
        (java.sql.ResultSet rs) -> {
          out.computeIfAbsent(rs.getLong(1), pk -> new ArrayList<>()).add(new String[] {rs.getString(2), rs.getString(3)});
        });
    return out;
  }

  /** The current resources that reference one of these ids of {@code type} through {@code include}. */
  List<StoredVersion> revIncluded(String type, Collection<String> ids, Include include) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return named.query(
        "SELECT " + VERSION_COLUMNS + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = r.version"
            + " WHERE r.res_pk IN (SELECT x.res_pk FROM sp_reference x WHERE x.target_id IN (:ids) AND x.target_type = :type"
            + " AND x.res_type = :source AND x.param = :param) AND r.deleted = FALSE ORDER BY r.res_pk",
        Map.of("ids", ids, "type", type, "source", include.sourceType(), "param", include.param().name()),
        VERSION);
  }

  // ---- SQL ------------------------------------------------------------------------------------------

  private static final class Sql {
    final StringBuilder where = new StringBuilder();
    final List<Object> args = new ArrayList<>();
    int alias;

    String next() {
      return "x" + (alias++);
    }
  }

  private Sql where(SearchRequest search) {
    Sql sql = new Sql();
    sql.where.append(" WHERE r.res_type = ? AND r.deleted = FALSE");
    sql.args.add(search.type().name());
    for (Clause c : search.clauses()) {
      sql.where.append(" AND ");
      clause(sql, "r", search.type().name(), c);
    }
    return sql;
  }

  /**
   * One clause. {@code _id} as a row-value {@code (res_type, res_id) IN ((?, ?), ...)}: H2 answers that from the unique
   * index {@code (res_type, res_id)}, where {@code res_id IN (...)}, not that index's first column, read every resource
   * of the type.
   */
  private void clause(Sql sql, String r, String type, Clause clause) {
    if (clause instanceof SearchRequest.IdClause id) {
      sql.where.append("(").append(r).append(".res_type, ").append(r).append(".res_id) IN (")
          .append(String.join(", ", java.util.Collections.nCopies(id.ids().size(), "(?, ?)"))).append(")");
      id.ids().forEach(i -> {
        sql.args.add(type);
        sql.args.add(i);
      });
    } else if (clause instanceof SearchRequest.LastUpdatedClause lu) {
      sql.where.append("(");
      for (int i = 0; i < lu.values().size(); i++) {
        sql.where.append(i == 0 ? "" : " OR ");
        date(sql, r + ".last_updated", r + ".last_updated", lu.values().get(i), "_lastUpdated");
      }
      sql.where.append(")");
    } else if (clause instanceof ParamClause p) {
      param(sql, r, p);
    }
  }

  /**
   * A parameter clause as {@code r.res_pk [NOT] IN (SELECT x.res_pk FROM <index> x WHERE x.res_type = ? AND x.param =
   * ? AND (values))}: the index table drives, through its (res_type, param, value) index, rather than a correlated
   * EXISTS evaluated for every resource of the type.
   */
  private void param(Sql sql, String r, ParamClause p) {
    param(sql, r, p, List.of(p.param().resourceType()));
  }

  private void param(Sql sql, String r, ParamClause p, Collection<String> types) {
    SearchParam param = p.param();
    String table =
        switch (param.type()) {
          case TOKEN -> "sp_token";
          case STRING -> "sp_string";
          case DATE -> "sp_date";
          default -> "sp_reference";
        };
    String x = sql.next();
    boolean missing = "missing".equals(p.modifier());
    boolean not = "not".equals(p.modifier()) || (missing && "true".equals(p.values().get(0)));
    sql.where.append(r).append(".res_pk ").append(not ? "NOT IN" : "IN").append(" (SELECT ").append(x).append(".res_pk FROM ")
        .append(table).append(" ").append(x);
    String t = null;
    if (p.chained() != null) {
      t = sql.next();
      sql.where.append(" JOIN resource ").append(t).append(" ON ").append(t).append(".res_type = ").append(x).append(".target_type AND ")
          .append(t).append(".res_id = ").append(x).append(".target_id AND ").append(t).append(".deleted = FALSE");
    }
    sql.where.append(" WHERE ").append(x).append(".res_type IN (").append(placeholders(types.size())).append(") AND ")
        .append(x).append(".param = ").append(literal(param.name()));
    sql.args.addAll(types);
    if (missing) {
      sql.where.append(")");
      return;
    }
    if (p.chained() != null) {
      if (p.targetType() != null) {
        sql.where.append(" AND ").append(t).append(".res_type = ?");
        sql.args.add(p.targetType());
      }
      sql.where.append(" AND ");
      List<String> targets = p.targetType() != null ? List.of(p.targetType()) : List.copyOf(param.targets());
      param(sql, t, new ParamClause(p.chained(), "", p.values(), null, null), targets.isEmpty() ? List.of(p.chained().resourceType()) : targets);
      sql.where.append(")");
      return;
    }
    sql.where.append(" AND (");
    for (int i = 0; i < p.values().size(); i++) {
      sql.where.append(i == 0 ? "" : " OR ");
      String value = p.values().get(i);
      switch (param.type()) {
        case TOKEN -> token(sql, x, value);
        case STRING -> string(sql, x, value, p.modifier());
        case DATE -> date(sql, x + ".low", x + ".high", value, param.name());
        default -> reference(sql, x, value, p);
      }
    }
    sql.where.append("))");
  }

  private static void token(Sql sql, String x, String value) {
    int bar = indexOfUnescaped(value, '|');
    if (bar < 0) {
      sql.where.append(x).append(".code = ?");
      sql.args.add(unescape(value));
      return;
    }
    String system = unescape(value.substring(0, bar));
    String code = unescape(value.substring(bar + 1));
    if (system.isEmpty() && code.isEmpty()) {
      throw StoreErrors.invalid("A token search value '|' names neither a system nor a code.");
    }
    if (system.isEmpty()) {
      sql.where.append("(").append(x).append(".system IS NULL AND ").append(x).append(".code = ?)");
      sql.args.add(code);
    } else if (code.isEmpty()) {
      sql.where.append(x).append(".system = ?");
      sql.args.add(system);
    } else {
      sql.where.append("(").append(x).append(".code = ? AND ").append(x).append(".system = ?)");
      sql.args.add(code);
      sql.args.add(system);
    }
  }

  private static void string(Sql sql, String x, String value, String modifier) {
    String v = unescape(value);
    if (v.isEmpty()) {
      throw StoreErrors.invalid("A string search value may not be empty.");
    }
    if ("exact".equals(modifier)) {
      sql.where.append(x).append(".value_exact = ?");
      sql.args.add(v);
      return;
    }
    String normalized = likeEscape(SearchIndexer.normalize(v));
    sql.where.append(x).append(".value_normalized LIKE ? ESCAPE '\\'");
    sql.args.add(("contains".equals(modifier) ? "%" : "") + normalized + "%");
  }

  /**
   * A date or dateTime with an optional prefix, compared as ranges: the value covers [qlow, qhigh] at its precision,
   * the resource [low, high].
   */
  private static void date(Sql sql, String low, String high, String value, String name) {
    String prefix = "eq";
    String v = value;
    if (v.length() > 2 && Character.isLetter(v.charAt(0)) && Character.isLetter(v.charAt(1))) {
      prefix = v.substring(0, 2);
      v = v.substring(2);
    }
    DateTimeType dt;
    try {
      dt = new DateTimeType(v);
    } catch (RuntimeException e) {
      throw StoreErrors.invalid(name + "=" + value + " is not a FHIR date or dateTime (such as 2025-03-04 or 2025-03-04T10:00:00Z).");
    }
    if (dt.getValue() == null) {
      throw StoreErrors.invalid(name + "=" + value + " is not a FHIR date or dateTime.");
    }
    long qlow = SearchIndexer.low(dt);
    long qhigh = SearchIndexer.high(dt);
    switch (prefix) {
      case "eq" -> {
        sql.where.append("(").append(low).append(" >= ? AND ").append(high).append(" <= ?)");
        sql.args.add(qlow);
        sql.args.add(qhigh);
      }
      case "ne" -> {
        sql.where.append("(").append(low).append(" < ? OR ").append(high).append(" > ?)");
        sql.args.add(qlow);
        sql.args.add(qhigh);
      }
      case "gt" -> {
        sql.where.append(high).append(" > ?");
        sql.args.add(qhigh);
      }
      case "ge" -> {
        sql.where.append(high).append(" >= ?");
        sql.args.add(qlow);
      }
      case "lt" -> {
        sql.where.append(low).append(" < ?");
        sql.args.add(qlow);
      }
      case "le" -> {
        sql.where.append(low).append(" <= ?");
        sql.args.add(qhigh);
      }
      case "sa" -> {
        sql.where.append(low).append(" > ?");
        sql.args.add(qhigh);
      }
      case "eb" -> {
        sql.where.append(high).append(" < ?");
        sql.args.add(qlow);
      }
      case "ap" -> {
        sql.where.append("(").append(low).append(" <= ? AND ").append(high).append(" >= ?)");
        sql.args.add(qhigh);
        sql.args.add(qlow);
      }
      default -> throw StoreErrors.invalid(name + "=" + value + ": '" + prefix + "' is not a date prefix (eq, ne, gt, ge, lt, le, sa, eb, ap).");
    }
  }

  private static void reference(Sql sql, String x, String value, ParamClause p) {
    String v = value;
    String type = p.targetType();
    String id = v;
    int slash = v.lastIndexOf('/');
    if (v.contains("/_history/")) {
      v = v.substring(0, v.indexOf("/_history/"));
      slash = v.lastIndexOf('/');
    }
    if (v.startsWith("http://") || v.startsWith("https://")) {
      sql.where.append(x).append(".target_id = ?");
      sql.args.add(v);
      return;
    }
    if (slash > 0) {
      type = v.substring(0, slash);
      id = v.substring(slash + 1);
      if (type.contains("/")) {
        type = type.substring(type.lastIndexOf('/') + 1);
      }
    }
    if (id.isEmpty()) {
      throw StoreErrors.invalid(p.param().name() + "=" + value + " names no id.");
    }
    sql.where.append("(").append(x).append(".target_id = ?");
    sql.args.add(id);
    if (type != null) {
      sql.where.append(" AND ").append(x).append(".target_type = ?");
      sql.args.add(type);
    } else if (!p.param().targets().isEmpty()) {
      sql.where.append(" AND ").append(x).append(".target_type IN (").append(placeholders(p.param().targets().size())).append(")");
      sql.args.addAll(p.param().targets());
    }
    sql.where.append(")");
  }

  private static String order(SortKey key) {
    String direction = key.descending() ? " DESC" : " ASC";
    if (key.param() == null) {
      return ("_id".equals(key.name()) ? "r.res_id" : "r.last_updated") + direction;
    }
    String p = literal(key.name());
    return key.descending()
        ? "(SELECT MAX(d.high) FROM sp_date d WHERE d.res_pk = r.res_pk AND d.param = " + p + ") DESC NULLS LAST"
        : "(SELECT MIN(d.low) FROM sp_date d WHERE d.res_pk = r.res_pk AND d.param = " + p + ") ASC NULLS LAST";
  }

  /** A parameter name as an SQL literal: names are checked against [A-Za-z][A-Za-z0-9_-]*, so nothing is escaped. */
  private static String literal(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a search parameter name: " + name);
    }
    return "'" + name + "'";
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static int indexOfUnescaped(String s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String s) {
    return s.replace("\\|", "|").replace("\\$", "$").replace("\\\\", "\\");
  }

  private static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
