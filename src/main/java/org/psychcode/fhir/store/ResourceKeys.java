package org.psychcode.fhir.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keys of new resource rows, drawn from the database's {@code resource_pk_seq} a hundred at a time (the sequence moves
 * by 100: each value it hands out starts a block no other server gets), so a transaction knows its rows' keys before it
 * writes them and sends them as one batch. Keys lost to a rollback or a restart leave gaps, which nothing minds.
 */
@Component
class ResourceKeys {

  static final int BLOCK = 100;

  private final JdbcTemplate jdbc;
  private final String nextValue;
  private long next;
  private long end;

  ResourceKeys(JdbcTemplate jdbc, StoreDatabase database) {
    this.jdbc = jdbc;
    this.nextValue = database.nextValue("resource_pk_seq");
  }

  synchronized long next() {
    if (next == end) {
      Long start = jdbc.queryForObject(nextValue, Long.class);
      if (start == null) {
        throw new IllegalStateException("resource_pk_seq gave no value");
      }
      next = start;
      end = start + BLOCK;
    }
    return next++;
  }
}
