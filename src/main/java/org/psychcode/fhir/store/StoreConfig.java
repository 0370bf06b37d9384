package org.psychcode.fhir.store;

import ca.uhn.fhir.context.FhirContext;
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
 * store answers from the database per request; on an H2 file, H2's background writer, which compacts the file, starts
 * only once the server is ready ({@link H2BackgroundWriter}).
 */
@Configuration
class StoreConfig {

  private static final Logger log = LoggerFactory.getLogger(StoreConfig.class);

  /** Static: it adjusts the DataSource before the pool opens the database. */
  @Bean
  static H2BackgroundWriter h2BackgroundWriter() {
    return new H2BackgroundWriter();
  }

  @Bean
  StoredTypes storedTypes(FhirContext ctx, StoreProperties properties) {
    return new StoredTypes(ctx, properties);
  }

  @Bean
  StoreDatabase storeDatabase(DataSource dataSource) {
    return StoreDatabase.of(dataSource);
  }

  @Bean
  StoreTransactionManager transactionManager(DataSource dataSource, StoreDatabase database, StoreProperties properties) {
    return new StoreTransactionManager(dataSource, database, properties.commitGatherMicros());
  }

  @EventListener(ApplicationStartedEvent.class)
  public void describe(ApplicationStartedEvent event) {
    StoreDatabase database = event.getApplicationContext().getBean(StoreDatabase.class);
    StoreProperties properties = event.getApplicationContext().getBean(StoreProperties.class);
    StoredTypes types = event.getApplicationContext().getBean(StoredTypes.class);
    log.info("Store: {}; validation on write: {}; {} stored types", database.description(), properties.validation(), types.all().size());
  }
}
