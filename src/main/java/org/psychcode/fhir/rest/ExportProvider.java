package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * The server-level bulk export operations: the system kick-off {@code GET /fhir/$export}, the status URL the kick-offs
 * answer ({@code $export-poll-status}, GET and DELETE) and the files its manifest lists ({@code $export-file}). See
 * {@link BulkExportHttp}.
 */
@Component
@PlainProvider
class ExportProvider {

  private final BulkExportHttp http;

  ExportProvider(BulkExportHttp http) {
    this.http = http;
  }

  @Operation(name = "$export", idempotent = true, manualRequest = true, manualResponse = true)
  public void export(RequestDetails rd, HttpServletResponse response) throws IOException {
    http.kickOff("system", null, rd, response);
  }

  @Operation(name = BulkExportHttp.STATUS, idempotent = true, deleteEnabled = true, manualResponse = true)
  public void status(RequestDetails rd, HttpServletResponse response) throws IOException {
    http.status(rd, response);
  }

  @Operation(name = BulkExportHttp.FILE, idempotent = true, manualResponse = true)
  public void file(RequestDetails rd, HttpServletResponse response) throws IOException {
    http.file(rd, response);
  }
}
