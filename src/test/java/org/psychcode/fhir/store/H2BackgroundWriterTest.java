package org.psychcode.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The test server's H2 file runs without H2's background writer until the server is ready, and with it after (the URL
 * is left as it is, so a reopening of the database by the pool keeps the writer); which URLs get that treatment.
 */
class H2BackgroundWriterTest extends ServerTestBase {

  @Autowired DataSource dataSource;

  @Test
  void theFileIsOpenedWithoutTheWriterWhichStartsOnceTheServerIsReady() throws Exception {
    assertThat(((HikariDataSource) dataSource).getJdbcUrl()).startsWith("jdbc:h2:file:").doesNotContainIgnoringCase("WRITE_DELAY");
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (!send("GET", "http://localhost:" + port + "/actuator/health/readiness", null).body().contains("\"UP\"")) {
      assertThat(System.nanoTime()).as("ready within 180 s").isLessThan(deadline);
      Thread.sleep(100);
    }
    // the writer is started on the warm-up thread right after the last warm-up readiness waits for
    String writeDelay = writeDelay();
    for (int i = 0; i < 300 && !writeDelay.equals("500"); i++) {
      Thread.sleep(100);
      writeDelay = writeDelay();
    }
    assertThat(writeDelay).isEqualTo(String.valueOf(H2BackgroundWriter.WRITE_DELAY_MILLIS));
  }

  private String writeDelay() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }

  @Test
  void onlyAnH2FileOpenedInThisProcessWithoutAWriteDelayOfItsOwnIsDeferred() {
    assertThat(H2BackgroundWriter.defers("jdbc:h2:file:./data/psychcode;LOCK_TIMEOUT=10000")).isTrue();
    assertThat(H2BackgroundWriter.defers("jdbc:h2:./data/psychcode")).isTrue();
    assertThat(H2BackgroundWriter.defers("jdbc:h2:file:/var/db/psychcode;write_delay=2000")).isFalse();
    assertThat(H2BackgroundWriter.defers("jdbc:h2:mem:test")).isFalse();
    assertThat(H2BackgroundWriter.defers("jdbc:h2:tcp://localhost/~/psychcode")).isFalse();
    assertThat(H2BackgroundWriter.defers("jdbc:postgresql://localhost:5432/psychcode")).isFalse();
    assertThat(H2BackgroundWriter.defers(null)).isFalse();
  }
}
