package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The rows one database transaction writes, gathered while its interactions run and sent when it is flushed: one JDBC
 * batch per table (new resource rows, version moves, version rows, index rows removed, index rows added) instead of
 * a statement per row, then the {@link StoreWriteListener}s, told of each write in the order it was made, once its
 * rows are in the database. {@link ResourceStore} flushes it before anything reads what it wrote (a transaction's GET
 * entries, a delete's check for references) and before the transaction commits.
 */
final class WriteBatch {

  record NewResource(long pk, String type, String id, long lastUpdated) {}

  record Advance(long pk, long expected, long version, boolean deleted, long lastUpdated) {}

  record Version(long pk, long version, String type, String id, String method, long lastUpdated, String content) {}

  record Index(long pk, String type, IndexRows rows) {}

  final List<NewResource> resources = new ArrayList<>();
  final List<Advance> advances = new ArrayList<>();
  final List<Version> versions = new ArrayList<>();
  final List<Long> cleared = new ArrayList<>();
  final List<Index> indexes = new ArrayList<>();
  final List<StoreWrite> written = new ArrayList<>();
  /** Every write of the transaction whose rows were sent, in order: what {@link StoreWriteListener#committing} is told. */
  final List<StoreWrite> sent = new ArrayList<>();
  /** {@code Type/id} to the resource as stored by this transaction, or to null when it deleted it; kept across flushes. */
  private final Map<String, IBaseResource> latest = new HashMap<>();

  /** The batch of the current thread's database transaction, if it wrote anything. */
  static WriteBatch current() {
    return (WriteBatch) TransactionSynchronizationManager.getResource(WriteBatch.class);
  }

  /** Notes what this transaction stored under {@code type/id}: the resource, or null for a deletion. */
  void wrote(String type, String id, IBaseResource resource) {
    latest.put(type + "/" + id, resource);
  }

  /** Whether this transaction stored or deleted {@code type/id}. */
  boolean hasWritten(String type, String id) {
    return latest.containsKey(type + "/" + id);
  }

  /** What this transaction last stored under {@code type/id}; null when it deleted it (or wrote nothing there). */
  IBaseResource latest(String type, String id) {
    return latest.get(type + "/" + id);
  }

  boolean isEmpty() {
    return resources.isEmpty() && advances.isEmpty() && versions.isEmpty() && cleared.isEmpty() && indexes.isEmpty() && written.isEmpty();
  }

  void clear() {
    resources.clear();
    advances.clear();
    versions.clear();
    cleared.clear();
    indexes.clear();
    written.clear();
  }
}
