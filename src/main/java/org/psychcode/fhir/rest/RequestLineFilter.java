package org.psychcode.fhir.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses with 400 and an OperationOutcome a request line the server cannot read safely: a query string whose
 * percent-encoding is broken ({@code %ZZ}, a trailing {@code %A}), which Tomcat passes on untouched and HAPI's decoder
 * throws on; and a path that is not in normal form ({@code //fhir//Patient}, {@code /a/../fhir/Patient}), which Tomcat
 * maps to a servlet after resolving it but Spring's path parsing (under Spring Security) fails on. Both would
 * otherwise be answered as a 500.
 */
public final class RequestLineFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    if ((query == null || wellEncoded(query)) && normalized(request.getRequestURI())) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = ErrorOutcomes.json(400).getBytes(StandardCharsets.UTF_8);
    response.setStatus(400);
    response.setContentType(ErrorOutcomes.CONTENT_TYPE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  static boolean normalized(String path) {
    return path == null || !(path.contains("//") || path.contains("/./") || path.contains("/../") || path.endsWith("/..") || path.endsWith("/."));
  }

  static boolean wellEncoded(String query) {
    for (int i = 0; i < query.length(); i++) {
      if (query.charAt(i) == '%') {
        if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0 || Character.digit(query.charAt(i + 2), 16) < 0) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }
}
