package org.psychcode.fhir.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.springframework.stereotype.Component;

/**
 * The audit trail of refused access to stored data: a 401 (no valid token) or 403 (no scope granting it) answered by
 * HAPI's pipeline (the store's access check, the operation check) or by Spring Security before HAPI (no token, or a
 * token that failed its checks) becomes an AuditEvent with outcome 4 and the refusal's sentence, written by the audit
 * trail's background writer (a refused write has no transaction to join: it rolled back). A refused entry of a batch is
 * answered inside the batch's response and is not recorded on its own.
 */
@Component
@Interceptor
public class RefusedAccess {

  private final AuditTrail trail;

  RefusedAccess(AuditTrail trail) {
    this.trail = trail;
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean refused(RequestDetails request, BaseServerResponseException exception) {
    int status = exception.getStatusCode();
    if (status == 401 || status == 403) {
      RestOperationTypeEnum operation = request.getRestOperationType();
      String id = request.getId() != null && request.getId().hasIdPart() && request.getResourceName() != null
          ? request.getResourceName() + "/" + request.getId().getIdPart() : null;
      trail.queue(List.of(AuditEvents.refused(subtype(operation), action(operation), id, exception.getMessage(), Requestor.of(request))));
    }
    return true;
  }

  /** A request for {@code /fhir} Spring Security refused before HAPI read it; {@code reason}: the answer's sentence. */
  public void refused(HttpServletRequest request, String reason) {
    String method = request.getMethod();
    String[] parts = (request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo())).replaceFirst("^/fhir/?", "").split("/");
    boolean instance = parts.length >= 2 && !parts[1].startsWith("$") && !parts[1].startsWith("_");
    String id = instance ? parts[0] + "/" + parts[1] : null;
    RestOperationTypeEnum operation = switch (method) {
      case "POST" -> parts.length >= 1 && parts[parts.length - 1].startsWith("$") ? RestOperationTypeEnum.EXTENDED_OPERATION_TYPE : RestOperationTypeEnum.CREATE;
      case "PUT" -> RestOperationTypeEnum.UPDATE;
      case "DELETE" -> RestOperationTypeEnum.DELETE;
      default -> instance ? RestOperationTypeEnum.READ : RestOperationTypeEnum.SEARCH_TYPE;
    };
    trail.queue(List.of(AuditEvents.refused(subtype(operation), action(operation), id, reason, Requestor.of(request))));
  }

  /** The restful-interaction code of what was asked. */
  private static String subtype(RestOperationTypeEnum operation) {
    if (operation == null) {
      return "operation";
    }
    return switch (operation) {
      case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE -> "operation";
      default -> operation.getCode();
    };
  }

  private static AuditEventAction action(RestOperationTypeEnum operation) {
    if (operation == null) {
      return AuditEventAction.E;
    }
    return switch (operation) {
      case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE -> AuditEventAction.R;
      case CREATE -> AuditEventAction.C;
      case UPDATE -> AuditEventAction.U;
      case DELETE -> AuditEventAction.D;
      default -> AuditEventAction.E;
    };
  }
}
