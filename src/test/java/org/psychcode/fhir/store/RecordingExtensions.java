package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The store's extension points as the tests use them: a write listener that counts the stored rows through the
 * connection it is given (so it sees the write in its own transaction) and refuses a resource tagged
 * {@code refuse-in-listener}; an access check that refuses one tagged {@code forbidden}; a read listener that
 * records what was returned. Resources without those tags pass untouched.
 */
@Component
class RecordingExtensions implements StoreWriteListener, StoreAccessCheck, StoreReadListener {

  static final String TAGS = "http://psychcode.org/fhir/test-tags";
  static final List<String> WRITES = new CopyOnWriteArrayList<>();
  static final List<String> READS = new CopyOnWriteArrayList<>();

  @Override
  public void written(StoreWrite write, JdbcTemplate sameTransaction) {
    Integer visible =
        sameTransaction.queryForObject(
            "SELECT COUNT(*) FROM resource WHERE res_type = ? AND res_id = ? AND version = ?", Integer.class, write.type(), write.id(), write.version());
    WRITES.add(write.interaction() + " " + write.type() + "/" + write.id() + "/" + write.version() + " visible=" + visible
        + " patients=" + write.patients() + " request=" + (write.request() != null));
    if (tagged(write.resource(), "refuse-in-listener")) {
      throw new UnprocessableEntityException("refused by a write listener");
    }
  }

  @Override
  public void check(StoreAccess access) {
    if (tagged(access.resource(), "forbidden")) {
      throw new ForbiddenOperationException("forbidden by the access check");
    }
  }

  @Override
  public void returned(Interaction interaction, String type, List<IBaseResource> resources, RequestDetails request) {
    resources.forEach(r -> READS.add(interaction + " " + r.getIdElement().toUnqualifiedVersionless().getValue()));
  }

  private static boolean tagged(IBaseResource r, String code) {
    return r != null && r.getMeta().getTag(TAGS, code) != null;
  }
}
