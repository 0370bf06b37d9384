package org.psychcode.fhir.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole server with security on ({@code psychcode.security.enabled=true}), its tokens checked against the keys of
 * the tests' own {@link TokenIssuer}; one server for every test class that extends this.
 */
@ContextConfiguration(initializers = TokenIssuer.Secured.class)
public abstract class SecuredServerTestBase extends ServerTestBase {

  protected static final TokenIssuer ISSUER = TokenIssuer.INSTANCE;
  protected static final String FHIR_JSON = "application/fhir+json";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A request to {@code path} under /fhir (or an absolute URL) with a bearer token (none when null) and headers. */
  protected HttpResponse<String> as(String token, String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    String url = path.startsWith("http") ? path : path.startsWith("/fhir") || path.startsWith("/.well") || path.startsWith("/actuator") || path.equals("/") ? root() + path : base() + path;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url.replace("|", "%7C")))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    boolean typed = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", FHIR_JSON);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The server's root, without /fhir. */
  protected String root() {
    return "http://localhost:" + port;
  }
}
