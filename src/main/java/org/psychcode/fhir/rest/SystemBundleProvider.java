package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.psychcode.fhir.store.BundleProcessor;
import org.psychcode.fhir.store.StoreErrors;
import org.springframework.stereotype.Component;

/**
 * {@code POST /fhir} with a Bundle: a {@code transaction} of store interactions (all or nothing), or a {@code batch}
 * whose entries are store interactions or terminology operation calls, each answered on its own.
 */
@Component
@PlainProvider
class SystemBundleProvider {

  private final BundleProcessor processor;
  private final TerminologyBatchEntries terminology;

  SystemBundleProvider(BundleProcessor processor, TerminologyBatchEntries terminology) {
    this.processor = processor;
    this.terminology = terminology;
  }

  @Transaction
  public Bundle process(@TransactionParam Bundle bundle, RequestDetails request) {
    if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
      EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
      byte[] body = request.loadRequestContents();
      String text = body == null || body.length == 0 ? null : new String(body, StandardCharsets.UTF_8);
      return processor.transaction(bundle, text, encoding == null ? EncodingEnum.JSON : encoding, request);
    }
    if (bundle.getType() == Bundle.BundleType.BATCH) {
      String lang = request.getHeader("Accept-Language");
      return processor.batch(bundle, request, e -> TerminologyBatchEntries.isTerminologyCall(e) ? terminology.answer(e, lang) : null);
    }
    throw StoreErrors.invalid(
        "POST to the server's base takes a transaction or a batch Bundle, not "
            + (bundle.hasType() ? "a " + bundle.getType().toCode() : "one without a type") + ".",
        "Bundle.type");
  }
}
