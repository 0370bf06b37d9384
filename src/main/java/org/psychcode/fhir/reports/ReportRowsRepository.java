package org.psychcode.fhir.reports;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The writes of the reporting rows (V20__reporting_rows.sql), always through the {@link JdbcTemplate} of the store's
 * write they derive from, so they commit or roll back with it.
 */
@Repository
class ReportRowsRepository {

  private static final String INSERT_LINE =
      "INSERT INTO report_claim_line (claim_id, line_no, practitioner_id, taxonomy, patient_id, encounter_id, service_date,"
          + " service_month, code_system, code, units, session_type, minutes, timed, telehealth, place, diagnosis_category,"
          + " addon_without_em) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  void deleteClaim(JdbcTemplate jdbc, String claimId) {
    jdbc.update("DELETE FROM report_claim_line WHERE claim_id = ?", claimId);
    jdbc.update("DELETE FROM report_finding WHERE claim_id = ?", claimId);
  }

  void insertLines(JdbcTemplate jdbc, List<LineRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    jdbc.batchUpdate(
        INSERT_LINE,
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement ps, int i) throws SQLException {
            LineRow r = rows.get(i);
            ps.setString(1, r.claimId());
            ps.setInt(2, r.lineNo());
            ps.setString(3, r.practitionerId());
            ps.setString(4, r.taxonomy());
            ps.setString(5, r.patientId());
            ps.setString(6, r.encounterId());
            if (r.serviceDate() == null) {
              ps.setNull(7, Types.DATE);
              ps.setNull(8, Types.INTEGER);
            } else {
              ps.setObject(7, r.serviceDate());
              ps.setInt(8, r.serviceMonth());
            }
            ps.setString(9, r.codeSystem());
            ps.setString(10, r.code());
            ps.setInt(11, r.units());
            ps.setString(12, r.sessionType());
            if (r.minutes() == null) {
              ps.setNull(13, Types.INTEGER);
            } else {
              ps.setInt(13, r.minutes());
            }
            ps.setBoolean(14, r.timed());
            if (r.telehealth() == null) {
              ps.setNull(15, Types.BOOLEAN);
            } else {
              ps.setBoolean(15, r.telehealth());
            }
            ps.setString(16, r.place());
            ps.setString(17, r.diagnosisCategory());
            ps.setBoolean(18, r.addOnWithoutEm());
          }

          @Override
          public int getBatchSize() {
            return rows.size();
          }
        });
  }

  /** One row per rule: its severity and how many findings of it the claim carries. */
  void insertFindings(JdbcTemplate jdbc, String claimId, Map<String, String> severities, Map<String, Integer> counts) {
    if (counts.isEmpty()) {
      return;
    }
    List<Object[]> args =
        counts.entrySet().stream().map(e -> new Object[] {claimId, e.getKey(), severities.get(e.getKey()), e.getValue()}).toList();
    jdbc.batchUpdate(
        "INSERT INTO report_finding (claim_id, rule, severity, findings) VALUES (?, ?, ?, ?)",
        args,
        new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.INTEGER});
  }

  /** The claims with a line billing this encounter: to derive again when the encounter changes. */
  List<String> claimsBilling(JdbcTemplate jdbc, String encounterId) {
    return jdbc.queryForList("SELECT DISTINCT claim_id FROM report_claim_line WHERE encounter_id = ?", String.class, encounterId);
  }

  void replacePractitioner(JdbcTemplate jdbc, String id, String taxonomy, String name, boolean fresh) {
    if (!fresh) {
      deletePractitioner(jdbc, id);
    }
    jdbc.update("INSERT INTO report_practitioner (practitioner_id, taxonomy, name) VALUES (?, ?, ?)", id, taxonomy, name);
  }

  void deletePractitioner(JdbcTemplate jdbc, String id) {
    jdbc.update("DELETE FROM report_practitioner WHERE practitioner_id = ?", id);
  }
}
