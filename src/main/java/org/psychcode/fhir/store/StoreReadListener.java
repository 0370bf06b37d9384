package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Told which stored resources a read, vread, search (matches and includes) or history returned, after the store
 * answered and before the answer is written: for an audit trail of who saw what. Register one as a Spring bean.
 */
public interface StoreReadListener {

  void returned(Interaction interaction, String type, List<IBaseResource> resources, RequestDetails request);
}
