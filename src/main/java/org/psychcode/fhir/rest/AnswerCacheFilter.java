package org.psychcode.fhir.rest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Serves repeated terminology requests from answers already encoded, ahead of HAPI's parsing, binding and
 * encoding. A terminology answer is a pure function of the request and the terminology's content version,
 * so the key is the normalized request (method, path, sorted query, the headers that shape the answer, the
 * body) plus {@link TerminologyRegistry#contentVersion()}. Each stored answer carries an {@code ETag}; a
 * matching {@code If-None-Match} gets a 304. Requests that bring their own terminology ({@code tx-resource})
 * or that cannot be keyed exactly go the normal way. Which operations are served so is read from their
 * OperationDefinitions: those that change nothing ({@code affectsState = false}) on the terminology resources.
 */
public final class AnswerCacheFilter extends OncePerRequestFilter {

  /** The resource types whose operations answer from the terminology alone, and so from its content version. */
  private static final Set<String> TERMINOLOGY_TYPES = Set.of("CodeSystem", "ValueSet", "ConceptMap");
  private static final byte[] TX_RESOURCE = "tx-resource".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_BODY = 64 * 1024;
  private static final String[] KEY_HEADERS = {
    "Accept", "Accept-Language", "Prefer", "Content-Type", "Host", "X-Forwarded-Host", "X-Forwarded-Proto",
    "X-Forwarded-Prefix", "Forwarded"
  };

  private final Pattern cacheable;
  private final Cache<String, Answer> answers;
  private final String contentVersion;

  public AnswerCacheFilter(TerminologyRegistry registry, List<OperationDefinition> operations, long maxBytes) {
    this.cacheable = cacheable(operations);
    this.contentVersion = registry.contentVersion();
    this.answers =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<String, Answer>weigher((k, v) -> k.length() * 2 + v.body.length + 64)
            .build();
  }

  record Answer(int status, String contentType, byte[] body, String etag) {}

  /** The paths of the terminology operations that change nothing, at the levels each is defined on. */
  static Pattern cacheable(List<OperationDefinition> operations) {
    List<String> paths = new ArrayList<>();
    for (OperationDefinition od : operations) {
      if (od.getAffectsState() || od.getResource().isEmpty()
          || !od.getResource().stream().allMatch(r -> TERMINOLOGY_TYPES.contains(r.getValue()))) {
        continue;
      }
      String types = String.join("|", od.getResource().stream().map(r -> r.getValue()).toList());
      String id = od.getInstance() ? (od.getType() ? "(/[A-Za-z0-9\\-.]{1,64})?" : "/[A-Za-z0-9\\-.]{1,64}") : "";
      if (od.getType() || od.getInstance()) {
        paths.add("/fhir/(" + types + ")" + id + "/\\$" + Pattern.quote(od.getCode()));
      }
    }
    return Pattern.compile(paths.isEmpty() ? "(?!)" : String.join("|", paths));
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String method = request.getMethod();
    return !("GET".equals(method) || "POST".equals(method))
        || !cacheable.matcher(request.getRequestURI()).matches();
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    byte[] body = null;
    if ("POST".equals(request.getMethod())) {
      if (request.getContentLengthLong() > MAX_BODY) {
        chain.doFilter(request, response);
        return;
      }
      byte[] head = request.getInputStream().readNBytes(MAX_BODY + 1);
      if (head.length > MAX_BODY || contains(head, TX_RESOURCE)) {
        InputStream rest = new SequenceInputStream(new ByteArrayInputStream(head), request.getInputStream());
        chain.doFilter(new ReplayedBody(request, rest, -1), response);
        return;
      }
      body = head;
      request = new ReplayedBody(request, new ByteArrayInputStream(body), body.length);
    }
    String key = key(request, body);
    Answer hit = answers.getIfPresent(key);
    if (hit != null) {
      write(request, response, hit);
      return;
    }
    ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
    // the stored answer is replayed to every client, so it is made without content coding (HAPI gzips its
    // answer for a client that accepts it)
    chain.doFilter(new IdentityEncodingRequest(request), wrapper);
    if (wrapper.getStatus() == 200 && wrapper.getContentType() != null) {
      byte[] encoded = wrapper.getContentAsByteArray();
      Answer answer = new Answer(200, wrapper.getContentType(), encoded, etag(encoded));
      answers.put(key, answer);
      wrapper.setHeader("ETag", answer.etag());
    }
    wrapper.copyBodyToResponse();
  }

  private void write(HttpServletRequest request, HttpServletResponse response, Answer answer) throws IOException {
    response.setHeader("ETag", answer.etag());
    // a conditional request is answered 304 for GET only: a POST runs the operation whatever it sends
    String ifNoneMatch = "GET".equals(request.getMethod()) ? request.getHeader("If-None-Match") : null;
    if (ifNoneMatch != null && matches(ifNoneMatch, answer.etag())) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    response.setStatus(answer.status());
    response.setContentType(answer.contentType());
    response.setContentLength(answer.body().length);
    response.getOutputStream().write(answer.body());
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private String key(HttpServletRequest request, byte[] body) {
    StringBuilder key = new StringBuilder(256);
    key.append(contentVersion).append(' ').append(request.getMethod()).append(' ').append(request.getRequestURI());
    key.append('?').append(sortedQuery(request.getQueryString()));
    for (String header : KEY_HEADERS) {
      String value = request.getHeader(header);
      if (value != null) {
        key.append('\n').append(header).append(':').append(value);
      }
    }
    if (body != null) {
      key.append("\nbody:").append(hash(body));
    }
    return key.toString();
  }

  /** Orders parameters by name, keeping the order of repeats of one name (their order can shape the answer). */
  static String sortedQuery(String query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    String[] parts = query.split("&");
    List<String> kept = new ArrayList<>(parts.length);
    for (String p : parts) {
      if (!p.isEmpty()) {
        kept.add(p);
      }
    }
    kept.sort((a, b) -> name(a).compareTo(name(b)));
    return String.join("&", kept);
  }

  private static String name(String parameter) {
    int eq = parameter.indexOf('=');
    return eq < 0 ? parameter : parameter.substring(0, eq);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private String etag(byte[] encoded) {
    return "\"" + contentVersion + "-" + hash(encoded).substring(0, 16) + "\"";
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets the body read once for the key be read again by HAPI. */
  /** The request without its {@code Accept-Encoding}. */
  private static final class IdentityEncodingRequest extends HttpServletRequestWrapper {

    IdentityEncodingRequest(HttpServletRequest request) {
      super(request);
    }

    private static boolean hidden(String name) {
      return "Accept-Encoding".equalsIgnoreCase(name);
    }

    @Override
    public String getHeader(String name) {
      return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public java.util.Enumeration<String> getHeaders(String name) {
      return hidden(name) ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public java.util.Enumeration<String> getHeaderNames() {
      java.util.List<String> names = new java.util.ArrayList<>();
      for (java.util.Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
        String n = e.nextElement();
        if (!hidden(n)) {
          names.add(n);
        }
      }
      return java.util.Collections.enumeration(names);
    }
  }
}
