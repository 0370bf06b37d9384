package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.method.ElementsParameter;
import ca.uhn.fhir.util.DateUtils;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.psychcode.fhir.store.ResourceStore;
import org.springframework.stereotype.Component;

/**
 * Search answers with each resource's stored JSON written as it is, rather than parsed and encoded again: for a
 * 10-Claim page with its 10 Encounters that was most of the answer's CPU. The store's JSON is HAPI's own compact
 * encoding of the resource with its id and {@code meta} (versionId, lastUpdated) as stored, so the answer is the one
 * HAPI would write from the parsed resources. It applies when the answer is compact JSON of whole resources
 * ({@link #applies}): no {@code _pretty}, {@code _summary}, {@code _elements} or XML, which need the parsed model.
 *
 * <p>The search returns stand-ins ({@link ResourceStore#search(String, java.util.Map, RequestDetails, boolean)})
 * from which HAPI builds its Bundle as ever (links, total, {@code fullUrl}, search mode). Here, HAPI's hook for the
 * outgoing answer ({@code SERVER_OUTGOING_RESPONSE}, the one its ResponseHighlighterInterceptor writes its own answer
 * from) writes that Bundle with HAPI's parser, its entries spliced in with the stored JSON, and the headers HAPI
 * would add (content type, {@code Last-Modified}, gzip when asked). A Bundle this cannot write exactly as HAPI would
 * gets the parsed resources instead and HAPI writes it.
 */
@Component
@Interceptor
public class StoredJsonAnswers {

  private final ResourceStore store;

  StoredJsonAnswers(ResourceStore store) {
    this.store = store;
  }

  /** Whether a request's answer is compact JSON of whole resources, which the stored JSON can be written as. */
  static boolean applies(RequestDetails request) {
    Set<SummaryEnum> summary = RestfulServerUtils.determineSummaryMode(request);
    return responseEncoding(request).getEncoding() == EncodingEnum.JSON
        && !RestfulServerUtils.prettyPrintResponse(request.getServer(), request)
        && (summary.isEmpty() || summary.equals(Set.of(SummaryEnum.FALSE)))
        && ElementsParameter.getElementsValueOrNull(request, false) == null
        && ElementsParameter.getElementsValueOrNull(request, true) == null;
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean write(RequestDetails request, ResponseDetails details) throws IOException {
    if (!(details.getResponseResource() instanceof Bundle bundle)
        || bundle.getEntry().stream().noneMatch(e -> e.hasResource() && ResourceStore.storedJson(e.getResource()) != null)) {
      return true;
    }
    String base = request.getFhirServerBase();
    boolean exact = applies(request) && !bundle.hasSignature();
    for (BundleEntryComponent e : bundle.getEntry()) {
      String json = e.hasResource() ? ResourceStore.storedJson(e.getResource()) : null;
      // HAPI's parser writes references to this server's base as relative ones: such JSON is written from the model
      exact &= json == null || !json.contains(base);
      exact &= e.hasResource() && !e.hasLink() && !e.hasRequest() && !e.hasResponse() && !e.hasExtension() && !e.hasModifierExtension() && !e.hasId();
      exact &= !e.hasSearch() || (!e.getSearch().hasScore() && !e.getSearch().hasExtension() && !e.getSearch().hasId());
    }
    if (!exact) {
      bundle.getEntry().forEach(e -> e.setResource(e.hasResource() ? (org.hl7.fhir.r4.model.Resource) store.parsed(e.getResource()) : null));
      return true;
    }
    IParser parser = RestfulServerUtils.getNewParser(request.getFhirContext(), FhirVersionEnum.R4, request);
    List<BundleEntryComponent> entries = bundle.getEntry();
    String head;
    try {
      bundle.setEntry(new ArrayList<>());
      head = parser.encodeResourceToString(bundle);
    } finally {
      bundle.setEntry(entries);
    }
    StringBuilder body = new StringBuilder(head.length() + entries.size() * 2048);
    body.append(head, 0, head.lastIndexOf('}'));
    String separator = ",\"entry\":[";
    for (BundleEntryComponent e : entries) {
      body.append(separator);
      separator = ",";
      String entrySeparator = "{";
      if (e.hasFullUrl()) {
        body.append(entrySeparator).append("\"fullUrl\":");
        quoted(body, e.getFullUrl());
        entrySeparator = ",";
      }
      if (e.hasResource()) {
        String json = ResourceStore.storedJson(e.getResource());
        body.append(entrySeparator).append("\"resource\":").append(json != null ? json : parser.encodeResourceToString(e.getResource()));
        entrySeparator = ",";
      }
      if (e.hasSearch() && e.getSearch().hasMode()) {
        body.append(entrySeparator).append("\"search\":{\"mode\":");
        quoted(body, e.getSearch().getMode().toCode());
        body.append("}");
        entrySeparator = ",";
      }
      body.append("}");
    }
    body.append("]}");

    IRestfulResponse response = request.getResponse();
    IPrimitiveType<Date> lastUpdated = RestfulServerUtils.extractLastUpdatedFromResource(bundle);
    if (lastUpdated != null && !lastUpdated.isEmpty()) {
      response.addHeader(Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(lastUpdated.getValue()));
    }
    String contentType = responseEncoding(request).getResourceContentType();
    Writer writer = response.getResponseWriter(details.getResponseCode(), contentType, Constants.CHARSET_NAME_UTF8, request.isRespondGzip());
    writer.write(body.toString());
    response.commitResponse(writer);
    return false;
  }

  /** The encoding HAPI answers this request in: the one asked for, else the server's default. */
  private static RestfulServerUtils.ResponseEncoding responseEncoding(RequestDetails request) {
    EncodingEnum byDefault = request.getServer().getDefaultResponseEncoding();
    RestfulServerUtils.ResponseEncoding asked = RestfulServerUtils.determineResponseEncodingNoDefault(request, byDefault);
    return asked != null ? asked : new RestfulServerUtils.ResponseEncoding(request.getFhirContext(), byDefault, null);
  }

  private static void quoted(StringBuilder out, String s) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, out);
    out.append('"');
  }
}
