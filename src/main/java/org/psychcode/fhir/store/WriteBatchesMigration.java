package org.psychcode.fhir.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.stereotype.Component;

/**
 * Schema version 10, for writing a transaction's rows as one JDBC batch per table ({@link WriteBatch}): resource keys
 * drawn by the server from {@code resource_pk_seq} a hundred at a time ({@link ResourceKeys}) instead of one identity
 * value per row; no foreign key from {@code resource_version} to {@code resource} (both are written by the same code in
 * the same transaction, and the key cost every insert a lookup); search indexes that end with {@code res_pk}, so a
 * search clause is answered from the index alone; and no {@code conditional_create} table, whose rows were never
 * removed ({@link CriteriaLocks} locks the criteria without writing anything).
 *
 * <p>In Java rather than SQL because the sequence must start above the keys a database of version 1 already holds,
 * and the foreign key's name is the database's own choice (H2 and PostgreSQL name it differently). Every statement is
 * one both databases read.
 */
@Component
class WriteBatchesMigration implements JavaMigration {

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("10");
  }

  @Override
  public String getDescription() {
    return "store write batches";
  }

  @Override
  public Integer getChecksum() {
    return 10;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    List<String> sql = new ArrayList<>();
    long start;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(res_pk), 0) + 1 FROM resource")) {
      rs.next();
      start = rs.getLong(1);
    }
    sql.add("CREATE SEQUENCE resource_pk_seq START WITH " + start + " INCREMENT BY 100");
    sql.add("ALTER TABLE resource ALTER COLUMN res_pk DROP IDENTITY");
    for (String fk : foreignKeys(c, "resource_version")) {
      sql.add("ALTER TABLE resource_version DROP CONSTRAINT \"" + fk + "\"");
    }
    index(sql, "sp_token_code", "sp_token (res_type, param, code, system, res_pk)");
    index(sql, "sp_string_value", "sp_string (res_type, param, value_normalized, res_pk)");
    index(sql, "sp_date_low", "sp_date (res_type, param, low, high, res_pk)");
    index(sql, "sp_reference_target", "sp_reference (target_id, target_type, res_type, param, res_pk)");
    sql.add("DROP TABLE conditional_create");
    try (Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  private static void index(List<String> sql, String name, String on) {
    sql.add("DROP INDEX " + name);
    sql.add("CREATE INDEX " + name + " ON " + on);
  }

  /** The names of a table's foreign keys, as the database named them. */
  private static List<String> foreignKeys(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String stored = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(java.util.Locale.ROOT) : table;
    List<String> names = new ArrayList<>();
    try (ResultSet rs = meta.getImportedKeys(c.getCatalog(), c.getSchema(), stored)) {
      while (rs.next()) {
        String name = rs.getString("FK_NAME");
        if (name != null && !names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
