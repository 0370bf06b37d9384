package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The OperationOutcome for an HTTP error raised outside HAPI: by Tomcat before the request reaches the application
 * (a malformed request line, an invalid percent-encoding, an encoded slash), or by the servlet container after
 * something below HAPI failed. Clients of a FHIR server read an OperationOutcome on every error, so none of these
 * may answer with an HTML page; the text is a fixed sentence per status, never an exception's message.
 */
public final class ErrorOutcomes {

  public static final String CONTENT_TYPE = "application/fhir+json;charset=UTF-8";

  private ErrorOutcomes() {}

  /** An OperationOutcome for {@code status}, encoded as FHIR JSON. */
  public static String json(int status) {
    return json(issueType(status), sentence(status));
  }

  /** An OperationOutcome with one error issue of this type and sentence, encoded as FHIR JSON. */
  static String json(IssueType type, String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(text).getDetails().setText(text);
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(oo);
  }

  private static IssueType issueType(int status) {
    if (status == 501 || status == 505) {
      return IssueType.NOTSUPPORTED;
    }
    return status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
  }

  static String sentence(int status) {
    return switch (status) {
      case 400 ->
          "The request could not be read: its request line, URL, headers or body framing are malformed (for"
              + " example a character that must be percent-encoded, an invalid percent-encoding such as %00, or an"
              + " encoded slash or backslash in the path).";
      case 404 -> "There is nothing at this URL.";
      case 405 -> "This URL does not accept the HTTP method of the request.";
      case 408 -> "The request was not received in time.";
      case 411 -> "The request has a body but no Content-Length and is not chunked.";
      case 413 -> "The request is larger than this server accepts.";
      case 414 -> "The URL is longer than this server accepts; send the parameters in a POST body instead.";
      case 415 -> "The request body is in a format this server does not read.";
      case 431 -> "The request headers are larger than this server accepts.";
      case 501 -> "The HTTP method of the request is not implemented by this server.";
      case 505 -> "The HTTP version of the request is not supported; use HTTP/1.1 or HTTP/2.";
      default ->
          status >= 500
              ? "The server failed to process the request; the failure is recorded in its log."
              : "The request could not be processed (HTTP status " + status + ").";
    };
  }
}
