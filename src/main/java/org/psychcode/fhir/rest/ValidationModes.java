package org.psychcode.fhir.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.springframework.stereotype.Component;

/**
 * FHIR's {@code $validate} knows four modes; HAPI's binding knows create, update and delete. A
 * {@code mode=profile} in the URL is taken off the request before HAPI binds it and remembered, so the
 * provider sees it (and refuses it without the {@code profile} parameter: a refusal thrown here, in an interceptor,
 * would be logged by HAPI as an error with its stack trace).
 */
@Component
@Interceptor
public class ValidationModes {

  private static final String KEY = ValidationModes.class.getName() + ".mode";

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean takeProfileMode(RequestDetails request) {
    String[] mode = request.getParameters().get("mode");
    if (mode == null || mode.length != 1 || !"profile".equals(mode[0]) || !"$validate".equals(request.getOperation())) {
      return true;
    }
    request.removeParameter("mode");
    request.getUserData().put(KEY, "profile");
    return true;
  }

  /** The mode asked for: create, update, delete, profile, or null. */
  static String of(ValidationModeEnum bound, RequestDetails request) {
    Object taken = request == null ? null : request.getUserData().get(KEY);
    if (taken != null) {
      return taken.toString();
    }
    return bound == null ? null : bound.getCode();
  }
}
