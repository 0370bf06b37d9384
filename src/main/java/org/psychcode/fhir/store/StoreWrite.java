package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * One write as the {@link StoreWriteListener}s see it.
 *
 * @param interaction CREATE, UPDATE or DELETE
 * @param resource the resource as stored (with its id and meta), or for a DELETE the version deleted
 * @param patients the Patient compartments the resource is in ({@code Patient/123}), from its reference index
 * @param request who is asking (HAPI's request: headers, the authenticated principal's attributes, the tenant); for
 *     an entry of a transaction or batch, the request that carried the Bundle
 */
public record StoreWrite(
    Interaction interaction,
    String type,
    String id,
    long version,
    long lastUpdated,
    IBaseResource resource,
    Set<String> patients,
    RequestDetails request) {}
