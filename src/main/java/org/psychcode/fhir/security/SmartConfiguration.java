package org.psychcode.fhir.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * How a client learns to get a token: {@code /.well-known/smart-configuration} (at the server's root and under
 * {@code /fhir}, as SMART App Launch v2 places it beside the FHIR base) and the CapabilityStatement's
 * {@code rest.security} (the SMART-on-FHIR service coding, and the authorize and token endpoints in HL7's
 * {@code oauth-uris} extension). The endpoints are the issuer's own, read in the background at start-up from its OpenID discovery
 * document ({@code issuer-uri}/.well-known/openid-configuration); an issuer that cannot be asked (a key alone, as in
 * the compose file's demo) gives none. With security off neither is served: there is no token to get.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "psychcode.security.enabled", havingValue = "true")
class SmartConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SmartConfiguration.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COPIED =
      List.of(
          "authorization_endpoint", "token_endpoint", "token_endpoint_auth_methods_supported", "grant_types_supported",
          "registration_endpoint", "response_types_supported", "code_challenge_methods_supported", "introspection_endpoint",
          "revocation_endpoint", "jwks_uri");

  /**
   * The issuer's discovery document, fetched in the background on first need (a failure is tried again a minute
   * later), so that no answer waits for the issuer: until it is read, the documents name no endpoints.
   */
  static final class Issuer {
    private final String issuerUri;
    private final java.util.concurrent.atomic.AtomicBoolean fetching = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile JsonNode discovered;
    private volatile long retryAfter;

    Issuer(String issuerUri) {
      this.issuerUri = issuerUri == null || issuerUri.isBlank() ? null : issuerUri;
    }

    JsonNode discovery() {
      if (issuerUri != null && discovered == null && System.currentTimeMillis() >= retryAfter && fetching.compareAndSet(false, true)) {
        Thread t = new Thread(this::fetch, "issuer-discovery");
        t.setDaemon(true);
        t.start();
      }
      return discovered;
    }

    private void fetch() {
      try {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(issuerUri.replaceFirst("/$", "") + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(3))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() == 200) {
          discovered = JSON.readTree(r.body());
          return;
        }
        log.warn("The issuer's discovery document at {} answered {}", issuerUri, r.statusCode());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("The issuer's discovery document at {} could not be read: {}", issuerUri, e.toString());
      } finally {
        if (discovered == null) {
          retryAfter = System.currentTimeMillis() + 60_000;
        }
        fetching.set(false);
      }
    }

    String endpoint(String name) {
      JsonNode d = discovery();
      return d != null && d.hasNonNull(name) ? d.get(name).asText() : null;
    }
  }

  @Bean
  Issuer issuer(OAuth2ResourceServerProperties properties) {
    Issuer issuer = new Issuer(properties.getJwt().getIssuerUri());
    issuer.discovery();
    return issuer;
  }

  /** The SMART configuration document. */
  static String document(Issuer issuer, OAuth2ResourceServerProperties.Jwt jwt) {
    ObjectNode doc = JSON.createObjectNode();
    if (issuer.issuerUri != null) {
      doc.put("issuer", issuer.issuerUri);
    }
    if (jwt.getJwkSetUri() != null) {
      doc.put("jwks_uri", jwt.getJwkSetUri());
    }
    JsonNode discovered = issuer.discovery();
    if (discovered != null) {
      COPIED.stream().filter(discovered::hasNonNull).forEach(k -> doc.set(k, discovered.get(k)));
    }
    doc.putArray("scopes_supported")
        .add("system/*.cruds").add("system/*.rs").add("user/*.cruds").add("user/*.rs").add("patient/*.cruds").add("patient/*.rs")
        .add("system/*.read").add("system/*.write").add("user/*.read").add("user/*.write").add("patient/*.read").add("patient/*.write")
        .add("launch/patient").add("fhirUser").add("openid");
    doc.putArray("capabilities").add("permission-v2").add("permission-v1").add("permission-patient").add("permission-user");
    return doc.toPrettyString();
  }

  @Bean
  FilterRegistrationBean<Filter> smartConfigurationDocument(Issuer issuer, OAuth2ResourceServerProperties properties) {
    Filter filter =
        (request, response, chain) -> {
          HttpServletResponse http = (HttpServletResponse) response;
          byte[] body = document(issuer, properties.getJwt()).getBytes(StandardCharsets.UTF_8);
          http.setStatus(200);
          http.setContentType("application/json;charset=UTF-8");
          http.setHeader("Cache-Control", "max-age=300");
          http.setContentLength(body.length);
          http.getOutputStream().write(body);
        };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 6);
    return registration;
  }

  @Bean
  SecurityStatement securityStatement(Issuer issuer) {
    return new SecurityStatement(issuer);
  }

  /** Adds {@code rest.security} to the CapabilityStatement HAPI builds. */
  @Interceptor
  static final class SecurityStatement {
    private final Issuer issuer;

    SecurityStatement(Issuer issuer) {
      this.issuer = issuer;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance statement) {
      if (!(statement instanceof CapabilityStatement cs)) {
        return;
      }
      for (var rest : cs.getRest()) {
        CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent();
        security.setCors(true);
        security.addService()
            .setText("OAuth2 bearer tokens (JWT) with SMART App Launch scopes")
            .addCoding()
            .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
            .setCode("SMART-on-FHIR")
            .setDisplay("SMART-on-FHIR");
        security.setDescription(
            "Stored data needs a bearer token whose SMART scopes (system|user|patient/<Type|*>.<cruds>, or v1 .read/.write)"
                + " grant the interaction; terminology, metadata, $validate, $suggest-codes and the pages are open."
                + " See /.well-known/smart-configuration.");
        String token = issuer.endpoint("token_endpoint");
        String authorize = issuer.endpoint("authorization_endpoint");
        if (token != null || authorize != null) {
          Extension uris = security.addExtension().setUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
          if (token != null) {
            uris.addExtension("token", new UriType(token));
          }
          if (authorize != null) {
            uris.addExtension("authorize", new UriType(authorize));
          }
        }
        rest.setSecurity(security);
      }
    }
  }
}
