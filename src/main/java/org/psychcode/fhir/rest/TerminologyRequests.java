package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.terminology.TxException;
import org.psychcode.fhir.terminology.TxRequest;
import org.springframework.stereotype.Component;

/**
 * Turns an HTTP call of a terminology operation into the engine's {@link TxRequest} (query string or Parameters
 * body), and the engine's failures into HAPI exceptions that carry their OperationOutcome.
 */
@Component
class TerminologyRequests {

  /** Query parameters HAPI itself interprets; they are not operation parameters. */
  private static final Set<String> SERVER_PARAMETERS = Set.of("_format", "_pretty", "_summary", "_elements");

  /**
   * Terminology clients send R5 codes inside R4 resources (a filter operator {@code child-of}, say): such a value
   * is kept as written rather than failing the whole request.
   */
  private static final LenientErrorHandler LENIENT = new LenientErrorHandler(false).setErrorOnInvalidValue(false);

  private final FhirContext ctx;

  TerminologyRequests(FhirContext ctx) {
    this.ctx = ctx;
  }

  /** The operation's parameters: the body (a Parameters resource, or a form) of a POST, else the query. */
  TxRequest from(RequestDetails rd) {
    String lang = rd.getHeader("Accept-Language");
    if (rd.getRequestType() == RequestTypeEnum.POST) {
      IBaseResource body = body(rd);
      if (body instanceof Parameters p) {
        return new TxRequest(p, lang);
      }
      if (body != null) {
        throw invalid("Wrong type for resource. Expected Parameters but found " + body.fhirType());
      }
    }
    return TxRequest.fromQuery(query(rd), lang);
  }

  /** The resource a POST carries, parsed leniently; {@code null} for an empty body. */
  IBaseResource body(RequestDetails rd) {
    byte[] bytes = rd.loadRequestContents();
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(rd);
    if (encoding == null) {
      throw RequestChecks.unsupportedMediaType(rd.getHeader("Content-Type"));
    }
    IParser parser = encoding.newParser(ctx);
    parser.setParserErrorHandler(LENIENT);
    try {
      return parser.parseResource(new String(bytes, StandardCharsets.UTF_8));
    } catch (DataFormatException e) {
      throw invalid("The request body is not a valid FHIR resource: " + e.getMessage());
    }
  }

  static Map<String, String[]> query(RequestDetails rd) {
    Map<String, String[]> out = new LinkedHashMap<>();
    rd.getParameters().forEach((k, v) -> {
      if (!SERVER_PARAMETERS.contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  static BaseServerResponseException toHttp(TxException e) {
    BaseServerResponseException ex = BaseServerResponseException.newInstance(e.status(), e.getMessage());
    ex.setOperationOutcome(e.toOperationOutcome());
    return ex;
  }

  static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(message, outcome(OperationOutcome.IssueType.INVALID, message));
  }

  static OperationOutcome outcome(OperationOutcome.IssueType type, String message) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).getDetails().setText(message);
    return oo;
  }
}
