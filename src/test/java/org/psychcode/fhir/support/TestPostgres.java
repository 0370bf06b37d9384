package org.psychcode.fhir.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A real PostgreSQL for the tests: zonky's embedded PostgreSQL (its binaries a Maven artifact), started once per test
 * JVM and stopped when it ends. Commits are synchronous, as in production (zonky's default turns
 * {@code synchronous_commit} off), so an acknowledged commit is on disk. Each user of it gets a database of its own.
 */
public final class TestPostgres {

  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres instance() {
    if (postgres == null) {
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        pg.close();
                      } catch (IOException e) {
                        // the JVM is going away
                      }
                    }));
        postgres = pg;
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    }
    return postgres;
  }

  /** A new, empty database named from {@code prefix}; its JDBC URL (user and password {@code postgres}). */
  public static String newDatabase(String prefix) {
    EmbeddedPostgres pg = instance();
    String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** The Spring arguments that point a server at that database. */
  public static List<String> arguments(String jdbcUrl) {
    return List.of("--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres", "--spring.datasource.password=postgres");
  }
}
