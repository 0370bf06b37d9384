package org.psychcode.fhir.store;

import org.psychcode.fhir.support.TestPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The store's contract on a real PostgreSQL: zonky's embedded PostgreSQL (binaries from Maven Central), started once
 * for the test run, with the same Flyway migrations as H2.
 */
class StorePostgresTest extends StoreContractTests {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("contract");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
  }
}
