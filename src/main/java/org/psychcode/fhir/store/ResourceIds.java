package org.psychcode.fhir.store;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids the server gives what it creates: time-ordered UUIDs (RFC 9562 version 7: 48 bits of Unix milliseconds, then
 * 74 random bits). A new resource's id sorts after those created before it, so its rows in the unique (type, id) index
 * and in the reference index of whatever points at it land at the end of those B-trees, in pages every concurrent
 * write touches anyway and the cache holds, instead of in a random page of a large index: fewer pages to read and to
 * write per commit, on H2 and PostgreSQL alike.
 */
final class ResourceIds {

  private ResourceIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
