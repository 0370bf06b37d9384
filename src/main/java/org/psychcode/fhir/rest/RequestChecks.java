package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What a request must be for the server to read it and to answer in a form the client reads, checked in front of
 * the answer cache and HAPI, the same for every URL under {@code /fhir}:
 *
 * <ul>
 *   <li>a body is FHIR JSON or XML ({@code application/fhir+json}, {@code application/fhir+xml}, and the plain
 *       {@code application/json} and {@code application/xml} HAPI reads as the same): any other Content-Type,
 *       form data included, is a 415 (a {@code _search} form post excepted: that is how FHIR searches by POST, and
 *       the only body a {@code _search} takes; and a PATCH may also be a JSON Patch or XML Patch document, as FHIR's
 *       patch interaction defines);
 *   <li>an {@code Accept} whose every FHIR media type names another FHIR version ({@code fhirVersion=3.0}) is a 406,
 *       a body of another version a 415: the server speaks R4 (4.0) only;
 *   <li>{@code _format} names JSON or XML, {@code _summary} one of FHIR's five values; anything else is a 400, not
 *       silently ignored.
 * </ul>
 *
 * A refusal is an OperationOutcome in JSON, logged in one line as HAPI's refusals are ({@link ClientErrorLog}).
 */
public final class RequestChecks extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(ClientErrorLog.class);
  private static final Set<String> SUMMARY_VALUES = Set.of("true", "false", "text", "data", "count");
  private static final Set<String> PATCH_TYPES = Set.of("application/json-patch+json", "application/xml-patch+xml");

  private record Refusal(int status, IssueType type, String text) {}

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Refusal refusal = refusal(request);
    if (refusal == null) {
      chain.doFilter(request, response);
      return;
    }
    log.info(
        "{} {} {}: {} {}",
        request.getHeader(RequestIdFilter.HEADER),
        request.getMethod(),
        request.getRequestURI(),
        refusal.status(),
        refusal.text());
    byte[] body = ErrorOutcomes.json(refusal.type(), refusal.text()).getBytes(StandardCharsets.UTF_8);
    response.setStatus(refusal.status());
    response.setContentType(ErrorOutcomes.CONTENT_TYPE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static Refusal refusal(HttpServletRequest request) {
    Refusal body = body(request);
    if (body != null) {
      return body;
    }
    Refusal accept = accept(request.getHeader("Accept"));
    if (accept != null) {
      return accept;
    }
    String query = request.getQueryString();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.equals("_format") && !isJsonOrXml(EncodingEnum.forContentType(value))) {
        return new Refusal(400, IssueType.INVALID, "Unknown _format '" + value + "': use json, xml, application/fhir+json or application/fhir+xml.");
      }
      if (name.equals("_summary") && !SUMMARY_VALUES.contains(value.toLowerCase(Locale.ROOT))) {
        return new Refusal(400, IssueType.INVALID, "Unknown _summary '" + value + "': use true, text, data, count or false.");
      }
    }
    return null;
  }

  private static Refusal body(HttpServletRequest request) {
    boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    if (!hasBody) {
      return null;
    }
    String contentType = request.getContentType();
    if (request.getRequestURI().endsWith("/_search")) {
      // HAPI reads a _search body only as a form; criteria sent any other way would be ignored and everything matched
      return contentType != null && mediaType(contentType).equals("application/x-www-form-urlencoded")
          ? null
          : new Refusal(
              415,
              IssueType.NOTSUPPORTED,
              "POST _search takes its parameters as a form (application/x-www-form-urlencoded) or in the URL, not as "
                  + (contentType == null ? "a body without a Content-Type" : contentType) + ".");
    }
    if ("PATCH".equals(request.getMethod()) && contentType != null && PATCH_TYPES.contains(mediaType(contentType))) {
      return null;
    }
    if (contentType == null || !isJsonOrXml(EncodingEnum.forContentType(contentType))) {
      return new Refusal(415, IssueType.NOTSUPPORTED, notFhir(contentType));
    }
    String version = fhirVersion(contentType);
    if (version != null && !isR4(version)) {
      return new Refusal(415, IssueType.NOTSUPPORTED, "The body is FHIR version " + version + "; this server reads FHIR R4 (4.0) only.");
    }
    return null;
  }

  /** A 406 when every FHIR media range the client accepts names a FHIR version other than R4. */
  private static Refusal accept(String accept) {
    if (accept == null || !accept.contains("fhirVersion")) {
      return null;
    }
    String asked = null;
    for (String range : accept.split(",")) {
      String version = fhirVersion(range);
      if (version == null || isR4(version)) {
        return null;
      }
      asked = version;
    }
    return new Refusal(406, IssueType.NOTSUPPORTED, "FHIR version " + asked + " was asked for; this server answers in FHIR R4 (fhirVersion=4.0) only.");
  }

  /** The 415 for a body that is not FHIR JSON or XML, as HAPI's providers raise it for a body they read themselves. */
  static BaseServerResponseException unsupportedMediaType(String contentType) {
    String text = notFhir(contentType);
    BaseServerResponseException e = BaseServerResponseException.newInstance(415, text);
    e.setOperationOutcome(TerminologyRequests.outcome(IssueType.NOTSUPPORTED, text));
    return e;
  }

  private static String notFhir(String contentType) {
    return "The Content-Type " + (contentType == null ? "(none)" : "'" + contentType + "'")
        + " is not a FHIR content type: send application/fhir+json or application/fhir+xml.";
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isJsonOrXml(EncodingEnum encoding) {
    return encoding == EncodingEnum.JSON || encoding == EncodingEnum.XML;
  }

  private static String fhirVersion(String mediaType) {
    for (String part : mediaType.split(";")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "fhirVersion=", 0, 12)) {
        return p.substring(12).replace("\"", "").trim();
      }
    }
    return null;
  }

  private static boolean isR4(String version) {
    return version.equals("4.0") || version.startsWith("4.0.");
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
