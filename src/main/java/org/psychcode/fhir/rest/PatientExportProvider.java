package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/** {@code GET /fhir/Patient/$export}: every patient's compartment (see {@link BulkExportHttp}). */
@Component
class PatientExportProvider implements IResourceProvider {

  private final BulkExportHttp http;

  PatientExportProvider(BulkExportHttp http) {
    this.http = http;
  }

  @Override
  public Class<Patient> getResourceType() {
    return Patient.class;
  }

  @Operation(name = "$export", idempotent = true, manualRequest = true, manualResponse = true)
  public void export(RequestDetails rd, HttpServletResponse response) throws IOException {
    http.kickOff("patient", null, rd, response);
  }
}
