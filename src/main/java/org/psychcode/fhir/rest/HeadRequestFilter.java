package org.psychcode.fhir.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code HEAD} exactly as the {@code GET} of the same URL, without the body (RFC 9110 9.3.2). HAPI only
 * binds HEAD to reads, so a HEAD on a search or an operation found no handler; and the answer cache keys and
 * tags GET answers. Placed before both, this filter shows them a GET and discards what they write, counting it so
 * that {@code Content-Length} is what the GET would send; status and headers (Content-Type, ETag, 304 on a
 * matching If-None-Match) are theirs unchanged.
 */
public final class HeadRequestFilter extends OncePerRequestFilter {

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"HEAD".equals(request.getMethod());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    BodilessResponse bodiless = new BodilessResponse(response);
    chain.doFilter(new AsGet(request), bodiless);
    bodiless.finish();
  }

  private static final class AsGet extends HttpServletRequestWrapper {
    AsGet(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getMethod() {
      return "GET";
    }
  }

  /** Counts and drops the body; headers and status go to the real response. */
  private static final class BodilessResponse extends HttpServletResponseWrapper {
    private long count;
    private boolean lengthSet;
    private PrintWriter writer;
    private final ServletOutputStream out =
        new ServletOutputStream() {
          @Override
          public void write(int b) {
            count++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count += len;
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException();
          }
        };

    BodilessResponse(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() {
      return out;
    }

    @Override
    public PrintWriter getWriter() {
      if (writer == null) {
        writer = new PrintWriter(new OutputStreamWriter(out, charset(getCharacterEncoding())));
      }
      return writer;
    }

    private static Charset charset(String name) {
      try {
        return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
      } catch (IllegalArgumentException e) {
        return StandardCharsets.UTF_8;
      }
    }

    @Override
    public void setContentLength(int len) {
      lengthSet = true;
      super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
      lengthSet = true;
      super.setContentLengthLong(len);
    }

    @Override
    public void flushBuffer() {
      if (writer != null) {
        writer.flush();
      }
    }

    @Override
    public void resetBuffer() {
      super.resetBuffer();
      count = 0;
    }

    @Override
    public void reset() {
      super.reset();
      count = 0;
      lengthSet = false;
    }

    void finish() {
      if (writer != null) {
        writer.flush();
      }
      if (!lengthSet && count > 0 && !isCommitted() && !containsHeader("Content-Length")) {
        super.setContentLengthLong(count);
      }
    }
  }
}
