package org.psychcode.fhir.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The SQL of bulk export: the jobs and their files ({@code V21__bulk_export.sql}), and the one place the store's tables
 * are read as a snapshot. A type's snapshot at a job's transaction time T is, for each resource, its version as of T:
 * the current version when the resource has not changed since T (one range scan of {@code resource} in key order), and
 * for the few changed since, the latest version written at or before T. Rows are read from a cursor, a few hundred at a
 * time (H2 in lazy mode, PostgreSQL inside a transaction), never all at once.
 */
@Repository
class ExportRepository {

  private static final int FETCH = 500;
  private static final String JOB_COLUMNS =
      "job_id, state, kind, group_id, types, since_ms, transaction_time, request_url, created, expires, owner, lease_until, progress, failure,"
          + " (SELECT COUNT(*) FROM export_patient p WHERE p.job_id = j.job_id)";
  private static final RowMapper<ExportJob> JOB =
      (rs, n) ->
          new ExportJob(
              rs.getString(1),
              ExportJob.State.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
              rs.getString(3),
              rs.getString(4),
              List.of(rs.getString(5).split(",")),
              longOrNull(rs, 6),
              rs.getLong(7),
              rs.getString(8),
              rs.getLong(9),
              rs.getLong(10),
              rs.getString(11),
              longOrNull(rs, 12),
              rs.getString(13),
              rs.getString(14),
              rs.getLong(15) > 0 || "group".equals(rs.getString(3)));
  private static final RowMapper<ExportFile> FILE =
      (rs, n) ->
          new ExportFile(
              rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), longOrNull(rs, 5), longOrNull(rs, 6), rs.getLong(7), rs.getString(8));

  private final JdbcTemplate jdbc;
  private final boolean h2;

  ExportRepository(JdbcTemplate jdbc, DataSource dataSource) {
    this.jdbc = jdbc;
    this.h2 = isH2(dataSource);
  }

  private static boolean isH2(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2");
    } catch (SQLException e) {
      return false;
    }
  }

  // ---- jobs -------------------------------------------------------------------------------------------------

  void insert(ExportJob job, Collection<String> patients) {
    jdbc.update(
        "INSERT INTO export_job (job_id, state, kind, group_id, types, since_ms, transaction_time, request_url, created, expires, owner,"
            + " lease_until, progress) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, job.id());
          ps.setString(2, job.state().code());
          ps.setString(3, job.kind());
          ps.setString(4, job.groupId());
          ps.setString(5, String.join(",", job.types()));
          setLong(ps, 6, job.since());
          ps.setLong(7, job.transactionTime());
          ps.setString(8, job.requestUrl());
          ps.setLong(9, job.created());
          ps.setLong(10, job.expires());
          ps.setString(11, job.owner());
          setLong(ps, 12, job.leaseUntil());
          ps.setString(13, job.progress());
        });
    if (!patients.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO export_patient (job_id, patient_id) VALUES (?, ?)",
          patients.stream().map(p -> new Object[] {job.id(), p}).toList(),
          new int[] {Types.VARCHAR, Types.VARCHAR});
    }
  }

  Optional<ExportJob> job(String id) {
    return jdbc.query("SELECT " + JOB_COLUMNS + " FROM export_job j WHERE job_id = ?", JOB, id).stream().findFirst();
  }

  List<ExportFile> files(String jobId) {
    return jdbc.query(
        "SELECT job_id, file_no, kind, res_type, first_pk, last_pk, resources, content FROM export_file WHERE job_id = ? ORDER BY file_no",
        FILE,
        jobId);
  }

  Optional<ExportFile> file(String jobId, int number) {
    return jdbc.query(
            "SELECT job_id, file_no, kind, res_type, first_pk, last_pk, resources, content FROM export_file WHERE job_id = ? AND file_no = ?",
            FILE,
            jobId,
            number)
        .stream()
        .findFirst();
  }

  void addFile(ExportFile f) {
    jdbc.update(
        "INSERT INTO export_file (job_id, file_no, kind, res_type, first_pk, last_pk, resources, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, f.jobId());
          ps.setInt(2, f.number());
          ps.setString(3, f.kind());
          ps.setString(4, f.type());
          setLong(ps, 5, f.firstPk());
          setLong(ps, 6, f.lastPk());
          ps.setLong(7, f.resources());
          ps.setString(8, f.content());
        });
  }

  /** Takes a job that is waiting, or whose server's claim has lapsed: false when another server holds it, or it is gone. */
  boolean claim(String id, String owner, long now, long until) {
    return jdbc.update(
            "UPDATE export_job SET state = 'running', owner = ?, lease_until = ? WHERE job_id = ? AND state IN ('accepted', 'running')"
                + " AND (owner IS NULL OR owner = ? OR lease_until < ?)",
            owner,
            until,
            id,
            owner,
            now)
        == 1;
  }

  /** Renews the claim and says how far the job got: false when the job was cancelled or taken over. */
  boolean renew(String id, String owner, long until, String progress) {
    return jdbc.update(
            "UPDATE export_job SET lease_until = ?, progress = ? WHERE job_id = ? AND owner = ? AND state = 'running'", until, progress, id, owner)
        == 1;
  }

  boolean finish(String id, String owner, ExportJob.State state, String failure) {
    return jdbc.update(
            "UPDATE export_job SET state = ?, failure = ?, lease_until = NULL, progress = NULL WHERE job_id = ? AND owner = ? AND state = 'running'",
            state.code(),
            failure,
            id,
            owner)
        == 1;
  }

  /** Removes a job with its files; false when there was none. */
  boolean delete(String id) {
    jdbc.update("DELETE FROM export_file WHERE job_id = ?", id);
    jdbc.update("DELETE FROM export_patient WHERE job_id = ?", id);
    return jdbc.update("DELETE FROM export_job WHERE job_id = ?", id) == 1;
  }

  void deleteFiles(String id) {
    jdbc.update("DELETE FROM export_file WHERE job_id = ?", id);
  }

  /** Jobs that no server is working on: waiting, or whose claim lapsed. */
  List<String> claimable(long now) {
    return jdbc.queryForList(
        "SELECT job_id FROM export_job WHERE state IN ('accepted', 'running') AND (lease_until IS NULL OR lease_until < ?) ORDER BY created",
        String.class,
        now);
  }

  List<String> expired(long now) {
    return jdbc.queryForList("SELECT job_id FROM export_job WHERE expires < ?", String.class, now);
  }

  // ---- the snapshot -----------------------------------------------------------------------------------------

  /** A statement being built: its SQL and its arguments, in order. */
  private static final class Sql {
    final StringBuilder text = new StringBuilder();
    final List<Object> args = new ArrayList<>();

    Sql add(String sql, Object... values) {
      text.append(sql);
      args.addAll(Arrays.asList(values));
      return this;
    }
  }

  /**
   * Where the rows of one type's snapshot are. {@code deleted}: the resources whose version as of T is a deletion made
   * after {@code since}; otherwise those whose version as of T is a resource changed after it. {@code current} picks
   * the rows unchanged since T (their current version is the one), else the rows changed since T.
   */
  private static Sql where(Sql sql, ExportJob job, String type, boolean deleted, boolean current, Long first, Long last, List<String> compartment) {
    long since = job.since() == null ? Long.MIN_VALUE : job.since();
    long t = job.transactionTime();
    if (current) {
      sql.add(" WHERE r.res_type = ? AND r.deleted = " + (deleted ? "TRUE" : "FALSE") + " AND r.last_updated <= ? AND r.last_updated > ?", type, t, since);
    } else {
      sql.add(
          " WHERE r.res_type = ? AND r.last_updated > ? AND v.version = (SELECT MAX(v2.version) FROM resource_version v2 WHERE v2.res_pk = r.res_pk"
              + " AND v2.last_updated <= ?) AND v.content IS " + (deleted ? "" : "NOT ") + "NULL AND v.last_updated > ?",
          type,
          t,
          t,
          since);
    }
    if (first != null) {
      sql.add(" AND r.res_pk BETWEEN ? AND ?", first, last);
    }
    if (!deleted && job.patientLevel()) {
      if ("Patient".equals(type)) {
        if (job.limitedToPatients()) {
          sql.add(" AND r.res_id IN (SELECT patient_id FROM export_patient WHERE job_id = ?)", job.id());
        }
      } else {
        sql.add(" AND EXISTS (SELECT 1 FROM sp_reference rf WHERE rf.res_pk = r.res_pk AND rf.target_type = 'Patient' AND rf.param IN (")
            .add(String.join(", ", compartment.stream().map(p -> "?").toList()), compartment.toArray())
            .add(")");
        if (job.limitedToPatients()) {
          sql.add(" AND rf.target_id IN (SELECT patient_id FROM export_patient WHERE job_id = ?)", job.id());
        }
        sql.add(")");
      }
    }
    return sql;
  }

  /**
   * The keys of one type's snapshot in ascending order: the rows unchanged since T read from a cursor in key order,
   * merged with the (few) rows changed since. Must run inside a transaction (the cursor needs one).
   */
  void snapshotKeys(ExportJob job, String type, boolean deleted, List<String> compartment, LongConsumer each) {
    Sql later = where(new Sql().add("SELECT r.res_pk FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk"), job, type, deleted, false, null, null, compartment);
    List<Long> changed = new ArrayList<>(jdbc.queryForList(later.text.toString(), Long.class, later.args.toArray()));
    changed.sort(null);
    Sql current = where(new Sql().add("SELECT r.res_pk FROM resource r"), job, type, deleted, true, null, null, compartment).add(" ORDER BY r.res_pk");
    int[] next = {0};
    cursor(
        current,
        rs -> {
          long pk = rs.getLong(1);
          while (next[0] < changed.size() && changed.get(next[0]) < pk) {
            each.accept(changed.get(next[0]++));
          }
          each.accept(pk);
        });
    while (next[0] < changed.size()) {
      each.accept(changed.get(next[0]++));
    }
  }

  /** The JSON of each resource of an output file, as it stood at the job's transaction time (inside a transaction). */
  void streamResources(ExportJob job, ExportFile file, List<String> compartment, Consumer<String> each) {
    for (boolean current : new boolean[] {true, false}) {
      Sql sql =
          where(
              new Sql().add("SELECT v.content FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk" + (current ? " AND v.version = r.version" : "")),
              job, file.type(), false, current, file.firstPk(), file.lastPk(), compartment);
      cursor(sql, rs -> each.accept(rs.getString(1)));
    }
  }

  /** The key and id of each resource of a deleted file (inside a transaction). */
  void streamDeletions(ExportJob job, ExportFile file, java.util.function.BiConsumer<Long, String> each) {
    for (boolean current : new boolean[] {true, false}) {
      Sql sql =
          where(
              new Sql().add("SELECT r.res_pk, r.res_id FROM resource r" + (current ? "" : " JOIN resource_version v ON v.res_pk = r.res_pk")),
              job, file.type(), true, current, file.firstPk(), file.lastPk(), List.of());
      cursor(sql, rs -> each.accept(rs.getLong(1), rs.getString(2)));
    }
  }

  /** The id and the last stored JSON (before its deletion) of a resource, by its key. */
  Optional<String[]> lastContent(long pk) {
    return jdbc.query(
            "SELECT v.res_id, v.content FROM resource_version v WHERE v.res_pk = ? AND v.content IS NOT NULL ORDER BY v.version DESC"
                + " FETCH FIRST 1 ROWS ONLY",
            (rs, n) -> new String[] {rs.getString(1), rs.getString(2)},
            pk)
        .stream()
        .findFirst();
  }

  List<String> patients(String jobId) {
    return jdbc.queryForList("SELECT patient_id FROM export_patient WHERE job_id = ?", String.class, jobId);
  }

  /** Runs a query from a cursor: H2 in lazy mode (rows made as they are read), PostgreSQL with a fetch size. */
  private void cursor(Sql sql, org.springframework.jdbc.core.RowCallbackHandler each) {
    if (h2) {
      jdbc.execute("SET LAZY_QUERY_EXECUTION TRUE");
    }
    try {
      jdbc.query(
          con -> {
            PreparedStatement ps = con.prepareStatement(sql.text.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(FETCH);
            for (int i = 0; i < sql.args.size(); i++) {
              ps.setObject(i + 1, sql.args.get(i));
            }
            return ps;
          },
          each);
    } finally {
      if (h2) {
        jdbc.execute("SET LAZY_QUERY_EXECUTION FALSE");
      }
    }
  }

  private static Long longOrNull(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }
}
