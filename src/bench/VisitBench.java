import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times Bundle/$validate as one client sees it, with visits never posted before (own ids, MRN, date and
 * minutes each time). Run with the JDK's source launcher: {@code java src/bench/VisitBench.java MODE BASE}.
 *
 * <ul>
 *   <li>{@code sizes BASE [REPEATS]}: median time of a 5-entry visit Bundle and of a 1,000-entry Bundle (200
 *       visits), and their ratio.
 *   <li>{@code files DIR N}: writes N distinct 6-resource visit Bundles to DIR, for curl.
 * </ul>
 */
public class VisitBench {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static int counter = (int) (System.nanoTime() % 100_000_000L);

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String base = args[1];
    switch (mode) {
      case "sizes" -> sizes(base, args.length > 2 ? Integer.parseInt(args[2]) : 15);
      case "files" -> files(java.nio.file.Path.of(args[1]), Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("mode is sizes or files");
    }
  }

  /** Writes {@code n} distinct 6-resource visit Bundles as visit-001.json ... for a client such as curl. */
  private static void files(java.nio.file.Path dir, int n) throws Exception {
    java.nio.file.Files.createDirectories(dir);
    for (int i = 1; i <= n; i++) {
      java.nio.file.Files.writeString(dir.resolve(String.format("visit-%03d.json", i)), bundle(1, true));
    }
  }

  private static void sizes(String base, int repeats) throws Exception {
    for (int i = 0; i < 5; i++) {
      post(base, bundle(200, false));
      post(base, bundle(1, false));
    }
    double small = median(base, 1, repeats * 10);
    double large = median(base, 200, repeats);
    System.out.printf(
        "5-entry Bundle %.2f ms, 1000-entry Bundle %.1f ms (median of %d and %d, distinct Bundles): ratio %.0f (entries x200)%n",
        small, large, repeats * 10, repeats, large / small);
  }

  private static double median(String base, int visits, int repeats) throws Exception {
    double[] ms = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      ms[i] = post(base, bundle(visits, false));
    }
    Arrays.sort(ms);
    return ms[repeats / 2];
  }

  private static double post(String base, String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/Bundle/$validate"))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - start) / 1e6;
    if (r.statusCode() != 200 || !r.body().contains("\"informational\"")) {
      throw new IllegalStateException("unexpected answer " + r.statusCode() + ": " + r.body().substring(0, Math.min(400, r.body().length())));
    }
    return ms;
  }

  /** {@code visits} visits of 5 entries (or 6 with a Coverage), each with its own ids, date and minutes. */
  static String bundle(int visits, boolean coverage) {
    List<String> entries = new ArrayList<>();
    for (int v = 0; v < visits; v++) {
      int n = ++counter;
      String id = String.format("%010d", n);
      String u = "urn:uuid:5a0c1e2d-0000-4000-8000-" + id;
      String month = String.format("%02d", n % 12 + 1);
      String day = String.format("%02d", n % 28 + 1);
      int minutes = 38 + n % 15;
      entries.add(entry(u + "01", "{\"resourceType\":\"Patient\",\"id\":\"p" + id + "\",\"identifier\":[{\"system\":\"http://example.org/fhir/mrn\",\"value\":\"MRN-" + id + "\"}],\"name\":[{\"family\":\"Rivera\",\"given\":[\"Ana\"]}],\"gender\":\"female\",\"birthDate\":\"1988-04-12\"}"));
      entries.add(entry(u + "02", "{\"resourceType\":\"Practitioner\",\"id\":\"pr" + id + "\",\"name\":[{\"family\":\"Okafor\",\"given\":[\"Grace\"]}],\"qualification\":[{\"code\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\",\"code\":\"1041C0700X\"}]}}]}"));
      entries.add(entry(u + "03", "{\"resourceType\":\"Organization\",\"id\":\"o" + id + "\",\"name\":\"Riverbend Counseling\"}"));
      if (coverage) {
        entries.add(entry(u + "04", "{\"resourceType\":\"Coverage\",\"id\":\"c" + id + "\",\"status\":\"active\",\"beneficiary\":{\"reference\":\"" + u + "01\"},\"payor\":[{\"display\":\"Example Health Plan\"}]}"));
      }
      entries.add(entry(u + "05", "{\"resourceType\":\"Encounter\",\"id\":\"e" + id + "\",\"status\":\"finished\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},\"type\":[{\"coding\":[{\"system\":\"http://psychcode.org/fhir/CodeSystem/session-type\",\"code\":\"individual\"}]}],\"subject\":{\"reference\":\"" + u + "01\"},\"period\":{\"start\":\"2025-" + month + "-" + day + "T10:00:00-05:00\",\"end\":\"2025-" + month + "-" + day + "T10:" + minutes + ":00-05:00\"},\"length\":{\"value\":" + minutes + ",\"unit\":\"min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"min\"}}"));
      entries.add(entry(u + "06", "{\"resourceType\":\"Claim\",\"id\":\"cl" + id + "\",\"status\":\"active\",\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\"professional\"}]},\"use\":\"claim\",\"patient\":{\"reference\":\"" + u + "01\"},\"created\":\"2025-" + month + "-" + day + "\",\"provider\":{\"reference\":\"" + u + "03\"},\"priority\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/processpriority\",\"code\":\"normal\"}]},\"careTeam\":[{\"sequence\":1,\"provider\":{\"reference\":\"" + u + "02\"},\"qualification\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\",\"code\":\"1041C0700X\"}]}}],\"diagnosis\":[{\"sequence\":1,\"diagnosisCodeableConcept\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"F41.1\"}]}}],\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":{\"display\":\"Example Health Plan\"}}],\"item\":[{\"sequence\":1,\"careTeamSequence\":[1],\"diagnosisSequence\":[1],\"productOrService\":{\"coding\":[{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\"90834\"}]},\"servicedDate\":\"2025-" + month + "-" + day + "\",\"locationCodeableConcept\":{\"coding\":[{\"system\":\"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set\",\"code\":\"11\"}]},\"quantity\":{\"value\":1},\"encounter\":[{\"reference\":\"" + u + "05\"}]}]}"));
    }
    return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + String.join(",", entries) + "]}";
  }

  private static String entry(String fullUrl, String resource) {
    return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + "}";
  }
}
