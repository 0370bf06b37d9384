package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/** {@code GET /fhir/Group/<id>/$export}: the compartments of the Group's members (see {@link BulkExportHttp}). */
@Component
class GroupExportProvider implements IResourceProvider {

  private final BulkExportHttp http;

  GroupExportProvider(BulkExportHttp http) {
    this.http = http;
  }

  @Override
  public Class<Group> getResourceType() {
    return Group.class;
  }

  @Operation(name = "$export", idempotent = true, manualRequest = true, manualResponse = true)
  public void export(@IdParam IdType id, RequestDetails rd, HttpServletResponse response) throws IOException {
    http.kickOff("group", id.getIdPart(), rd, response);
  }
}
