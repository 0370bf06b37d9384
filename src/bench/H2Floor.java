import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What H2 alone costs for the rows one stored visit writes: plain JDBC on the server's own schema (a database the server
 * created and migrated), the server's own INSERT statements batched per table as its WriteBatch sends them, and after
 * each commit the server's CHECKPOINT with its group commit (a commit skips its checkpoint when one that started after
 * it has written it). One visit: 7 resource rows and 7 version rows (6 resources of about 530 bytes of JSON each and a
 * 3.5 KB AuditEvent), 9 token, 5 string, 4 date and 17 reference index rows, a report_claim_line and a
 * report_practitioner row; keys drawn from the server's sequence, ids time-ordered UUIDs as the server makes them,
 * index values that vary per visit where a visit's do (MRN, names, dates, the ids referenced).
 * Prints visits/s, the process's CPU per visit (everything in this JVM: the 16 writers, H2's threads, the JIT) and H2's
 * own file counters per visit (info.FILE_WRITE, info.FILE_WRITE_BYTES).
 *
 * With CHECKPOINT_MS above 0, no commit waits for a checkpoint: one writer runs the CHECKPOINT when that long has
 * passed since the last (what H2 would cost if durability came from somewhere else, a log of its own, and the file
 * were written about once per CHECKPOINT_MS).
 *
 * Usage (src/bench/h2-floor.sh runs it):
 * java -cp h2.jar src/bench/H2Floor.java JDBC_URL [THREADS [WARM_UP_S [SECONDS [CHECKPOINT_MS]]]]
 */
public class H2Floor {

  static final String[] TYPES = {"Patient", "Practitioner", "Organization", "Coverage", "Encounter", "Claim", "AuditEvent"};
  static final String RESOURCE_JSON = "{\"resourceType\":\"X\",\"text\":\"" + "r".repeat(480) + "\"}";
  static final String AUDIT_JSON = "{\"resourceType\":\"AuditEvent\",\"text\":\"" + "a".repeat(3450) + "\"}";

  final String url;
  final AtomicLong committed = new AtomicLong();
  final ReentrantLock writing = new ReentrantLock();
  long durable;
  final AtomicLong visits = new AtomicLong();

  final long checkpointMillis;
  volatile long lastCheckpoint;

  H2Floor(String url, long checkpointMillis) {
    this.url = url;
    this.checkpointMillis = checkpointMillis;
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    H2Floor floor = new H2Floor(url, args.length > 4 ? Long.parseLong(args[4]) : 0);
    try (Connection admin = DriverManager.getConnection(url, "sa", "")) {
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Thread t = new Thread(() -> floor.write(stop), "writer-" + i);
        t.start();
        writers.add(t);
      }
      Thread.sleep(warmUp * 1000L);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long[] h2Before = counters(admin);
      long cpuBefore = os.getProcessCpuTime();
      long visitsBefore = floor.visits.get();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long n = floor.visits.get() - visitsBefore;
      long cpu = os.getProcessCpuTime() - cpuBefore;
      double wall = (System.nanoTime() - start) / 1e9;
      long[] h2After = counters(admin);
      stop.set(true);
      for (Thread t : writers) {
        t.join();
      }
      System.out.printf(
          "| %d | %.1f | %.2f ms | %.3f | %.1f KB |%n",
          threads, n / wall, cpu / 1e6 / n, (h2After[0] - h2Before[0]) / (double) n, (h2After[1] - h2Before[1]) / 1024.0 / n);
    }
  }

  static long[] counters(Connection c) throws SQLException {
    long writes = 0;
    long bytes = 0;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILE_WRITE', 'info.FILE_WRITE_BYTES')")) {
      while (rs.next()) {
        if (rs.getString(1).endsWith("BYTES")) {
          bytes = Long.parseLong(rs.getString(2));
        } else {
          writes = Long.parseLong(rs.getString(2));
        }
      }
    }
    return new long[] {writes, bytes};
  }

  void write(AtomicBoolean stop) {
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      c.setAutoCommit(false);
      Statements s = new Statements(c);
      long[] keys = new long[0];
      int next = 0;
      while (!stop.get()) {
        if (next + TYPES.length > keys.length) {
          keys = s.drawKeys();
          next = 0;
        }
        s.visit(keys, next);
        next += TYPES.length;
        c.commit();
        checkpoint(c);
        visits.incrementAndGet();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The server's group commit (StoreTransactionManager without gathering), or with CHECKPOINT_MS a checkpoint once
   * per that many ms that no commit waits for.
   */
  void checkpoint(Connection c) throws SQLException {
    if (checkpointMillis > 0) {
      if (System.currentTimeMillis() - lastCheckpoint >= checkpointMillis && writing.tryLock()) {
        try (Statement s = c.createStatement()) {
          s.execute("CHECKPOINT");
          lastCheckpoint = System.currentTimeMillis();
        } finally {
          writing.unlock();
        }
      }
      return;
    }
    long mine = committed.incrementAndGet();
    writing.lock();
    try {
      if (durable >= mine) {
        return;
      }
      long upTo = committed.get();
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
      durable = upTo;
    } finally {
      writing.unlock();
    }
  }

  static String id() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** The server's statements, prepared once per connection. */
  static final class Statements {
    final Connection c;
    final PreparedStatement keys;
    final PreparedStatement resource;
    final PreparedStatement version;
    final PreparedStatement token;
    final PreparedStatement string;
    final PreparedStatement date;
    final PreparedStatement reference;
    final PreparedStatement line;
    final PreparedStatement practitioner;

    Statements(Connection c) throws SQLException {
      this.c = c;
      keys = c.prepareStatement("SELECT NEXT VALUE FOR resource_pk_seq");
      resource = c.prepareStatement("INSERT INTO resource (res_pk, res_type, res_id, version, deleted, last_updated) VALUES (?, ?, ?, 1, FALSE, ?)");
      version =
          c.prepareStatement(
              "INSERT INTO resource_version (res_pk, version, res_type, res_id, method, last_updated, content) VALUES (?, ?, ?, ?, ?, ?, ?)");
      token = c.prepareStatement("INSERT INTO sp_token (res_pk, res_type, param, system, code) VALUES (?, ?, ?, ?, ?)");
      string = c.prepareStatement("INSERT INTO sp_string (res_pk, res_type, param, value_normalized, value_exact) VALUES (?, ?, ?, ?, ?)");
      date = c.prepareStatement("INSERT INTO sp_date (res_pk, res_type, param, low, high) VALUES (?, ?, ?, ?, ?)");
      reference = c.prepareStatement("INSERT INTO sp_reference (res_pk, res_type, param, target_type, target_id) VALUES (?, ?, ?, ?, ?)");
      line =
          c.prepareStatement(
              "INSERT INTO report_claim_line (claim_id, line_no, practitioner_id, taxonomy, patient_id, encounter_id, service_date,"
                  + " service_month, code_system, code, units, session_type, minutes, timed, telehealth, place, diagnosis_category,"
                  + " addon_without_em) VALUES (?, 0, ?, '101YP2500X', ?, ?, ?, ?, 'http://www.ama-assn.org/go/cpt', '90834', 1,"
                  + " 'individual', ?, TRUE, FALSE, '11', 'F41', FALSE)");
      practitioner = c.prepareStatement("INSERT INTO report_practitioner (practitioner_id, taxonomy, name) VALUES (?, '101YP2500X', ?)");
    }

    /** A hundred keys, as the server draws them (the sequence increments by 100). */
    long[] drawKeys() throws SQLException {
      long first;
      try (ResultSet rs = keys.executeQuery()) {
        rs.next();
        first = rs.getLong(1);
      }
      long[] out = new long[100];
      for (int i = 0; i < out.length; i++) {
        out[i] = first + i;
      }
      return out;
    }

    void visit(long[] keys, int from) throws SQLException {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long now = System.currentTimeMillis();
      String[] ids = new String[TYPES.length];
      long[] pks = new long[TYPES.length];
      for (int i = 0; i < TYPES.length; i++) {
        ids[i] = id();
        pks[i] = keys[from + i];
        resource.setLong(1, pks[i]);
        resource.setString(2, TYPES[i]);
        resource.setString(3, ids[i]);
        resource.setLong(4, now);
        resource.addBatch();
        version.setLong(1, pks[i]);
        version.setLong(2, 1);
        version.setString(3, TYPES[i]);
        version.setString(4, ids[i]);
        version.setString(5, "POST");
        version.setLong(6, now);
        version.setString(7, i == 6 ? AUDIT_JSON : RESOURCE_JSON.replace("\"X\"", "\"" + TYPES[i] + "\""));
        version.addBatch();
      }
      resource.executeBatch();
      version.executeBatch();
      String mrn = "MRN-" + random.nextLong(1_000_000_000L);
      LocalDate day = LocalDate.of(2025, 1, 1).plusDays(random.nextInt(365));
      long dayMillis = day.toEpochDay() * 86_400_000L;
      String family = "Family" + random.nextInt(5000);
      String given = "Given" + random.nextInt(2000);
      // tokens: Patient identifier; Practitioner identifier; Encounter identifier, status, class, type; Claim status,
      // use, item-code
      token(pks[0], "Patient", "identifier", "http://example.org/fhir/mrn", mrn);
      token(pks[1], "Practitioner", "identifier", "http://hl7.org/fhir/sid/us-npi", String.valueOf(1_000_000_000L + random.nextInt(1000)));
      token(pks[4], "Encounter", "identifier", "http://example.org/fhir/visit", "V-" + random.nextLong(1_000_000_000L));
      token(pks[4], "Encounter", "status", "http://hl7.org/fhir/encounter-status", "finished");
      token(pks[4], "Encounter", "class", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB");
      token(pks[4], "Encounter", "type", "http://www.ama-assn.org/go/cpt", "90834");
      token(pks[5], "Claim", "status", "http://hl7.org/fhir/fm-status", "active");
      token(pks[5], "Claim", "use", "http://hl7.org/fhir/claim-use", "claim");
      token(pks[5], "Claim", "item-code", "http://www.ama-assn.org/go/cpt", "90834");
      token.executeBatch();
      // strings: the Patient's and the Practitioner's names
      string(pks[0], "Patient", "name", family);
      string(pks[0], "Patient", "name", given);
      string(pks[1], "Practitioner", "name", "Pfamily" + random.nextInt(1000));
      string(pks[1], "Practitioner", "name", "Pgiven" + random.nextInt(500));
      string(pks[0], "Patient", "name", "the " + given);
      string.executeBatch();
      // dates: birthdate, the encounter's period, the claim's created, the audit's recorded
      date(pks[0], "Patient", "birthdate", LocalDate.of(1950, 1, 1).plusDays(random.nextInt(20000)).toEpochDay() * 86_400_000L, 86_400_000L);
      date(pks[4], "Encounter", "date", dayMillis + 36_000_000L, 3_000_000L);
      date(pks[5], "Claim", "created", dayMillis, 86_400_000L);
      date(pks[6], "AuditEvent", "date", now, 0);
      date.executeBatch();
      // references: Coverage 2, Encounter 3, Claim 5 (of which 2 without a search parameter), AuditEvent 7 (entity)
      reference(pks[3], "Coverage", null, "Patient", ids[0]);
      reference(pks[3], "Coverage", null, "Organization", ids[2]);
      reference(pks[4], "Encounter", "patient", "Patient", ids[0]);
      reference(pks[4], "Encounter", "subject", "Patient", ids[0]);
      reference(pks[4], "Encounter", "participant", "Practitioner", ids[1]);
      reference(pks[5], "Claim", "patient", "Patient", ids[0]);
      reference(pks[5], "Claim", "encounter", "Encounter", ids[4]);
      reference(pks[5], "Claim", "provider", "Practitioner", ids[1]);
      reference(pks[5], "Claim", null, "Coverage", ids[3]);
      reference(pks[5], "Claim", null, "Organization", ids[2]);
      for (int i = 0; i < 6; i++) {
        reference(pks[6], "AuditEvent", "entity", TYPES[i], ids[i]);
      }
      reference(pks[6], "AuditEvent", "entity", "Bundle", id());
      reference.executeBatch();
      line.setString(1, ids[5]);
      line.setString(2, ids[1]);
      line.setString(3, ids[0]);
      line.setString(4, ids[4]);
      line.setDate(5, Date.valueOf(day));
      line.setInt(6, day.getYear() * 100 + day.getMonthValue());
      line.setInt(7, 38 + random.nextInt(15));
      line.executeUpdate();
      practitioner.setString(1, ids[1]);
      practitioner.setString(2, "Pgiven Pfamily");
      practitioner.executeUpdate();
    }

    /** One index row: the resource's key, its type, the parameter and the two values of the table's row. */
    static void row(PreparedStatement s, long pk, String type, String param, Object first, Object second) throws SQLException {
      s.setLong(1, pk);
      s.setString(2, type);
      s.setString(3, param);
      s.setObject(4, first);
      s.setObject(5, second);
      s.addBatch();
    }

    void token(long pk, String type, String param, String system, String code) throws SQLException {
      row(token, pk, type, param, system, code);
    }

    void string(long pk, String type, String param, String value) throws SQLException {
      row(string, pk, type, param, value.toUpperCase(java.util.Locale.ROOT), value);
    }

    void date(long pk, String type, String param, long low, long span) throws SQLException {
      row(date, pk, type, param, low, low + span);
    }

    void reference(long pk, String type, String param, String targetType, String targetId) throws SQLException {
      row(reference, pk, type, param, targetType, targetId);
    }
  }
}
