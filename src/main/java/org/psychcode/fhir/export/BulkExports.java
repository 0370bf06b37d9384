package org.psychcode.fhir.export;

import ca.uhn.fhir.context.FhirContext;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.WriteClock;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.psychcode.fhir.store.StoredTypes.StoredType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk export jobs (HL7 Bulk Data Access IG v2), whose state lives in the database so that any of several servers on
 * one database can answer for any job. A kick-off records the job and its transaction time and starts it here; the work
 * is to cut each type's snapshot into files of at most {@code psychcode.export.max-file-resources} resources by key
 * range, counting them; a file's resources are read from the store only when it is downloaded, in pages of a few
 * hundred (never all held in memory), as they stood at the transaction time. A server claims the job it works on for
 * {@code lease-seconds} and renews the claim as it goes; every few seconds each server takes up jobs nobody holds (a
 * server that stopped mid-job) and removes the jobs past their expiry.
 */
@Service
public class BulkExports {

  private static final Logger log = LoggerFactory.getLogger(BulkExports.class);

  /** What a kick-off asks for, checked. */
  public record KickOff(String kind, String groupId, List<String> types, Long since, Collection<String> patients, String requestUrl, List<OperationOutcome> errors) {}

  private final ExportRepository jobs;
  private final ResourceStore store;
  private final FhirContext ctx;
  private final ExportProperties properties;
  private final TransactionTemplate tx;
  private final WriteClock clock;
  private final String instance = UUID.randomUUID().toString();
  private final Set<String> working = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "bulk-export");
            t.setDaemon(true);
            return t;
          });

  BulkExports(ExportRepository jobs, ResourceStore store, FhirContext ctx, ExportProperties properties, PlatformTransactionManager transactions, WriteClock clock) {
    this.jobs = jobs;
    this.store = store;
    this.ctx = ctx;
    this.properties = properties;
    this.tx = new TransactionTemplate(transactions);
    this.clock = clock;
  }

  /** Once the server is ready, every few seconds: take up the jobs nobody works on, remove the expired ones. */
  @EventListener(ApplicationReadyEvent.class)
  public void startSweeping() {
    executor.scheduleWithFixedDelay(this::sweep, 5, 5, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }

  public ExportProperties properties() {
    return properties;
  }

  /** The types a Patient- or Group-level export may hold: those in the Patient compartment. */
  /**
   * Types an export holds only when its {@code _type} names them: the audit trail, which records every export (and
   * read) itself, so an export without {@code _type} would hold the record of the exports before it.
   */
  public static final Set<String> ONLY_WHEN_ASKED = Set.of("AuditEvent");

  public List<String> compartmentTypes() {
    List<String> out = new ArrayList<>();
    for (StoredType t : store.types().all()) {
      if (t.name().equals("Patient") || !compartmentParams(t.name()).isEmpty()) {
        out.add(t.name());
      }
    }
    return out;
  }

  private List<String> compartmentParams(String type) {
    return store.type(type).referenceParams().stream().filter(p -> p.compartments().contains("Patient")).map(SearchParam::name).sorted().toList();
  }

  /**
   * Records a job and starts it; answers its id. The job's transaction time is a settled instant
   * ({@link WriteClock#settledInstant}): every write stamped at or before it has ended, so what the job counts when it
   * cuts its files is what they hold whenever they are downloaded.
   */
  public String start(KickOff k) {
    long transactionTime = clock.settledInstant();
    long now = System.currentTimeMillis();
    String id = UUID.randomUUID().toString();
    ExportJob job =
        new ExportJob(
            id, ExportJob.State.ACCEPTED, k.kind(), k.groupId(), k.types(), k.since(), transactionTime, k.requestUrl(), now,
            now + properties.retentionHours() * 3_600_000L, instance, now + properties.leaseSeconds() * 1000L, "Accepted", null,
            !k.patients().isEmpty());
    tx.executeWithoutResult(
        s -> {
          jobs.insert(job, k.patients());
          int n = 0;
          for (OperationOutcome oo : k.errors()) {
            jobs.addFile(new ExportFile(id, ++n, ExportFile.ERROR, "OperationOutcome", null, null, 1, ctx.newJsonParser().encodeResourceToString(oo) + "\n"));
          }
        });
    working.add(id);
    executor.execute(() -> run(id));
    return id;
  }

  public Optional<ExportJob> job(String id) {
    return jobs.job(id).filter(j -> j.expires() >= System.currentTimeMillis());
  }

  public List<ExportFile> files(String id) {
    return jobs.files(id);
  }

  public Optional<ExportFile> file(String id, int number) {
    return jobs.file(id, number);
  }

  /** Cancels a job, or removes a finished one with its files: false when there is none. */
  public boolean delete(String id) {
    Boolean deleted = tx.execute(s -> jobs.delete(id));
    return deleted != null && deleted;
  }

  /** Writes one file as NDJSON: one resource (or OperationOutcome, or transaction Bundle of a deletion) a line. */
  public void write(ExportJob job, ExportFile file, OutputStream out) {
    if (ExportFile.ERROR.equals(file.kind())) {
      write(out, file.content());
      return;
    }
    if (ExportFile.OUTPUT.equals(file.kind())) {
      jobs.streamResources(job, file, compartmentParams(file.type()), json -> write(out, json + "\n"));
    } else {
      Set<String> patients = job.limitedToPatients() ? new HashSet<>(jobs.patients(job.id())) : Set.of();
      jobs.streamDeletions(
          job,
          file,
          (pk, id) -> {
            if (!job.patientLevel() || inScope(job, file.type(), pk, patients)) {
              write(out, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\""
                  + file.type() + "/" + id + "\"}}]}\n");
            }
          });
    }
  }

  private static void write(OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the work ---------------------------------------------------------------------------------------------

  private void sweep() {
    try {
      long now = System.currentTimeMillis();
      for (String id : jobs.expired(now)) {
        tx.executeWithoutResult(s -> jobs.delete(id));
      }
      for (String id : jobs.claimable(now)) {
        if (working.add(id)) {
          run(id);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Bulk export: the sweep of waiting and expired jobs failed, it runs again in 5 s: {}", e.getMessage());
    }
  }

  /** Works on one job, if this server can claim it: every type's snapshot cut into files, then complete. */
  private void run(String id) {
    try {
      long now = System.currentTimeMillis();
      if (!jobs.claim(id, instance, now, lease())) {
        return;
      }
      ExportJob job = jobs.job(id).orElse(null);
      if (job == null) {
        return;
      }
      Set<String> patients = job.limitedToPatients() ? new HashSet<>(jobs.patients(id)) : Set.of();
      List<ExportFile> errors = jobs.files(id).stream().filter(f -> ExportFile.ERROR.equals(f.kind())).toList();
      tx.executeWithoutResult(s -> {
        jobs.deleteFiles(id);
        errors.forEach(jobs::addFile);
      });
      int[] number = {errors.size()};
      long total = 0;
      for (int i = 0; i < job.types().size(); i++) {
        String type = job.types().get(i);
        if (!jobs.renew(id, instance, lease(), progress(job, i, total))) {
          return;
        }
        total += plan(job, type, false, patients, number);
        if (job.since() != null) {
          plan(job, type, true, patients, number);
        }
      }
      if (!jobs.finish(id, instance, ExportJob.State.COMPLETE, null)) {
        log.debug("Bulk export {} was cancelled while it ran", id);
      }
    } catch (Cancelled e) {
      log.debug("Bulk export {} was cancelled while it ran", id);
    } catch (RuntimeException e) {
      log.warn("Bulk export {} failed: {}", id, e.toString());
      jobs.finish(id, instance, ExportJob.State.FAILED, "The export failed: " + e.getMessage());
    } finally {
      working.remove(id);
    }
  }

  private long lease() {
    return System.currentTimeMillis() + properties.leaseSeconds() * 1000L;
  }

  private static String progress(ExportJob job, int done, long resources) {
    return "Listed " + done + " of " + job.types().size() + " types (" + resources + " resources); now " + job.types().get(done);
  }

  /** Cuts one type's snapshot (or its deletions) into files of key ranges; answers how many resources they hold. */
  private long plan(ExportJob job, String type, boolean deleted, Set<String> patients, int[] number) {
    int max = properties.maxFileResources();
    List<long[]> ranges = new ArrayList<>();
    long[] open = {0, 0, 0};
    jobs.snapshotKeys(
        job,
        type,
        deleted,
        compartmentParams(type),
        pk -> {
          if (deleted && job.patientLevel() && !inScope(job, type, pk, patients)) {
            return;
          }
          if (open[2] == 0) {
            open[0] = pk;
          }
          open[1] = pk;
          if (++open[2] == max) {
            ranges.add(open.clone());
            open[2] = 0;
          }
        });
    if (open[2] > 0) {
      ranges.add(open.clone());
    }
    long total = ranges.stream().mapToLong(r -> r[2]).sum();
    Boolean kept =
        tx.execute(
            st -> {
              if (!jobs.renew(job.id(), instance, lease(), "Listed " + type + (deleted ? " deletions" : "") + " (" + total + " resources)")) {
                return false;
              }
              for (long[] r : ranges) {
                jobs.addFile(new ExportFile(job.id(), ++number[0], deleted ? ExportFile.DELETED : ExportFile.OUTPUT, type, r[0], r[1], r[2], null));
              }
              return true;
            });
    if (kept == null || !kept) {
      throw new Cancelled();
    }
    return total;
  }

  /** The job was cancelled (or taken over) while this server worked on it. */
  private static final class Cancelled extends RuntimeException {
    Cancelled() {
      super(null, null, false, false);
    }
  }

  /** Whether a deleted resource was, before its deletion, in the compartment of a patient the job covers. */
  private boolean inScope(ExportJob job, String type, long pk, Set<String> patients) {
    Optional<String[]> last = jobs.lastContent(pk);
    if (last.isEmpty()) {
      return false;
    }
    Set<String> in;
    if (type.equals("Patient")) {
      in = Set.of("Patient/" + last.get()[0]);
    } else {
      IBaseResource r = ctx.newJsonParser().parseResource(store.type(type).resourceClass(), last.get()[1]);
      in = store.patients(r);
    }
    return job.limitedToPatients() ? in.stream().anyMatch(p -> patients.contains(p.substring("Patient/".length()))) : !in.isEmpty();
  }
}
