package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Writes and removes the index rows of a resource's current version, in batches. */
@Repository
class IndexRepository {

  private final JdbcTemplate jdbc;

  IndexRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void insert(long pk, String type, IndexRows rows) {
    if (!rows.tokens().isEmpty()) {
      List<Object[]> args = new ArrayList<>(rows.tokens().size());
      rows.tokens().forEach(t -> args.add(new Object[] {pk, type, t.param(), t.system(), t.code()}));
      jdbc.batchUpdate("INSERT INTO sp_token (res_pk, res_type, param, system, code) VALUES (?, ?, ?, ?, ?)", args);
    }
    if (!rows.strings().isEmpty()) {
      List<Object[]> args = new ArrayList<>(rows.strings().size());
      rows.strings().forEach(t -> args.add(new Object[] {pk, type, t.param(), t.normalized(), t.exact()}));
      jdbc.batchUpdate(
          "INSERT INTO sp_string (res_pk, res_type, param, value_normalized, value_exact) VALUES (?, ?, ?, ?, ?)", args);
    }
    if (!rows.dates().isEmpty()) {
      List<Object[]> args = new ArrayList<>(rows.dates().size());
      rows.dates().forEach(d -> args.add(new Object[] {pk, type, d.param(), d.low(), d.high()}));
      jdbc.batchUpdate("INSERT INTO sp_date (res_pk, res_type, param, low, high) VALUES (?, ?, ?, ?, ?)", args);
    }
    if (!rows.references().isEmpty()) {
      List<Object[]> args = new ArrayList<>(rows.references().size());
      rows.references().forEach(r -> args.add(new Object[] {pk, type, r.param(), r.targetType(), r.targetId()}));
      jdbc.batchUpdate(
          "INSERT INTO sp_reference (res_pk, res_type, param, target_type, target_id) VALUES (?, ?, ?, ?, ?)", args);
    }
  }

  void delete(long pk) {
    jdbc.update("DELETE FROM sp_token WHERE res_pk = ?", pk);
    jdbc.update("DELETE FROM sp_string WHERE res_pk = ?", pk);
    jdbc.update("DELETE FROM sp_date WHERE res_pk = ?", pk);
    jdbc.update("DELETE FROM sp_reference WHERE res_pk = ?", pk);
  }
}
