package org.psychcode.fhir.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import org.psychcode.fhir.rest.RequestIdFilter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who asked, from where, as an AuditEvent names them: the token's issuer, {@code sub} (the user), {@code client_id} (or
 * {@code azp}: the application), {@code fhirUser} and name when it has them; the client's network address; this
 * server's base; the request's id (X-Request-ID). Without a token (security off) the user and the application are
 * {@code anonymous}, and the network address is what tells requests apart. Read on the request's own thread.
 */
record Requestor(
    String issuer,
    String user,
    String userName,
    String fhirUser,
    String client,
    String address,
    String server,
    String requestId,
    String operation,
    String method,
    String url) {

  private static final String KEY = Requestor.class.getName();

  /** Who asked: worked out once per request (a transaction's entries each record an event naming the same requestor). */
  static Requestor of(RequestDetails request) {
    if (request == null) {
      return from(null);
    }
    if (request.getUserData().get(KEY) instanceof Requestor known) {
      return known;
    }
    Requestor who = from(request);
    request.getUserData().put(KEY, who);
    return who;
  }

  private static Requestor from(RequestDetails request) {
    String issuer = null;
    String user = null;
    String name = null;
    String fhirUser = null;
    String client = null;
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth instanceof JwtAuthenticationToken token && token.isAuthenticated()) {
      Jwt jwt = token.getToken();
      issuer = jwt.getClaimAsString("iss");
      user = jwt.getSubject();
      name = first(jwt.getClaimAsString("preferred_username"), jwt.getClaimAsString("name"), user);
      fhirUser = jwt.getClaimAsString("fhirUser");
      client = first(jwt.getClaimAsString("client_id"), jwt.getClaimAsString("azp"), null);
    }
    String address = null;
    String method = null;
    String url = null;
    if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null) {
      address = servlet.getServletRequest().getRemoteAddr();
    }
    if (request != null) {
      method = request.getRequestType() == null ? null : request.getRequestType().name();
      url = request.getCompleteUrl();
    }
    return new Requestor(
        issuer,
        user,
        name,
        fhirUser,
        client,
        address,
        request == null ? null : request.getFhirServerBase(),
        request == null ? null : request.getRequestId(),
        request == null || request.getOperation() == null ? null
            : (request.getResourceName() == null ? "" : request.getResourceName() + "/") + request.getOperation(),
        method,
        url);
  }

  /**
   * A request refused before HAPI read it (no token, or one that failed its checks): nothing about the caller is
   * trusted but its network address; the user and the application are {@code anonymous}.
   */
  static Requestor of(HttpServletRequest request) {
    String query = request.getQueryString();
    String url = request.getRequestURL() + (query == null ? "" : "?" + query);
    String server = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort() + request.getContextPath() + "/fhir";
    return new Requestor(
        null, null, null, null, null, request.getRemoteAddr(), server, request.getHeader(RequestIdFilter.HEADER), null, request.getMethod(), url);
  }

  private static String first(String a, String b, String c) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : c;
  }
}
