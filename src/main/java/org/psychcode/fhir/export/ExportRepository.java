package org.psychcode.fhir.export;

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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The SQL of bulk export: the jobs and their files ({@code V21__bulk_export.sql}), and the one place the store's tables
 * are read as a snapshot. A type's snapshot at a job's transaction time T is, for each resource, its version as of T:
 * the current version when the resource has not changed since T, and for the few changed since, the latest version
 * written at or before T. Rows are read in pages of a few hundred, each page one short statement over a key range of
 * the index {@code resource_type_pk}, never all at once and never from a cursor held open for a whole file.
 */
@Repository
class ExportRepository {

  /** Resources read in one page of a file. */
  private static final int PAGE = 500;
  /** Keys read in one page while a type is cut into files. */
  private static final int KEY_PAGE = 5_000;
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

  ExportRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
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
   * The version of {@code r} as of the job's transaction time T: its current version when it has not changed since T,
   * else the latest version written at or before T (null when it was created after T).
   */
  private static Sql versionAsOf(Sql sql, long t) {
    return sql.add(
        "CASE WHEN r.last_updated <= ? THEN r.version ELSE (SELECT MAX(v2.version) FROM resource_version v2 WHERE v2.res_pk = r.res_pk"
            + " AND v2.last_updated <= ?) END",
        t,
        t);
  }

  /**
   * The start of a page of one type's snapshot: its rows after the key {@code after}, up to {@code last} when given.
   * The page is read in the order of the index {@code resource_type_pk} ({@code ORDER BY r.res_type, r.res_pk}: with
   * the type fixed, key order), which H2 then reads sorted and stops after the page's rows; ordered by the key alone it
   * reads every row of the type after {@code after} and sorts them, for every page.
   */
  private static Sql page(Sql sql, String type, long after, Long last) {
    sql.add(" WHERE r.res_type = ? AND r.res_pk > ?", type, after);
    if (last != null) {
      sql.add(" AND r.res_pk <= ?", last);
    }
    return sql;
  }

  /** The end of a page: only the resources of the compartments a Patient- or Group-level job covers, in key order. */
  private static Sql compartmentAndOrder(Sql sql, ExportJob job, String type, boolean deleted, List<String> compartment, int rows) {
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
    return sql.add(" ORDER BY r.res_type, r.res_pk FETCH FIRST " + rows + " ROWS ONLY");
  }

  /**
   * The keys of one type's snapshot in ascending order. {@code deleted}: the resources whose version as of T is a
   * deletion made after the job's {@code _since}; otherwise those whose version as of T is content written after it.
   * Read in pages, each one short statement (no cursor held open between them): a page is the same whenever it is read,
   * since a resource's version as of T does not change once T is past (see {@link BulkExports}).
   */
  void snapshotKeys(ExportJob job, String type, boolean deleted, List<String> compartment, LongConsumer each) {
    long since = sinceOf(job);
    long t = job.transactionTime();
    pages(
        Long.MIN_VALUE,
        after -> {
          Sql sql = page(new Sql().add("SELECT r.res_pk FROM resource r"), type, after, null);
          // unchanged since T: the row itself says it all; changed since T (few): the version as of T says it
          sql.add(" AND ((r.last_updated <= ? AND r.deleted = " + (deleted ? "TRUE" : "FALSE") + " AND r.last_updated > ?)", t, since)
              .add(" OR (r.last_updated > ? AND EXISTS (SELECT 1 FROM resource_version v WHERE v.res_pk = r.res_pk AND v.version = ", t);
          versionAsOf(sql, t).add(" AND v.content IS " + (deleted ? "" : "NOT ") + "NULL AND v.last_updated > ?)))", since);
          return compartmentAndOrder(sql, job, type, deleted, compartment, KEY_PAGE);
        },
        KEY_PAGE,
        rs -> {
          long pk = rs.getLong(1);
          each.accept(pk);
          return pk;
        });
  }

  /** The JSON of each resource of an output file as it stood at the job's transaction time, in key order. */
  void streamResources(ExportJob job, ExportFile file, List<String> compartment, Consumer<String> each) {
    pages(
        file.firstPk() - 1,
        after -> filePage(job, file, "r.res_pk, v.content", false, compartment, after),
        PAGE,
        rs -> {
          each.accept(rs.getString(2));
          return rs.getLong(1);
        });
  }

  /** The key and id of each resource of a deleted file, in key order. */
  void streamDeletions(ExportJob job, ExportFile file, java.util.function.BiConsumer<Long, String> each) {
    pages(
        file.firstPk() - 1,
        after -> filePage(job, file, "r.res_pk, r.res_id", true, List.of(), after),
        PAGE,
        rs -> {
          each.accept(rs.getLong(1), rs.getString(2));
          return rs.getLong(1);
        });
  }

  /**
   * One page of a file, after the key {@code after}: {@code columns} of the resources whose version as of the job's
   * transaction time is content ({@code deleted} false) or a deletion ({@code deleted} true) written after its
   * {@code _since}.
   */
  private static Sql filePage(ExportJob job, ExportFile file, String columns, boolean deleted, List<String> compartment, long after) {
    Sql sql = versionAsOf(new Sql().add("SELECT " + columns + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = "), job.transactionTime());
    page(sql, file.type(), after, file.lastPk()).add(" AND v.content IS " + (deleted ? "" : "NOT ") + "NULL AND v.last_updated > ?", sinceOf(job));
    return compartmentAndOrder(sql, job, file.type(), deleted, compartment, PAGE);
  }

  private static long sinceOf(ExportJob job) {
    return job.since() == null ? Long.MIN_VALUE : job.since();
  }

  /** A row of a page handed on; answers the row's key, after which the next page starts. */
  @FunctionalInterface
  private interface Row {
    long accept(ResultSet rs) throws SQLException;
  }

  /**
   * Reads a snapshot page after page from the key after {@code after}, each page the rows after the last key of the one
   * before, until a page comes back short. Every page is its own statement, read whole and let go: nothing holds a database version open for a whole
   * file. (A lazy H2 cursor held for a whole download once lost its rows to H2's background compaction:
   * {@code MVStoreException: Chunk ... not found}, h2database issues 4012 and 4142.)
   */
  private void pages(long after, java.util.function.LongFunction<Sql> query, int size, Row row) {
    while (true) {
      Sql sql = query.apply(after);
      long[] last = {after};
      int[] rows = {0};
      jdbc.query(
          sql.text.toString(),
          rs -> {
            last[0] = row.accept(rs);
            rows[0]++;
          },
          sql.args.toArray());
      if (rows[0] < size) {
        return;
      }
      after = last[0];
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
