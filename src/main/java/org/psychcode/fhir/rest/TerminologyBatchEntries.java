package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.store.BundleProcessor;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TxException;
import org.psychcode.fhir.terminology.TxRequest;
import org.springframework.stereotype.Component;

/**
 * The terminology operation calls of a {@code batch} Bundle ({@code GET ValueSet/$validate-code?...} entries, or
 * {@code POST} entries whose resource is the Parameters): each answered on its own, a failing one with its status and
 * OperationOutcome, so one failing entry does not stop the others.
 */
@Component
class TerminologyBatchEntries {

  private static final java.util.Set<String> TYPES = java.util.Set.of("CodeSystem", "ValueSet", "ConceptMap");

  private final TerminologyService terminology;

  TerminologyBatchEntries(TerminologyService terminology) {
    this.terminology = terminology;
  }

  /** True when the entry calls a terminology operation ({@code ValueSet/$expand}, {@code CodeSystem/x/$lookup}). */
  static boolean isTerminologyCall(BundleEntryComponent entry) {
    if (!entry.hasRequest() || !entry.getRequest().hasUrl()) {
      return false;
    }
    String url = entry.getRequest().getUrl();
    String path = (url.contains("?") ? url.substring(0, url.indexOf('?')) : url).replaceFirst("^/", "");
    String[] parts = path.split("/");
    return parts.length >= 2 && TYPES.contains(parts[0]) && parts[parts.length - 1].startsWith("$");
  }

  /** The answer to one terminology call. */
  BundleEntryComponent answer(BundleEntryComponent entry, String lang) {
    BundleEntryComponent answer = new BundleEntryComponent();
    try {
      answer.setResource(call(entry, lang));
      answer.getResponse().setStatus("200 OK");
    } catch (TxException e) {
      answer.setResource(e.toOperationOutcome());
      answer.getResponse().setStatus(e.status() + " " + BundleProcessor.reason(e.status()));
    } catch (BaseServerResponseException e) {
      IBaseOperationOutcome oo = e.getOperationOutcome();
      answer.setResource(oo instanceof OperationOutcome o ? o : outcome(e.getMessage()));
      answer.getResponse().setStatus(e.getStatusCode() + " " + BundleProcessor.reason(e.getStatusCode()));
    }
    return answer;
  }

  private Resource call(BundleEntryComponent entry, String lang) {
    if (!entry.hasRequest() || !entry.getRequest().hasUrl()) {
      throw TerminologyRequests.invalid("A batch entry needs request.method and request.url");
    }
    String url = entry.getRequest().getUrl();
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    Map<String, String[]> query = ResourceStore.query(url.contains("?") ? url.substring(url.indexOf('?') + 1) : "");
    TxRequest request;
    HTTPVerb method = entry.getRequest().getMethod();
    if (method == HTTPVerb.POST && entry.getResource() instanceof Parameters p) {
      Parameters merged = p.copy();
      TxRequest.fromQuery(query, lang).parameters().getParameter().forEach(merged::addParameter);
      request = new TxRequest(merged, lang);
    } else if (method == HTTPVerb.GET || (method == HTTPVerb.POST && !entry.hasResource())) {
      request = TxRequest.fromQuery(query, lang);
    } else {
      throw TerminologyRequests.invalid("A batch entry must GET an operation, or POST it a Parameters resource");
    }
    String[] parts = path.replaceFirst("^/", "").split("/");
    if (parts.length != 2 && parts.length != 3) {
      throw TerminologyRequests.invalid("Not a terminology operation: " + url);
    }
    String type = parts[0];
    String op = parts[parts.length - 1];
    String id = parts.length == 3 ? parts[1] : null;
    return switch (type + "/" + op) {
      case "ValueSet/$validate-code" -> terminology.validateCodeInValueSet(
          request, id == null ? null : terminology.registry().valueSetById(id).orElseThrow(() -> notFound(type, id)));
      case "ValueSet/$expand" -> terminology.expand(
          request, id == null ? null : terminology.registry().valueSetById(id).orElseThrow(() -> notFound(type, id)));
      case "CodeSystem/$validate-code" -> terminology.validateCodeInCodeSystem(
          request, id == null ? null : terminology.registry().codeSystemById(id).orElseThrow(() -> notFound(type, id)));
      case "CodeSystem/$lookup" -> terminology.lookup(
          request, id == null ? null : terminology.registry().codeSystemById(id).orElseThrow(() -> notFound(type, id)));
      case "CodeSystem/$subsumes" -> terminology.subsumes(
          request, id == null ? null : terminology.registry().codeSystemById(id).orElseThrow(() -> notFound(type, id)));
      case "ConceptMap/$translate" -> terminology.translate(
          request, id == null ? null : terminology.registry().conceptMapById(id).orElseThrow(() -> notFound(type, id)));
      default -> throw TerminologyRequests.invalid("Not a terminology operation: " + url);
    };
  }

  private static BaseServerResponseException notFound(String type, String id) {
    BaseServerResponseException e = BaseServerResponseException.newInstance(404, type + "/" + id + " is not known");
    e.setOperationOutcome(outcome(type + "/" + id + " is not known"));
    return e;
  }

  private static OperationOutcome outcome(String message) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.PROCESSING)
        .getDetails()
        .setText(message);
    return oo;
  }
}
