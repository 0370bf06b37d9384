package org.psychcode.fhir.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body larger than {@code psychcode.http.max-request-bytes} with 413 and an
 * OperationOutcome, before HAPI reads it into memory and parses it. A declared {@code Content-Length} is
 * checked at once; a chunked body is read up to the limit and replayed.
 */
public final class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;

  public RequestSizeLimitFilter(long maxBytes) {
    this.maxBytes = maxBytes;
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
      chain.doFilter(request, response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (body.length > maxBytes) {
      refuse(request, response, -1);
      return;
    }
    chain.doFilter(new ReplayedBody(request, new ByteArrayInputStream(body), body.length), response);
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
