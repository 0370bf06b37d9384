package org.psychcode.fhir.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One line for each request the server refuses as the client's error (4xx): its id, method, path, status and why,
 * without a stack trace, which says nothing about a client's mistake. A 304 is no error and is logged only at
 * debug level. HAPI's own exception log ({@code ExceptionHandlingInterceptor}) is set to log server errors (5xx)
 * only, with their stack traces ({@code application.yaml}), and its interceptor service's log of a refusal thrown by
 * a hook is left out ({@link HookRefusals}).
 */
@Component
@Interceptor
public class ClientErrorLog {

  private static final Logger log = LoggerFactory.getLogger(ClientErrorLog.class);

  /** Before HAPI's own handler, which writes the answer and ends the chain; the exception is the final one. */
  @Hook(value = Pointcut.SERVER_HANDLE_EXCEPTION, order = -1000)
  public boolean logged(RequestDetails request, BaseServerResponseException e) {
    if (e.getStatusCode() < 500) {
      if (e.getStatusCode() == 304) {
        log.debug("{} {} {}: 304 not modified", request.getRequestId(), request.getRequestType(), request.getCompleteUrl());
      } else if (log.isInfoEnabled()) {
        log.info(
            "{} {} /{}: {} {}",
            request.getRequestId(),
            request.getRequestType(),
            request.getRequestPath(),
            e.getStatusCode(),
            firstLine(e.getMessage()));
      }
    }
    return true;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
