package org.psychcode.fhir.store;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Wires the store and says at start-up, in one line, which database it uses (an H2 file, H2 in memory, PostgreSQL)
 * and how writes are validated. Start-up reads none of the stored data: Flyway checks its history table and the
 * store answers from the database per request, so a store of 100,000 visits starts as fast as an empty one.
 */
@Configuration
class StoreConfig {

  private static final Logger log = LoggerFactory.getLogger(StoreConfig.class);

  @Bean
  StoredTypes storedTypes(FhirContext ctx, StoreProperties properties) {
    return new StoredTypes(ctx, properties);
  }

  @EventListener(ApplicationStartedEvent.class)
  public void describe(ApplicationStartedEvent event) {
    DataSource dataSource = event.getApplicationContext().getBean(DataSource.class);
    StoreProperties properties = event.getApplicationContext().getBean(StoreProperties.class);
    StoredTypes types = event.getApplicationContext().getBean(StoredTypes.class);
    log.info("Store: {}; validation on write: {}; {} stored types", database(dataSource), properties.validation(), types.all().size());
  }

  static String database(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String url = meta.getURL();
      String product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
      if (url.startsWith("jdbc:h2:mem:")) {
        return "H2 in memory (" + product + "; nothing survives a restart)";
      }
      if (url.startsWith("jdbc:h2:")) {
        String path = url.substring("jdbc:h2:".length()).replaceFirst("^file:", "");
        int semi = path.indexOf(';');
        return "H2 file " + (semi < 0 ? path : path.substring(0, semi)) + " (" + product + ")";
      }
      if (url.startsWith("jdbc:postgresql:")) {
        return "PostgreSQL at " + url.replaceFirst("\\?.*$", "") + " (" + product + ")";
      }
      return product + " at " + url;
    } catch (SQLException e) {
      return "a database that cannot be reached now (" + e.getMessage() + ")";
    }
  }
}
