package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link StoreCrashTests} on an H2 file with the gathering group commit on ({@code psychcode.store.commit-gather-micros}):
 * a commit that waits for others before the checkpoint is still in the file when it is acknowledged.
 */
class StoreCrashH2GatheringTest extends StoreCrashH2Test {

  @Override
  List<String> database(String url) {
    List<String> args = new ArrayList<>(super.database(url));
    args.add("--psychcode.store.commit-gather-micros=20000");
    return args;
  }
}
