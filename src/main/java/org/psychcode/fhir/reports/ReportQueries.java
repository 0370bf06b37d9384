package org.psychcode.fhir.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The reports' reads: SQL aggregates over the reporting rows, each for one practitioner or for every practitioner at
 * once (the audit list), over the lines whose date of service is in a {@link Period}. Nothing here reads a resource.
 */
@Repository
class ReportQueries {

  record PractitionerRow(String id, String taxonomy, String name) {}

  record CodeCount(String practitionerId, String taxonomy, String system, String code, int lines) {}

  record Volume(int claims, int lines) {}

  record FindingCount(String practitionerId, String rule, String severity, int claims) {}

  /** Timed lines of one code by whole minutes; {@code minutes} null counts those without a recorded time. */
  record MinuteCount(String practitionerId, String code, Integer minutes, int lines) {}

  record MonthCount(String practitionerId, int month, String code, int lines) {}

  record FindingMonth(int month, String rule, int claims) {}

  /** One cell of the utilization cube: the lines sharing all five strata. */
  record Cell(String system, String code, String sessionType, String diagnosisCategory, Boolean telehealth, Integer month, int lines) {}

  private final JdbcTemplate jdbc;

  ReportQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The lines of the period, of one practitioner or (null) of every line with a practitioner. */
  private record Where(String sql, List<Object> args) {
    static Where of(Period period, String practitionerId, String alias) {
      String p = alias.isEmpty() ? "" : alias + ".";
      StringBuilder sql = new StringBuilder(" WHERE ");
      List<Object> args = new ArrayList<>();
      if (practitionerId != null) {
        sql.append(p).append("practitioner_id = ?");
        args.add(practitionerId);
      } else {
        sql.append(p).append("practitioner_id IS NOT NULL");
      }
      bounds(period, p, sql, args);
      return new Where(sql.toString(), args);
    }

    /** Every line of the period, with or without a practitioner. */
    static Where of(Period period) {
      StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      bounds(period, "", sql, args);
      return new Where(sql.toString(), args);
    }

    private static void bounds(Period period, String p, StringBuilder sql, List<Object> args) {
      if (period.start() != null) {
        sql.append(" AND ").append(p).append("service_date >= ?");
        args.add(period.start());
      }
      if (period.end() != null) {
        sql.append(" AND ").append(p).append("service_date <= ?");
        args.add(period.end());
      }
    }
  }

  Optional<PractitionerRow> practitioner(String id) {
    return jdbc.query("SELECT practitioner_id, taxonomy, name FROM report_practitioner WHERE practitioner_id = ?", PRACTITIONER, id)
        .stream()
        .findFirst();
  }

  /** The practitioners with lines in the period, with their taxonomy and name (those not stored have neither). */
  Map<String, PractitionerRow> practitionersWithLines(Period period) {
    Where w = Where.of(period, null, "l");
    Map<String, PractitionerRow> out = new LinkedHashMap<>();
    jdbc.query(
        "SELECT d.practitioner_id, p.taxonomy, p.name FROM (SELECT DISTINCT l.practitioner_id FROM report_claim_line l" + w.sql()
            + ") d LEFT JOIN report_practitioner p ON p.practitioner_id = d.practitioner_id ORDER BY d.practitioner_id",
        rs -> {
          out.put(rs.getString(1), new PractitionerRow(rs.getString(1), rs.getString(2), rs.getString(3)));
        },
        w.args().toArray());
    return out;
  }

  /** Lines per practitioner and code in the period, with each practitioner's taxonomy. */
  List<CodeCount> codeCounts(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "l");
    return jdbc.query(
        "SELECT l.practitioner_id, p.taxonomy, l.code_system, l.code, COUNT(*) FROM report_claim_line l"
            + " LEFT JOIN report_practitioner p ON p.practitioner_id = l.practitioner_id" + w.sql()
            + " GROUP BY l.practitioner_id, p.taxonomy, l.code_system, l.code",
        (rs, n) -> new CodeCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)),
        w.args().toArray());
  }

  /** Claims (with at least one line in the period) and lines, per practitioner. */
  Map<String, Volume> volumes(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "");
    Map<String, Volume> out = new LinkedHashMap<>();
    jdbc.query(
        "SELECT practitioner_id, COUNT(DISTINCT claim_id), COUNT(*) FROM report_claim_line" + w.sql() + " GROUP BY practitioner_id",
        rs -> {
          out.put(rs.getString(1), new Volume(rs.getInt(2), rs.getInt(3)));
        },
        w.args().toArray());
    return out;
  }

  /** Per practitioner and rule: the claims (with a line of theirs in the period) on which the rule raised a finding. */
  List<FindingCount> findings(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "");
    return jdbc.query(
        "SELECT c.practitioner_id, f.rule, f.severity, COUNT(*) FROM (SELECT DISTINCT practitioner_id, claim_id FROM report_claim_line"
            + w.sql() + ") c JOIN report_finding f ON f.claim_id = c.claim_id GROUP BY c.practitioner_id, f.rule, f.severity",
        (rs, n) -> new FindingCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)),
        w.args().toArray());
  }

  /** Timed lines per practitioner, code and whole minutes (null: no recorded time). */
  List<MinuteCount> minutes(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "");
    return jdbc.query(
        "SELECT practitioner_id, code, minutes, COUNT(*) FROM report_claim_line" + w.sql() + " AND timed = TRUE"
            + " GROUP BY practitioner_id, code, minutes",
        (rs, n) -> new MinuteCount(rs.getString(1), rs.getString(2), integer(rs, 3), rs.getInt(4)),
        w.args().toArray());
  }

  /** Lines per practitioner, month (yyyymm) and code, for the codes given. */
  List<MonthCount> months(Period period, String practitionerId, List<String> codes) {
    Where w = Where.of(period, practitionerId, "");
    List<Object> args = new ArrayList<>(w.args());
    args.addAll(codes);
    return jdbc.query(
        "SELECT practitioner_id, service_month, code, COUNT(*) FROM report_claim_line" + w.sql() + " AND service_month IS NOT NULL"
            + " AND code IN (" + String.join(", ", codes.stream().map(c -> "?").toList()) + ")"
            + " GROUP BY practitioner_id, service_month, code",
        (rs, n) -> new MonthCount(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4)),
        args.toArray());
  }

  /** E/M psychotherapy add-on lines billed without an E/M, per practitioner and code. */
  List<CodeCount> addOnsWithoutEm(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "");
    return jdbc.query(
        "SELECT practitioner_id, code_system, code, COUNT(*) FROM report_claim_line" + w.sql() + " AND addon_without_em = TRUE"
            + " GROUP BY practitioner_id, code_system, code",
        (rs, n) -> new CodeCount(rs.getString(1), null, rs.getString(2), rs.getString(3), rs.getInt(4)),
        w.args().toArray());
  }

  /** One practitioner's claims with findings, per month of service (a claim counts in each month it has a line). */
  List<FindingMonth> findingsByMonth(Period period, String practitionerId) {
    Where w = Where.of(period, practitionerId, "");
    return jdbc.query(
        "SELECT c.service_month, f.rule, COUNT(*) FROM (SELECT DISTINCT claim_id, service_month FROM report_claim_line" + w.sql()
            + " AND service_month IS NOT NULL) c JOIN report_finding f ON f.claim_id = c.claim_id GROUP BY c.service_month, f.rule",
        (rs, n) -> new FindingMonth(rs.getInt(1), rs.getString(2), rs.getInt(3)),
        w.args().toArray());
  }

  /** The latest date of service of any line, if there is one. */
  Optional<java.time.LocalDate> latestServiceDate() {
    return Optional.ofNullable(jdbc.queryForObject("SELECT MAX(service_date) FROM report_claim_line", java.time.LocalDate.class));
  }

  /** Every line of the period (with or without a practitioner) counted by its five strata at once. */
  List<Cell> utilization(Period period) {
    Where w = Where.of(period);
    return jdbc.query(
        "SELECT code_system, code, session_type, diagnosis_category, telehealth, service_month, COUNT(*) FROM report_claim_line" + w.sql()
            + " GROUP BY code_system, code, session_type, diagnosis_category, telehealth, service_month",
        (rs, n) ->
            new Cell(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                bool(rs, 5),
                integer(rs, 6),
                rs.getInt(7)),
        w.args().toArray());
  }

  private static final org.springframework.jdbc.core.RowMapper<PractitionerRow> PRACTITIONER =
      (rs, n) -> new PractitionerRow(rs.getString(1), rs.getString(2), rs.getString(3));

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Boolean bool(ResultSet rs, int column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }
}
