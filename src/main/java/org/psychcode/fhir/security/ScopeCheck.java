package org.psychcode.fhir.security;

import java.util.List;
import java.util.Map;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.StoreAccess;
import org.psychcode.fhir.store.StoreAccessCheck;

/** The store's access check when security is on: every store interaction, as {@link AccessPolicy} decides it. */
final class ScopeCheck implements StoreAccessCheck {

  private final AccessPolicy policy;

  ScopeCheck(AccessPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void check(StoreAccess access) {
    policy.check(access);
  }

  @Override
  public void checkType(Interaction interaction, String type) {
    policy.checkType(interaction, type);
  }

  @Override
  public Map<String, List<String>> narrow(StoreAccess search) {
    return policy.narrow(search);
  }
}
