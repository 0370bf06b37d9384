package org.psychcode.fhir.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body larger than {@code psychcode.http.max-request-bytes} with 413 and an
 * OperationOutcome, before HAPI reads it into memory and parses it. A declared {@code Content-Length} is
 * checked at once; a chunked body is read up to the limit and replayed.
 *
 * <p>An accepted body then waits until the bodies being served, together with it, are at most {@code
 * psychcode.http.max-bytes-in-flight}. Reading and validating a Bundle takes about a hundred times its size in
 * heap: a 4,998-entry Bundle of 2.6 MB needed more than the 120 MB a 208 MB heap had to spare, and its
 * OutOfMemoryError ended Tomcat's connection thread; 16 clients posting 1,000-entry Bundles at once kept a 208 MB
 * heap in full collections (49-53 s for the 16) until this let one in at a time (12-17 s). A body larger than the
 * budget is served alone; waiting is first come, first served. Bodies under {@value
 * #SMALL} bytes (a visit is about 5 KB) never wait: they are what the server serves all day, and what they take is
 * bounded by the request threads.
 */
public final class RequestSizeLimitFilter extends OncePerRequestFilter {

  static final int SMALL = 64 * 1024;

  private final long maxBytes;
  private final int budget;
  private final Semaphore admitted;

  public RequestSizeLimitFilter(long maxBytes, long maxBytesInFlight) {
    this.maxBytes = maxBytes;
    this.budget = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytesInFlight));
    this.admitted = new Semaphore(budget, true);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String method = request.getMethod();
    return !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(request, response, declared);
      return;
    }
    if (declared >= 0) {
      admitted(declared, request, response, chain);
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (body.length > maxBytes) {
      refuse(request, response, -1);
      return;
    }
    admitted(body.length, new ReplayedBody(request, new ByteArrayInputStream(body), body.length), response, chain);
  }

  /** Serves the request once its body fits in the budget of bytes in flight (alone, if larger than the budget). */
  private void admitted(long bytes, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (bytes < SMALL) {
      chain.doFilter(request, response);
      return;
    }
    int permits = (int) Math.min(budget, bytes);
    try {
      admitted.acquire(permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.sendError(503);
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      admitted.release(permits);
    }
  }

  /**
   * Requests whose body waits for the budget now (the metric {@code psychcode.http.bodies.waiting}): the threads the
   * budget's semaphore holds back.
   */
  public int bodiesWaiting() {
    return admitted.getQueueLength();
  }

  /** Bytes of the budget taken by the bodies being served now ({@code psychcode.http.body.bytes.in.flight}). */
  public int bytesInFlight() {
    return budget - admitted.availablePermits();
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response, long declared) throws IOException {
    String message =
        "The request body "
            + (declared >= 0 ? "(" + declared + " bytes) " : "")
            + "is larger than the "
            + maxBytes
            + " bytes this server accepts; send the visit in smaller Bundles.";
    boolean xml = accepts(request, "xml");
    response.setStatus(413);
    response.setCharacterEncoding("UTF-8");
    if (xml) {
      response.setContentType("application/fhir+xml");
      response.getWriter()
          .write(
              "<OperationOutcome xmlns=\"http://hl7.org/fhir\"><issue><severity value=\"error\"/><code value=\"too-long\"/>"
                  + "<diagnostics value=\""
                  + message
                  + "\"/></issue></OperationOutcome>");
    } else {
      response.setContentType("application/fhir+json");
      response.getWriter()
          .write(
              "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"too-long\",\"diagnostics\":\""
                  + message
                  + "\"}]}");
    }
  }

  private static boolean accepts(HttpServletRequest request, String kind) {
    String format = request.getParameter("_format");
    if (format != null) {
      return format.contains(kind);
    }
    String accept = request.getHeader("Accept");
    if (accept != null && accept.contains(kind)) {
      return true;
    }
    String type = request.getContentType();
    return accept == null && type != null && type.contains(kind);
  }
}
