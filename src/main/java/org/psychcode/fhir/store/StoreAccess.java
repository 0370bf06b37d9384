package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * One interaction as an {@link StoreAccessCheck} sees it, before the store carries it out (a read: once the resource
 * is loaded, before it is returned).
 *
 * @param id the resource's id, null for a create whose id is not yet assigned, a search or a type history
 * @param resource the resource to be written, or the one read; null for a delete, a search or a history
 * @param patients the Patient compartments involved ({@code Patient/123}): those of the resource written or read, and
 *     for an update or delete those of the version it replaces; empty when none can be told (a search)
 * @param parameters a search's parameters (empty otherwise)
 */
public record StoreAccess(
    Interaction interaction,
    String type,
    String id,
    IBaseResource resource,
    Set<String> patients,
    Map<String, String[]> parameters,
    RequestDetails request) {}
