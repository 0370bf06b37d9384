package org.psychcode.fhir.rest;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.stereotype.Component;

/**
 * An interaction the server does not have answers 405 Method Not Allowed with an {@code Allow} header naming the
 * methods the URL does answer, as FHIR's RESTful API asks (http.html: an unsupported interaction SHOULD be 405),
 * instead of HAPI's 400. HAPI raises {@code HAPI-0303} when no provider method matches a request; the methods the
 * URL supports are found by asking HAPI's own method lookup ({@link RestfulServer#determineResourceMethod}) again
 * with each other method, so the header cannot disagree with what the server really answers. A GET that
 * answers implies HEAD, which is served as that GET without a body. An unknown operation ({@code $foo}, or an
 * operation the resource type does not have) answers 404: no method reaches anything at that URL, and FHIR's 404
 * is for an endpoint the server does not have, where 400 would blame the request's content.
 */
@Component
@Interceptor
public class UnsupportedInteractions {

  private static final String NO_HANDLER = Msg.code(303);
  private static final RequestTypeEnum[] METHODS = {
    RequestTypeEnum.GET, RequestTypeEnum.POST, RequestTypeEnum.PUT, RequestTypeEnum.PATCH, RequestTypeEnum.DELETE
  };

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException asMethodNotAllowed(
      RequestDetails request, HttpServletResponse response, Throwable exception) {
    if (exception instanceof MethodNotAllowedException refused) {
      return withHead(refused);
    }
    if (!(exception instanceof InvalidRequestException)
        || exception.getMessage() == null
        || !exception.getMessage().startsWith(NO_HANDLER)
        || !(request.getServer() instanceof RestfulServer server)) {
      return null;
    }
    Set<RequestTypeEnum> allowed = allowedMethods(server, request);
    String operation = request.getOperation();
    if (allowed.isEmpty() && operation != null && operation.startsWith("$")) {
      String where = request.getResourceName() == null ? "the server" : request.getResourceName();
      String text =
          "The operation " + operation + " is not known on " + where + "; the operations this server has are listed"
              + " in its CapabilityStatement (GET /metadata).";
      return new ResourceNotFoundException(text, outcome(text));
    }
    String text =
        "This server does not support the "
            + interaction(request)
            + " interaction on "
            + target(request)
            + (allowed.isEmpty()
                ? "; this URL answers no HTTP method."
                : "; this URL answers " + allowed.stream().map(Enum::name).collect(Collectors.joining(", ")) + ".");
    MethodNotAllowedException refused = new MethodNotAllowedException(text, outcome(text));
    if (allowed.isEmpty()) {
      // RFC 9110 15.5.6: a 405 names the allowed methods, none here; HAPI's exception cannot carry an empty header
      response.setHeader("Allow", "");
    } else {
      refused.setAllowedMethods(allowed);
    }
    return refused;
  }

  private static MethodNotAllowedException withHead(MethodNotAllowedException refused) {
    Set<RequestTypeEnum> allowed = refused.getAllowedMethods();
    if (allowed != null && allowed.contains(RequestTypeEnum.GET) && !allowed.contains(RequestTypeEnum.HEAD)) {
      Set<RequestTypeEnum> withHead = new LinkedHashSet<>(allowed);
      withHead.add(RequestTypeEnum.HEAD);
      refused.setAllowedMethods(withHead);
    }
    return refused;
  }

  private static Set<RequestTypeEnum> allowedMethods(RestfulServer server, RequestDetails request) {
    RequestTypeEnum asked = request.getRequestType();
    Set<RequestTypeEnum> allowed = new LinkedHashSet<>();
    try {
      for (RequestTypeEnum method : METHODS) {
        if (method == asked) {
          continue;
        }
        request.setRequestType(method);
        try {
          server.determineResourceMethod(request, request.getRequestPath());
          allowed.add(method);
          if (method == RequestTypeEnum.GET) {
            allowed.add(RequestTypeEnum.HEAD);
          }
        } catch (BaseServerResponseException notThisOne) {
          // no provider method answers this URL with that method
        }
      }
    } finally {
      request.setRequestType(asked);
    }
    return allowed;
  }

  private static String interaction(RequestDetails request) {
    String operation = request.getOperation();
    IIdType id = request.getId();
    boolean instance = id != null && id.hasIdPart();
    boolean type = request.getResourceName() != null;
    if (operation != null && operation.startsWith("$")) {
      return "operation " + operation + " with " + request.getRequestType().name();
    }
    if ("_history".equals(operation)) {
      return instance ? "instance history" : type ? "type history" : "system history";
    }
    if ("_search".equals(operation)) {
      return "search with " + request.getRequestType().name();
    }
    if (instance && id.hasVersionIdPart()) {
      return "vread";
    }
    return switch (request.getRequestType()) {
      case GET, HEAD -> instance ? "read" : type ? "search" : "system search";
      case POST -> type ? "create" : "transaction or batch";
      case PUT -> instance ? "update" : "conditional update";
      case PATCH -> instance ? "patch" : "conditional patch";
      case DELETE -> instance ? "delete" : "conditional delete";
      default -> request.getRequestType().name();
    };
  }

  private static String target(RequestDetails request) {
    String path = request.getRequestPath();
    return path == null || path.isEmpty() ? "the server base" : path;
  }

  private static OperationOutcome outcome(String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.NOTSUPPORTED)
        .setDiagnostics(text)
        .getDetails()
        .setText(text);
    return oo;
  }
}
