package org.psychcode.fhir.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreReadListener;
import org.psychcode.fhir.store.StoreWrite;
import org.psychcode.fhir.store.StoreWriteListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The audit trail of the stored data, whether security is on or off: an AuditEvent ({@link AuditEvents}) for the
 * creates, updates and deletes of each database transaction (one per kind of write, naming each resource written),
 * written by the store in the same database transaction as the writes (a write that rolls back leaves no event, an
 * event that cannot be written rolls the write back), and for every read, vread, history and
 * search, written by one background writer in batches right after the answer, so a read costs no commit. The writer
 * drains its queue before the server stops; a full queue (10,000 events) makes readers wait rather than lose events.
 * AuditEvents are a stored type ({@code psychcode.store.types.AuditEvent}, immutable): read and searched like any
 * other, never changed. Writes of AuditEvents themselves (a client posting its own) are not audited again. Refused
 * requests for stored data are recorded too ({@link RefusedAccess}).
 */
@Component
class AuditTrail implements StoreWriteListener, StoreReadListener, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  static final String TYPE = "AuditEvent";

  private final ObjectProvider<ResourceStore> stores;
  private final BlockingQueue<AuditEvent> reads = new LinkedBlockingQueue<>(10_000);
  private volatile boolean running;
  private Thread writer;

  AuditTrail(ObjectProvider<ResourceStore> stores) {
    this.stores = stores;
  }

  /**
   * One event per kind of write (create, update, delete) the database transaction made, naming every resource it
   * wrote that way and every patient whose compartment they are in: a single create is one event, and so is a
   * transaction Bundle of a visit's six creates or a {@code Claim/$submit}. Written just before the commit, in the same
   * transaction.
   */
  @Override
  public void committing(List<StoreWrite> writes, JdbcTemplate sameTransaction) {
    record Kind(Interaction interaction, RequestDetails request) {}
    Map<Kind, List<StoreWrite>> byKind = new LinkedHashMap<>();
    for (StoreWrite w : writes) {
      if (!TYPE.equals(w.type())) {
        byKind.computeIfAbsent(new Kind(w.interaction(), w.request()), k -> new ArrayList<>()).add(w);
      }
    }
    ResourceStore store = stores.getObject();
    byKind.forEach(
        (kind, same) -> {
          Set<String> written = new LinkedHashSet<>();
          Set<String> patients = new LinkedHashSet<>();
          for (StoreWrite w : same) {
            written.add(w.type() + "/" + w.id());
            patients.addAll(w.patients());
          }
          store.record(TYPE, AuditEvents.write(kind.interaction(), written, patients, Requestor.of(kind.request())), AuditEventJson::write);
        });
  }

  @Override
  public void returned(Interaction interaction, String type, List<IBaseResource> resources, RequestDetails request) {
    ResourceStore store = stores.getObject();
    Requestor who = Requestor.of(request);
    List<AuditEvent> events = new ArrayList<>();
    switch (interaction) {
      // a report over every stored Claim, an export file of a type: one query event naming the operation and its query
      case REPORT, EXPORT -> events.addAll(AuditEvents.search("search-type", Set.of(), who));
      case SEARCH, HISTORY_TYPE -> {
        Set<String> patients = new LinkedHashSet<>();
        resources.forEach(r -> patients.addAll(store.patients(r)));
        events.addAll(AuditEvents.search(interaction == Interaction.SEARCH ? "search-type" : "history-type", patients, who));
      }
      default -> {
        Set<String> seen = new LinkedHashSet<>();
        for (IBaseResource r : resources) {
          String id = r.getIdElement().getIdPart();
          if (id != null && seen.add(id)) {
            events.addAll(AuditEvents.read(interaction, type, id, store.patients(r), who));
          }
        }
      }
    }
    queue(events);
  }

  /** Events written by the background writer, after the answer: reads, and refused requests (nothing to commit with). */
  void queue(List<AuditEvent> events) {
    for (AuditEvent e : events) {
      try {
        reads.put(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---- the background writer of read events -----------------------------------------------------------

  @Override
  public void start() {
    running = true;
    writer = new Thread(this::drain, "audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  private void drain() {
    List<AuditEvent> batch = new ArrayList<>();
    while (running || !reads.isEmpty()) {
      try {
        AuditEvent first = reads.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        reads.drainTo(batch, 499);
        write(batch);
      } catch (InterruptedException e) {
        if (!running) {
          reads.drainTo(batch);
          write(batch);
          return;
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<AuditEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    ResourceStore store = stores.getObject();
    for (int attempt = 1; ; attempt++) {
      try {
        store.inTransaction(
            () -> {
              batch.forEach(e -> store.record(TYPE, e, AuditEventJson::write));
              return null;
            });
        return;
      } catch (RuntimeException e) {
        if (attempt >= 3) {
          log.error("{} AuditEvents of reads could not be written: {}", batch.size(), e.toString());
          return;
        }
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    Thread w = writer;
    if (w != null) {
      try {
        w.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
