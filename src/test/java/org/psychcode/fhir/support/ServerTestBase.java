package org.psychcode.fhir.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Starts the whole server once on a random port (Spring caches the context across test classes) and
 * talks to it as a client would: HAPI's {@link IGenericClient}, or plain HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServerTestBase {

  protected static final FhirContext FHIR = FhirContext.forR4Cached();
  public static final String JSON = "application/fhir+json";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort protected int port;

  protected String base() {
    return "http://localhost:" + port + "/fhir";
  }

  protected IGenericClient client() {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // the first $validate waits for the profile validator, which a busy two-core machine builds in more than 10 s
    FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
    return FHIR.newRestfulGenericClient(base());
  }

  protected HttpResponse<String> get(String pathAndQuery, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Any request, with header name and value pairs; a path is below the FHIR base unless it is a whole URL, and a body
   * goes as FHIR JSON unless a Content-Type header says otherwise.
   */
  protected HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
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

  protected HttpResponse<String> post(String pathAndQuery, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
