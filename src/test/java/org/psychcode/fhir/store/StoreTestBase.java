package org.psychcode.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * What the store's HTTP tests share: requests with any method and headers, the answers read as FHIR, and visits made
 * from the example Bundles with their own MRN, so tests never see each other's data.
 */
abstract class StoreTestBase extends ServerTestBase {

  static final String JSON = "application/fhir+json";
  static final String MRN = "http://example.org/fhir/mrn";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create((path.startsWith("http") ? path : base() + path).replace("|", "%7C")))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    boolean typed = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", JSON);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static String json(IBaseResource r) {
    return FHIR.newJsonParser().encodeResourceToString(r);
  }

  static <T extends IBaseResource> T parse(Class<T> type, HttpResponse<String> r) {
    return FHIR.newJsonParser().parseResource(type, r.body());
  }

  /** A 4xx with an OperationOutcome holding an error, and nothing of a stack trace. */
  static OperationOutcome refused(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception:");
    OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(oo.getIssueFirstRep().getSeverity()).isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
    return oo;
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** An example visit Bundle as a transaction: POST entries, the Patient created once by its (fresh) MRN. */
  static Bundle visit(String example, String mrn) throws IOException {
    Bundle b =
        FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("fhir-resources/examples/" + example + ".json")));
    b.setType(Bundle.BundleType.TRANSACTION);
    b.setId((String) null);
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      r.setId((String) null);
      if (r instanceof org.hl7.fhir.r4.model.Patient p) {
        p.getIdentifierFirstRep().setSystem(MRN).setValue(mrn);
        e.getRequest().setIfNoneExist("identifier=" + MRN + "|" + mrn);
      }
      e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
    }
    return b;
  }

  Bundle search(String query) throws IOException, InterruptedException {
    HttpResponse<String> r = send("GET", "/" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return parse(Bundle.class, r);
  }
}
