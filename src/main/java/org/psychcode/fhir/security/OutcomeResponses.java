package org.psychcode.fhir.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.audit.RefusedAccess;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The answers Spring Security gives before HAPI sees a request, as FHIR clients read every refusal: an
 * OperationOutcome, in XML when the client asks for it ({@code _format} or {@code Accept}), else JSON. The status and the
 * {@code WWW-Authenticate} header are Spring's own (RFC 6750: {@code Bearer}, with {@code error="invalid_token"} and
 * its description when a token was sent and refused). A refused request for {@code /fhir} is recorded as an
 * AuditEvent ({@link RefusedAccess}).
 */
final class OutcomeResponses {

  private final FhirContext ctx;
  private final RefusedAccess audit;
  private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
  private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();

  OutcomeResponses(FhirContext ctx, RefusedAccess audit) {
    this.ctx = ctx;
    this.audit = audit;
  }

  AuthenticationEntryPoint entryPoint() {
    return (request, response, failure) -> {
      bearer.commence(request, response, failure);
      write(request, response, IssueType.LOGIN, sentence(failure));
    };
  }

  AccessDeniedHandler accessDenied() {
    return (request, response, failure) -> {
      denied.handle(request, response, failure);
      write(request, response, IssueType.FORBIDDEN, "The token does not allow this request.");
    };
  }

  private static String sentence(AuthenticationException failure) {
    String why = failure == null || failure.getMessage() == null ? "" : failure.getMessage();
    if (why.startsWith("Full authentication is required")) {
      return "This request reads or writes stored data and needs a bearer token (Authorization: Bearer <JWT>).";
    }
    return "The bearer token was refused: " + why.replaceAll("[\\r\\n]+", " ");
  }

  /** Answers the refusal, and records it in the audit trail when it was a request for stored data (under /fhir). */
  private void write(HttpServletRequest request, HttpServletResponse response, IssueType type, String text) throws IOException {
    if (OpenEndpoints.path(request).startsWith("/fhir")) {
      audit.refused(request, text);
    }
    OperationOutcome oo = AccessPolicy.outcome(type, text);
    boolean xml = wantsXml(request);
    String body = (xml ? ctx.newXmlParser() : ctx.newJsonParser()).encodeResourceToString(oo);
    response.setContentType((xml ? "application/fhir+xml" : "application/fhir+json") + ";charset=UTF-8");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** XML when {@code _format} says so, or {@code Accept} names an XML type before any JSON one. */
  static boolean wantsXml(HttpServletRequest request) {
    String query = request.getQueryString();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("_format=")) {
          return pair.toLowerCase(Locale.ROOT).contains("xml");
        }
      }
    }
    String accept = request.getHeader("Accept");
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    int xml = a.indexOf("xml");
    int json = a.indexOf("json");
    return xml >= 0 && (json < 0 || xml < json);
  }
}
