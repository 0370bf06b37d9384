package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Parameters;
import org.psychcode.fhir.store.ClaimSubmission;
import org.psychcode.fhir.store.StoreErrors;
import org.springframework.stereotype.Component;

/**
 * {@code POST Claim/$submit}: the body is a Claim, a Bundle holding the Claim and what it references, or a
 * Parameters whose {@code resource} is one of those; the answer is the stored ClaimResponse ({@link ClaimSubmission}).
 * HAPI reads no body here ({@code manualRequest}): the body as posted is what the profile validator reads, so its
 * expressions point into it.
 */
@Component
class ClaimSubmitProvider implements IResourceProvider {

  private final FhirContext ctx;
  private final ClaimSubmission submission;

  ClaimSubmitProvider(FhirContext ctx, ClaimSubmission submission) {
    this.ctx = ctx;
    this.submission = submission;
  }

  @Override
  public Class<Claim> getResourceType() {
    return Claim.class;
  }

  @Operation(name = "$submit", manualRequest = true, returnParameters = {})
  public ClaimResponse submit(RequestDetails request) {
    byte[] bytes = request.loadRequestContents();
    if (bytes == null || bytes.length == 0) {
      throw StoreErrors.invalid("Claim/$submit needs a body: a Claim, a Bundle holding it, or a Parameters with the resource.");
    }
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
    if (encoding == null) {
      throw new UnclassifiedServerFailureException(415, "Claim/$submit reads FHIR JSON or XML (Content-Type application/fhir+json or application/fhir+xml).");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    IBaseResource body;
    try {
      body = (encoding == EncodingEnum.XML ? ctx.newXmlParser() : ctx.newJsonParser()).parseResource(text);
    } catch (DataFormatException | ClassCastException e) {
      throw StoreErrors.invalid("The body is not a FHIR resource this server can read: " + e.getMessage());
    }
    if (body instanceof Parameters p) {
      IBaseResource inner = p.getParameter().stream().filter(x -> "resource".equals(x.getName()) && x.hasResource()).map(x -> (IBaseResource) x.getResource()).findFirst().orElse(null);
      return submission.submit(inner, null, encoding, request);
    }
    return submission.submit(body, text, encoding, request);
  }
}
