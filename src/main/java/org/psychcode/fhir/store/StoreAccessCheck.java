package org.psychcode.fhir.store;

/**
 * The one place every interaction with stored data passes before it happens: each REST interaction, each entry of a
 * transaction or batch, and each resource {@code Claim/$submit} stores. A check refuses by throwing a HAPI
 * {@code BaseServerResponseException} ({@code ForbiddenOperationException} 403, {@code AuthenticationException} 401)
 * with an OperationOutcome; inside a transaction that refusal rolls the whole Bundle back. Register one as a Spring
 * bean; with none, everything is allowed.
 */
public interface StoreAccessCheck {

  void check(StoreAccess access);
}
