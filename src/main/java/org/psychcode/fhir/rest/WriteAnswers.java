package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreProperties;
import org.psychcode.fhir.store.Written;
import org.springframework.stereotype.Component;

/**
 * The HTTP answer of a write: 201 with {@code Location} for a creation, 200 otherwise; the version as {@code ETag};
 * {@code Last-Modified}; the resource, nothing or the OperationOutcome as {@code Prefer: return=} asks (HAPI reads
 * the header and picks from the {@link MethodOutcome}). The OperationOutcome carries validation's warnings, or says
 * what happened.
 */
@Component
class WriteAnswers {

  private final StoreProperties properties;

  WriteAnswers(StoreProperties properties) {
    this.properties = properties;
  }

  int defaultPageSize() {
    return properties.defaultPageSize();
  }

  int maxPageSize() {
    return properties.maxPageSize();
  }

  MethodOutcome answer(Written w, RequestDetails request) {
    MethodOutcome outcome = new MethodOutcome();
    outcome.setId(new IdType(w.type(), w.id(), Long.toString(w.version())));
    outcome.setCreated(w.created());
    if (w.resource() != null) {
      outcome.setResource(w.resource());
    }
    OperationOutcome oo = w.outcome() != null ? w.outcome() : ResourceStore.information(w.sentence());
    outcome.setOperationOutcome(oo);
    if (w.lastUpdated() > 0 && request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
      servlet.getServletResponse()
          .setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(w.lastUpdated()).atZone(ZoneOffset.UTC)));
    }
    return outcome;
  }
}
