import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds the store through the public API for the reports' benchmark, and times the report requests as one client sees
 * them. Run with the JDK's source launcher: {@code java src/bench/ReportBench.java MODE BASE ...}.
 *
 * <ul>
 *   <li>{@code seed BASE VISITS}: 200 practitioners (PUT; social workers, psychologists and psychiatrists, 1 in 10 with
 *       the long-session habit: 90837 for 53-55-minute sessions), 10,000 patients (PUT), then VISITS visits spread over
 *       2025, each an Encounter and a Claim, posted as transactions of BENCH_SEED_BATCH (100) visits from BENCH_SEED_CLIENTS (2)
 *       clients.
 *   <li>{@code profile BASE N}: p50 and p90 of N sequential {@code Practitioner/<id>/$coding-profile} for 2025, cycling
 *       through the practitioners.
 *   <li>{@code measure BASE N [csv]}: p50 and p90 of N sequential {@code $evaluate-measure} for 2025 (JSON, or CSV).
 * </ul>
 */
public class ReportBench {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final int PRACTITIONERS = 200;
  static final int PATIENTS = 10_000;
  static final String[] TAXONOMIES = {"1041C0700X", "103T00000X", "2084P0800X"};
  /** Visits per transaction Bundle (BENCH_SEED_BATCH, default 100: 200 entries) and clients posting them at once (BENCH_SEED_CLIENTS, 2). */
  static final int SEED_BATCH = Integer.parseInt(System.getenv().getOrDefault("BENCH_SEED_BATCH", "100"));
  static final int SEED_CLIENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SEED_CLIENTS", "2"));
  static final String[] DIAGNOSES = {"F41.1", "F32.1", "F43.10", "F33.1", "F90.0", "F43.23"};

  public static void main(String[] args) throws Exception {
    String base = args[1];
    switch (args[0]) {
      case "seed" -> seed(base, Integer.parseInt(args[2]));
      case "profile" -> timed("Practitioner/$coding-profile for a year", Integer.parseInt(args[2]),
          i -> get(base + "/Practitioner/bench-pr-" + (i % PRACTITIONERS) + "/$coding-profile?start=2025-01-01&end=2025-12-31", "application/fhir+json"));
      case "measure" -> {
        boolean csv = args.length > 3 && args[3].equals("csv");
        timed("Measure/$evaluate-measure for a year" + (csv ? " (CSV)" : ""), Integer.parseInt(args[2]),
            i -> get(base + "/Measure/behavioral-health-utilization/$evaluate-measure?periodStart=2025-01-01&periodEnd=2025-12-31",
                csv ? "text/csv" : "application/fhir+json"));
      }
      default -> throw new IllegalArgumentException("mode is seed, profile or measure");
    }
  }

  interface Call {
    void run(int i) throws Exception;
  }

  static void timed(String what, int n, Call call) throws Exception {
    for (int i = 0; i < Math.min(10, n); i++) {
      call.run(i);
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      call.run(i);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "| %s | %d | %.1f ms | %.1f ms | %.1f ms |%n", what, n, ms[n / 2], ms[(int) (n * 0.9)], ms[n - 1]);
  }

  static void get(String url, String accept) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  static void send(String method, String url, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/fhir+json")
                .header("Prefer", "return=minimal").build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  static void seed(String base, int visits) throws Exception {
    long start = System.nanoTime();
    List<String> entries = new ArrayList<>();
    for (int p = 0; p < PRACTITIONERS; p++) {
      String id = "bench-pr-" + p;
      entries.add(put("Practitioner/" + id, "{\"resourceType\":\"Practitioner\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Bench " + p
          + "\",\"given\":[\"Pat\"]}],\"qualification\":[{\"code\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\",\"code\":\"" + taxonomy(p) + "\"}]}}]}"));
    }
    send("POST", base, bundle(entries));
    for (int from = 0; from < PATIENTS; from += 500) {
      entries.clear();
      for (int n = from; n < from + 500; n++) {
        String id = "bench-pt-" + n;
        entries.add(put("Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[{\"system\":\"http://example.org/fhir/mrn\",\"value\":\"B"
            + n + "\"}],\"name\":[{\"family\":\"Bench\",\"given\":[\"Sam\"]}],\"gender\":\"" + (n % 2 == 0 ? "female" : "male") + "\",\"birthDate\":\"1980-01-01\"}"));
      }
      send("POST", base, bundle(entries));
    }
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(SEED_CLIENTS);
    List<Future<?>> work = new ArrayList<>();
    for (int from = 0; from < visits; from += SEED_BATCH) {
      int first = from;
      int last = Math.min(visits, from + SEED_BATCH);
      work.add(pool.submit(() -> {
        List<String> e = new ArrayList<>();
        for (int v = first; v < last; v++) {
          e.addAll(visit(v));
        }
        send("POST", base, bundle(e));
        int n = done.addAndGet(last - first);
        if (n / 10_000 != (n - (last - first)) / 10_000) {
          System.err.printf(Locale.ROOT, "%d visits stored, %.0f s%n", n, (System.nanoTime() - start) / 1e9);
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "seeded %d practitioners, %d patients and %d visits (%d resources) through POST /fhir transactions of %d visits from %d clients in %.0f s (%.0f visits/s)%n",
        PRACTITIONERS, PATIENTS, visits, PRACTITIONERS + PATIENTS + 2 * visits, SEED_BATCH, SEED_CLIENTS, seconds, visits / seconds);
  }

  static String taxonomy(int practitioner) {
    return TAXONOMIES[practitioner % TAXONOMIES.length];
  }

  /** Visit number v: its practitioner, patient, date in 2025, minutes and code follow from v, so every run seeds the same store. */
  static List<String> visit(int v) {
    int p = v % PRACTITIONERS;
    boolean longBiller = p % 10 == 0;
    int day = (v / PRACTITIONERS) % 365;
    String date = java.time.LocalDate.of(2025, 1, 1).plusDays(day).toString();
    int minutes;
    String code;
    int kind = (v * 7 + p) % 10;
    if (longBiller) {
      minutes = kind < 8 ? 53 + kind % 3 : 45;
    } else {
      minutes = kind < 2 ? 30 : kind < 7 ? 45 + kind % 5 : 60;
    }
    code = minutes >= 53 ? "90837" : minutes >= 38 ? "90834" : "90832";
    boolean telehealth = v % 5 == 0;
    boolean untimed = v % 97 == 0;
    String enc = "urn:uuid:" + new java.util.UUID(0x5eedeL, v);
    String claim = "urn:uuid:" + new java.util.UUID(0x5eedcL, v);
    String patient = "Patient/bench-pt-" + (v % PATIENTS);
    String practitioner = "Practitioner/bench-pr-" + p;
    String time = untimed
        ? ",\"period\":{\"start\":\"" + date + "\"}"
        : ",\"period\":{\"start\":\"" + date + "T10:00:00-05:00\",\"end\":\"" + date + "T" + String.format(Locale.ROOT, "%02d:%02d", 10 + minutes / 60, minutes % 60)
            + ":00-05:00\"},\"length\":{\"value\":" + minutes + ",\"unit\":\"min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"min\"}";
    String encounter = "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\""
        + (telehealth ? "VR" : "AMB") + "\"},\"type\":[{\"coding\":[{\"system\":\"http://psychcode.org/fhir/CodeSystem/session-type\",\"code\":\"individual\"}]}],"
        + "\"subject\":{\"reference\":\"" + patient + "\"},\"participant\":[{\"individual\":{\"reference\":\"" + practitioner + "\"}}]" + time + "}";
    String item = "{\"sequence\":1,\"careTeamSequence\":[1],\"diagnosisSequence\":[1],\"productOrService\":{\"coding\":[{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\""
        + code + "\"}]}" + (telehealth ? ",\"modifier\":[{\"coding\":[{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\"95\"}]}]" : "")
        + ",\"servicedDate\":\"" + date + "\",\"locationCodeableConcept\":{\"coding\":[{\"system\":\"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set\",\"code\":\""
        + (telehealth ? "10" : "11") + "\"}]},\"quantity\":{\"value\":1},\"encounter\":[{\"reference\":\"" + enc + "\"}]}";
    String claimJson = "{\"resourceType\":\"Claim\",\"status\":\"active\",\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"professional\"}]},"
        + "\"use\":\"claim\",\"patient\":{\"reference\":\"" + patient + "\"},\"created\":\"" + date + "\",\"provider\":{\"reference\":\"" + practitioner + "\"},"
        + "\"priority\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/processpriority\",\"code\":\"normal\"}]},\"careTeam\":[{\"sequence\":1,\"provider\":{\"reference\":\""
        + practitioner + "\"},\"qualification\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\",\"code\":\"" + taxonomy(p) + "\"}]}}],"
        + "\"diagnosis\":[{\"sequence\":1,\"diagnosisCodeableConcept\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"" + DIAGNOSES[v % DIAGNOSES.length]
        + "\"}]}}],\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"display\":\"Example Health Plan\"}}],\"item\":[" + item + "]}";
    return List.of(
        "{\"fullUrl\":\"" + enc + "\",\"resource\":" + encounter + ",\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}}",
        "{\"fullUrl\":\"" + claim + "\",\"resource\":" + claimJson + ",\"request\":{\"method\":\"POST\",\"url\":\"Claim\"}}");
  }

  static String put(String url, String resource) {
    return "{\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + url + "\"}}";
  }

  static String bundle(List<String> entries) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
  }
}
