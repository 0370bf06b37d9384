package org.psychcode.fhir.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.psychcode.fhir.export.BulkExports;
import org.psychcode.fhir.store.StoredTypes;

/**
 * The operations on stored data, judged by {@link AccessPolicy}'s table before HAPI runs them ({@code Claim/$submit}
 * is judged again by the store, entry by entry). An operation outside the open families that the table does not name
 * is refused: a new operation reading stored data is closed until its scope is written down.
 */
@Interceptor
final class OperationScopes {

  private final AccessPolicy policy;
  private final OpenEndpoints open;
  private final StoredTypes types;

  OperationScopes(AccessPolicy policy, OpenEndpoints open, StoredTypes types) {
    this.policy = policy;
    this.open = open;
    this.types = types;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void judge(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.EXTENDED_OPERATION_SERVER
        && operation != RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
        && operation != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE) {
      return;
    }
    if (request instanceof ServletRequestDetails servlet && open.isOpen(servlet.getServletRequest())) {
      return;
    }
    String name = request.getOperation();
    String key = (request.getResourceName() == null ? "" : request.getResourceName() + "/") + name;
    AccessPolicy.Need need =
        AccessPolicy.operation(key)
            .orElseThrow(
                () -> {
                  AccessPolicy.scopes(); // 401 first when there is no token
                  return AccessPolicy.forbidden(key + " is not an operation any SMART scope of this server grants.");
                });
    policy.checkOperation(key, need, exported(request));
  }

  /** The types an export reads: its {@code _type} parameter, or every stored type. */
  private List<String> exported(RequestDetails request) {
    String[] asked = request.getParameters().get("_type");
    List<String> out = new ArrayList<>();
    if (asked != null) {
      for (String v : asked) {
        for (String t : v.split(",")) {
          if (!t.isBlank()) {
            out.add(t.trim());
          }
        }
      }
    }
    if (out.isEmpty()) {
      types.all().stream().map(t -> t.name()).filter(t -> !BulkExports.ONLY_WHEN_ASKED.contains(t)).forEach(out::add);
    }
    return out;
  }
}
