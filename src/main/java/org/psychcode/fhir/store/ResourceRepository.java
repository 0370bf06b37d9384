package org.psychcode.fhir.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Resources and their versions: the one place their SQL lives. Version checks are the database's: {@code (res_type,
 * res_id)} is unique, a version row is unique per resource, and {@link #lockCurrent} takes the row lock that an update
 * or delete holds until it commits, so servers sharing one PostgreSQL serialize their writes to one resource.
 */
@Repository
public class ResourceRepository {

  /** The current state of a resource. */
  public record Current(long pk, String type, String id, long version, boolean deleted, long lastUpdated) {}

  private static final String VERSION_COLUMNS =
      "v.res_pk, v.res_type, v.res_id, v.version, v.method, v.last_updated, v.content";
  private static final RowMapper<StoredVersion> VERSION =
      (rs, n) ->
          new StoredVersion(
              rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(7));
  private static final RowMapper<Current> CURRENT =
      (rs, n) -> new Current(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5), rs.getLong(6));

  private final JdbcTemplate jdbc;
  private final NamedParameterJdbcTemplate named;

  ResourceRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.named = new NamedParameterJdbcTemplate(jdbc);
  }

  /** The current state, its row locked until the transaction ends. */
  Optional<Current> lockCurrent(String type, String id) {
    return jdbc.query(
            "SELECT res_pk, res_type, res_id, version, deleted, last_updated FROM resource WHERE res_type = ? AND res_id = ? FOR UPDATE",
            CURRENT,
            type,
            id)
        .stream()
        .findFirst();
  }

  Optional<Current> current(String type, String id) {
    return jdbc.query(
            "SELECT res_pk, res_type, res_id, version, deleted, last_updated FROM resource WHERE res_type = ? AND res_id = ?",
            CURRENT,
            type,
            id)
        .stream()
        .findFirst();
  }

  /** Which of these ids of a type name a stored resource that is not deleted. */
  List<String> existing(String type, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return named.queryForList(
        "SELECT res_id FROM resource WHERE (res_type, res_id) IN (:keys) AND deleted = FALSE", Map.of("keys", keys(type, ids)), String.class);
  }

  /** New resource rows, one batch; a resource of that type and id already there raises DuplicateKeyException. */
  void insert(List<WriteBatch.NewResource> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<Object[]> args = new ArrayList<>(rows.size());
    rows.forEach(r -> args.add(new Object[] {r.pk(), r.type(), r.id(), r.lastUpdated()}));
    jdbc.batchUpdate("INSERT INTO resource (res_pk, res_type, res_id, version, deleted, last_updated) VALUES (?, ?, ?, 1, FALSE, ?)", args);
  }

  /**
   * Moves resources from their expected version to the next, one batch: an OptimisticLockingFailureException when
   * another write got there first (never while the row lock of {@link #lockCurrent} is held).
   */
  void advance(List<WriteBatch.Advance> moves) {
    if (moves.isEmpty()) {
      return;
    }
    List<Object[]> args = new ArrayList<>(moves.size());
    moves.forEach(m -> args.add(new Object[] {m.version(), m.deleted(), m.lastUpdated(), m.pk(), m.expected()}));
    int[] counts = jdbc.batchUpdate("UPDATE resource SET version = ?, deleted = ?, last_updated = ? WHERE res_pk = ? AND version = ?", args);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        throw new OptimisticLockingFailureException("resource " + moves.get(i).pk() + " changed meanwhile");
      }
    }
  }

  void insertVersions(List<WriteBatch.Version> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<Object[]> args = new ArrayList<>(rows.size());
    rows.forEach(v -> args.add(new Object[] {v.pk(), v.version(), v.type(), v.id(), v.method(), v.lastUpdated(), v.content()}));
    jdbc.batchUpdate(
        "INSERT INTO resource_version (res_pk, version, res_type, res_id, method, last_updated, content) VALUES (?, ?, ?, ?, ?, ?, ?)", args);
  }

  /** The current version (a deleted resource answers its deletion). */
  Optional<StoredVersion> read(String type, String id) {
    return jdbc.query(
            "SELECT " + VERSION_COLUMNS
                + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = r.version"
                + " WHERE r.res_type = ? AND r.res_id = ?",
            VERSION,
            type,
            id)
        .stream()
        .findFirst();
  }

  Optional<StoredVersion> read(String type, String id, long version) {
    return jdbc.query(
            "SELECT " + VERSION_COLUMNS
                + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk"
                + " WHERE r.res_type = ? AND r.res_id = ? AND v.version = ?",
            VERSION,
            type,
            id,
            version)
        .stream()
        .findFirst();
  }

  /** The current versions of these ids of one type, deleted ones left out. */
  List<StoredVersion> readCurrent(String type, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return named.query(
        "SELECT " + VERSION_COLUMNS
            + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = r.version"
            + " WHERE (r.res_type, r.res_id) IN (:keys) AND r.deleted = FALSE ORDER BY r.res_pk",
        Map.of("keys", keys(type, ids)),
        VERSION);
  }

  /**
   * {@code (type, id)} pairs for a row-value {@code (res_type, res_id) IN (...)}, which H2 answers from the unique
   * index {@code (res_type, res_id)}, one lookup per pair. H2 uses an {@code IN} list only on an index's first column,
   * so {@code res_type = ? AND res_id IN (...)} had it read every resource of the type (100,001 rows for 10 Encounters
   * at 100,000 visits); PostgreSQL plans both forms on that index.
   */
  private static List<Object[]> keys(String type, Collection<String> ids) {
    List<Object[]> keys = new ArrayList<>(ids.size());
    ids.forEach(id -> keys.add(new Object[] {type, id}));
    return keys;
  }

  /** Versions of one resource, newest first. */
  List<StoredVersion> history(String type, String id, Long since, int offset, int count) {
    return jdbc.query(
        "SELECT " + VERSION_COLUMNS
            + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk"
            + " WHERE r.res_type = ? AND r.res_id = ? AND v.last_updated >= ?"
            + " ORDER BY v.version DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
        VERSION,
        type,
        id,
        since == null ? Long.MIN_VALUE : since,
        offset,
        count);
  }

  int countHistory(String type, String id, Long since) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk"
                + " WHERE r.res_type = ? AND r.res_id = ? AND v.last_updated >= ?",
            Integer.class,
            type,
            id,
            since == null ? Long.MIN_VALUE : since);
    return n == null ? 0 : n;
  }

  /** Versions of every resource of a type, newest first. */
  List<StoredVersion> typeHistory(String type, Long since, int offset, int count) {
    return jdbc.query(
        "SELECT " + VERSION_COLUMNS + " FROM resource_version v WHERE v.res_type = ? AND v.last_updated >= ?"
            + " ORDER BY v.last_updated DESC, v.res_pk DESC, v.version DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
        VERSION,
        type,
        since == null ? Long.MIN_VALUE : since,
        offset,
        count);
  }

  int countTypeHistory(String type, Long since) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM resource_version v WHERE v.res_type = ? AND v.last_updated >= ?",
            Integer.class,
            type,
            since == null ? Long.MIN_VALUE : since);
    return n == null ? 0 : n;
  }

  /**
   * Streams the current, not deleted versions of a type from a database cursor, oldest change first: those changed
   * since {@code since} (epoch ms, or all when null), and when {@code patientId} is given only those in that patient's
   * compartment, through the reference parameters {@code compartmentParams}. Must run inside a transaction (a
   * PostgreSQL cursor needs one); rows are fetched {@code fetchSize} at a time, never all at once.
   */
  void stream(
      String type, Long since, String patientId, Collection<String> compartmentParams, int fetchSize, Consumer<StoredVersion> each) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + VERSION_COLUMNS
                + " FROM resource r JOIN resource_version v ON v.res_pk = r.res_pk AND v.version = r.version"
                + " WHERE r.res_type = ? AND r.deleted = FALSE AND r.last_updated >= ?");
    List<Object> args = new ArrayList<>(List.of(type, since == null ? Long.MIN_VALUE : since));
    if (patientId != null) {
      if ("Patient".equals(type)) {
        sql.append(" AND r.res_id = ?");
        args.add(patientId);
      } else if (compartmentParams.isEmpty()) {
        return;
      } else {
        sql.append(" AND EXISTS (SELECT 1 FROM sp_reference rf WHERE rf.res_pk = r.res_pk AND rf.target_type = 'Patient'")
            .append(" AND rf.target_id = ? AND rf.param IN (")
            .append(String.join(", ", compartmentParams.stream().map(p -> "?").toList()))
            .append("))");
        args.add(patientId);
        args.addAll(compartmentParams);
      }
    }
    sql.append(" ORDER BY r.last_updated, r.res_pk");
    jdbc.query(
        con -> {
          PreparedStatement ps = con.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
          ps.setFetchSize(fetchSize);
          for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
          }
          return ps;
        },
        (ResultSet rs) -> each.accept(VERSION.mapRow(rs, 0)));
  }

  /**
   * Resources (other than the one itself) whose current version references {@code type/id}; at most {@code limit}.
   * Resources of the {@code ignored} types (records such as AuditEvents, which outlive what they name) do not count.
   */
  List<String> referencing(String type, String id, int limit, Collection<String> ignored) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT r.res_type, r.res_id FROM sp_reference rf JOIN resource r ON r.res_pk = rf.res_pk"
                + " WHERE rf.target_id = ? AND rf.target_type = ? AND r.deleted = FALSE AND NOT (r.res_type = ? AND r.res_id = ?)");
    List<Object> args = new ArrayList<>(List.of(id, type, type, id));
    if (!ignored.isEmpty()) {
      sql.append(" AND rf.res_type NOT IN (").append(String.join(", ", ignored.stream().map(t -> "?").toList())).append(")");
      args.addAll(ignored);
    }
    sql.append(" FETCH FIRST ").append(Math.max(1, limit)).append(" ROWS ONLY");
    return jdbc.query(sql.toString(), (rs, n) -> rs.getString(1) + "/" + rs.getString(2), args.toArray());
  }
}
