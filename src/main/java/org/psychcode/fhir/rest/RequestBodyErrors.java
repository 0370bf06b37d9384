package org.psychcode.fhir.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.springframework.stereotype.Component;

/**
 * A body HAPI's parser chokes on is the client's error. Some malformed bodies (a Bundle entry with a
 * {@code fullUrl} but a non-resource {@code resource}) make the parser itself fail with a runtime exception
 * rather than a parse error; such a failure, raised while the request body is read, answers 400 with an
 * OperationOutcome instead of 500.
 */
@Component
@Interceptor
public class RequestBodyErrors {

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException whileReadingTheBody(RequestDetails request, Throwable exception) {
    if (!(exception instanceof RuntimeException) || exception instanceof BaseServerResponseException || !thrownWhileParsingTheBody(exception)) {
      return null;
    }
    return new InvalidRequestException(
        "The request body is not a FHIR resource this server can read: some element that must hold a resource"
            + " (a Bundle entry's resource, a contained resource) holds something else.");
  }

  private static boolean thrownWhileParsingTheBody(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().equals("ca.uhn.fhir.rest.server.method.ResourceParameter")
            && frame.getMethodName().equals("loadResourceFromRequest")) {
          return true;
        }
      }
    }
    return false;
  }
}
