package org.psychcode.fhir.store;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** {@link StoreCrashTests} on the default database: an H2 file, with the server's own URL settings. */
class StoreCrashH2Test extends StoreCrashTests {

  @Override
  String newDatabase() {
    Path file = Path.of("target", "test-db", "crash-" + UUID.randomUUID(), "psychcode").toAbsolutePath();
    return "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE";
  }

  @Override
  List<String> database(String url) {
    return List.of("--spring.datasource.url=" + url);
  }

  @Override
  String user() {
    return "sa";
  }

  @Override
  String password() {
    return "";
  }
}
