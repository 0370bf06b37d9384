package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Writes and removes the index rows of resources' current versions: one batch per table for all of a flush's rows. */
@Repository
class IndexRepository {

  private static final List<String> TABLES = List.of("sp_token", "sp_string", "sp_date", "sp_reference");

  private final JdbcTemplate jdbc;

  IndexRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void insert(List<WriteBatch.Index> all) {
    List<Object[]> tokens = new ArrayList<>();
    List<Object[]> strings = new ArrayList<>();
    List<Object[]> dates = new ArrayList<>();
    List<Object[]> references = new ArrayList<>();
    for (WriteBatch.Index index : all) {
      long pk = index.pk();
      String type = index.type();
      IndexRows rows = index.rows();
      rows.tokens().forEach(t -> tokens.add(new Object[] {pk, type, t.param(), t.system(), t.code()}));
      rows.strings().forEach(t -> strings.add(new Object[] {pk, type, t.param(), t.normalized(), t.exact()}));
      rows.dates().forEach(d -> dates.add(new Object[] {pk, type, d.param(), d.low(), d.high()}));
      rows.references().forEach(r -> references.add(new Object[] {pk, type, r.param(), r.targetType(), r.targetId()}));
    }
    batch("INSERT INTO sp_token (res_pk, res_type, param, system, code) VALUES (?, ?, ?, ?, ?)", tokens);
    batch("INSERT INTO sp_string (res_pk, res_type, param, value_normalized, value_exact) VALUES (?, ?, ?, ?, ?)", strings);
    batch("INSERT INTO sp_date (res_pk, res_type, param, low, high) VALUES (?, ?, ?, ?, ?)", dates);
    batch("INSERT INTO sp_reference (res_pk, res_type, param, target_type, target_id) VALUES (?, ?, ?, ?, ?)", references);
  }

  void delete(List<Long> pks) {
    if (pks.isEmpty()) {
      return;
    }
    List<Object[]> args = pks.stream().map(pk -> new Object[] {pk}).toList();
    for (String table : TABLES) {
      jdbc.batchUpdate("DELETE FROM " + table + " WHERE res_pk = ?", args);
    }
  }

  private void batch(String sql, List<Object[]> args) {
    if (!args.isEmpty()) {
      jdbc.batchUpdate(sql, args);
    }
  }
}
