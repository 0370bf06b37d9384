package org.psychcode.fhir.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The database the store runs on, told once at start-up, and the few things that differ between them: an H2 file
 * writes each commit to its file when the server asks it to ({@code CHECKPOINT}), PostgreSQL on its own; conditional
 * creates lock their criteria in the JVM on H2 (one process owns an H2 file) and with PostgreSQL's transaction-scoped
 * advisory locks on PostgreSQL (several servers share one database); a sequence's next value is asked for in each
 * one's own SQL.
 */
public final class StoreDatabase {

  public enum Kind {
    H2_FILE,
    H2_MEMORY,
    POSTGRESQL,
    OTHER
  }

  private final Kind kind;
  private final String description;

  private StoreDatabase(Kind kind, String description) {
    this.kind = kind;
    this.description = description;
  }

  static StoreDatabase of(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String url = meta.getURL();
      String product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
      if (url.startsWith("jdbc:h2:mem:")) {
        return new StoreDatabase(Kind.H2_MEMORY, "H2 in memory (" + product + "; nothing survives a restart)");
      }
      if (url.startsWith("jdbc:h2:")) {
        String path = url.substring("jdbc:h2:".length()).replaceFirst("^file:", "");
        int semi = path.indexOf(';');
        return new StoreDatabase(Kind.H2_FILE, "H2 file " + (semi < 0 ? path : path.substring(0, semi)) + " (" + product + ")");
      }
      if (url.startsWith("jdbc:postgresql:")) {
        return new StoreDatabase(Kind.POSTGRESQL, "PostgreSQL at " + url.replaceFirst("\\?.*$", "") + " (" + product + ")");
      }
      return new StoreDatabase(Kind.OTHER, product + " at " + url);
    } catch (SQLException e) {
      throw new IllegalStateException("The store's database cannot be reached: " + e.getMessage(), e);
    }
  }

  public Kind kind() {
    return kind;
  }

  public boolean isH2() {
    return kind == Kind.H2_FILE || kind == Kind.H2_MEMORY;
  }

  /** What the start-up line says. */
  public String description() {
    return description;
  }

  /** The SQL that draws the next value of a sequence. */
  String nextValue(String sequence) {
    return kind == Kind.POSTGRESQL ? "SELECT nextval('" + sequence + "')" : "SELECT NEXT VALUE FOR " + sequence;
  }
}
