package org.psychcode.fhir.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Finds the request's bearer token as Spring's {@link DefaultBearerTokenResolver} does (RFC 6750's {@code Authorization:
 * Bearer <token>}, the token in the header only), without its regular expression on the common path: a header of the
 * form {@code Bearer <b64token>} (the scheme in any case, one space, then one or more of RFC 6750's token characters
 * {@code A-Z a-z 0-9 - . _ ~ + /} followed by any number of {@code =}) is read by a loop over its characters. Every
 * other request (no header, another scheme, a malformed token, anything the loop does not accept) goes to Spring's own
 * resolver, so every refusal it makes ("Bearer token is malformed", and what it says of a token in the query or the
 * body) is Spring's, unchanged. The loop accepts exactly what Spring's expression matches and returns the same token.
 */
final class BearerTokens implements BearerTokenResolver {

  private static final String SCHEME = "bearer ";

  private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

  @Override
  public String resolve(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    String token = header == null ? null : wellFormed(header);
    return token != null ? token : spring.resolve(request);
  }

  /** The token of a well-formed {@code Bearer <token>} header; null when the header is anything else. */
  static String wellFormed(String header) {
    int n = header.length();
    if (n <= SCHEME.length()) {
      return null;
    }
    // "bearer" in any case of its ASCII letters (Spring's expression is case-insensitive in ASCII only), then one space
    for (int k = 0; k < SCHEME.length(); k++) {
      char c = header.charAt(k);
      if ((k < SCHEME.length() - 1 ? (char) (c | 0x20) : c) != SCHEME.charAt(k)) {
        return null;
      }
    }
    int i = SCHEME.length();
    while (i < n && tokenChar(header.charAt(i))) {
      i++;
    }
    if (i == SCHEME.length()) {
      return null;
    }
    while (i < n && header.charAt(i) == '=') {
      i++;
    }
    return i == n ? header.substring(SCHEME.length()) : null;
  }

  private static boolean tokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  }
}
