package org.psychcode.fhir.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.psychcode.fhir.WarmUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Keeps H2's background writer from competing with start-up: as soon as the pool exists, an H2 file database gets
 * {@code SET WRITE_DELAY 0}, which stops the writer, and the writer is started again ({@code SET WRITE_DELAY 500},
 * H2's default) once the server is ready, right after the warm-ups that readiness waits for.
 *
 * <p>Why: the writer's housekeeping rewrites the file's partly filled chunks whenever the database is idle and fewer
 * than 90 % of the chunks' bytes are live, which is how a file written under load is left (79 % for the
 * 100,000-visit store: 2.0 GB, 1,865 chunks). A start is idle for the database, so the writer spent it reading and
 * rewriting pages: in a JFR profile of a start on that store, 18 % of the execution samples (about 5 s of its 31 s of
 * CPU) were its chunk rewrites and their serialisation, against none on an empty store, while opening the file and
 * Flyway's check took 1.5 %. Once ready it goes on as before, and under traffic it rewrites only chunks well below that
 * fill rate.
 *
 * <p>Durability does not change: the store writes every commit to the file itself ({@link StoreTransactionManager}'s
 * {@code CHECKPOINT}), and until the writer starts H2 also writes each commit to the file as it happens (what {@code
 * WRITE_DELAY=0} means). A URL that sets {@code WRITE_DELAY} itself is left as it is, and so are in-memory and
 * remote ({@code tcp:}, {@code ssl:}) H2 URLs and other databases.
 */
final class H2BackgroundWriter implements BeanPostProcessor, ApplicationListener<ApplicationReadyEvent>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(H2BackgroundWriter.class);

  /** H2's own default write delay, in ms: the writer wakes every third of it. */
  static final int WRITE_DELAY_MILLIS = 500;

  private volatile boolean deferred;

  /**
   * The writer is switched off by a statement, not by {@code WRITE_DELAY=0} in the URL: the pool may close every
   * connection at some point (HikariCP replaces each after its maximum lifetime), H2 then closes the database and the
   * next connection opens it again with the URL's settings, which would leave the writer off for good. {@code SET
   * WRITE_DELAY} is kept in the database, so a reopening after readiness finds 500 again.
   */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof HikariDataSource hikari && defers(hikari.getJdbcUrl())) {
      deferred = set(hikari, 0);
    }
    return bean;
  }

  /** Whether the URL is an H2 file opened in this process that does not choose its own write delay. */
  static boolean defers(String url) {
    if (url == null || !url.startsWith("jdbc:h2:")) {
      return false;
    }
    String rest = url.substring("jdbc:h2:".length()).toLowerCase(Locale.ROOT);
    return !rest.startsWith("mem:") && !rest.startsWith("tcp:") && !rest.startsWith("ssl:")
        && !rest.contains(";write_delay=");
  }

  /**
   * After {@code HttpWarmUp} (order 50) has submitted the last warm-up readiness waits for, and before the
   * terminology warm-up (100): the writer starts on the warm-up thread as soon as the server is ready.
   */
  @Override
  public int getOrder() {
    return 75;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (!deferred) {
      return;
    }
    DataSource dataSource = event.getApplicationContext().getBean(DataSource.class);
    event.getApplicationContext().getBean(WarmUps.class).submit(() -> start(dataSource));
  }

  private static void start(DataSource dataSource) {
    if (set(dataSource, WRITE_DELAY_MILLIS)) {
      log.info("H2's background writer started (WRITE_DELAY {} ms): it compacts the file from now on",
          WRITE_DELAY_MILLIS);
    }
  }

  private static boolean set(DataSource dataSource, int writeDelayMillis) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET WRITE_DELAY " + writeDelayMillis);
      return true;
    } catch (SQLException e) {
      log.warn("H2's background writer could not be set to WRITE_DELAY {}: {}", writeDelayMillis, e.toString());
      return false;
    }
  }
}
