package org.psychcode.fhir.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every answer under {@code /fhir} its {@code X-Request-ID}, the answers served from the answer cache and the
 * refusals made before HAPI sees the request included. The id is the client's own when it sends a usable one (as
 * HAPI takes it: letters, digits, {@code . - _} and spaces, at most 200 characters), else a new one; HAPI is handed
 * the same id, so its log and its answer name it too, and its own copy of the header replaces this one.
 */
public final class RequestIdFilter extends OncePerRequestFilter {

  public static final String HEADER = "X-Request-ID";
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String id = usable(request.getHeader(HEADER)) ? request.getHeader(HEADER) : newId();
    response.setHeader(HEADER, id);
    chain.doFilter(new WithId(request, id), new OneId(response));
  }

  static boolean usable(String id) {
    if (id == null || id.isBlank() || id.length() > 200) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '.' && c != '-' && c != '_' && c != ' ') {
        return false;
      }
    }
    return true;
  }

  private static String newId() {
    char[] id = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  private static final class WithId extends HttpServletRequestWrapper {
    private final String id;

    WithId(HttpServletRequest request, String id) {
      super(request);
      this.id = id;
    }

    @Override
    public String getHeader(String name) {
      return HEADER.equalsIgnoreCase(name) ? id : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return HEADER.equalsIgnoreCase(name) ? Collections.enumeration(java.util.List.of(id)) : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      java.util.List<String> names = Collections.list(super.getHeaderNames());
      if (names.stream().noneMatch(HEADER::equalsIgnoreCase)) {
        names.add(HEADER);
      }
      return Collections.enumeration(names);
    }
  }

  /** HAPI adds the header it was handed; one copy of it is enough. */
  private static final class OneId extends HttpServletResponseWrapper {
    OneId(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void addHeader(String name, String value) {
      if (HEADER.equalsIgnoreCase(name)) {
        super.setHeader(name, value);
      } else {
        super.addHeader(name, value);
      }
    }
  }
}
