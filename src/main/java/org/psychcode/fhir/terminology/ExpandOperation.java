package org.psychcode.fhir.terminology;

import java.util.Map;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * {@code ValueSet/$expand}: finds the value set (by url, inline, or by id), expands it, and renders the page the
 * client asked for. A published value set is not expanded again: its stored expansion is filtered and paged.
 */
final class ExpandOperation {

  private final TerminologySource published;
  private final Map<String, Expansion> stored;
  private final OperationParameters parameters;

  ExpandOperation(TerminologySource published, Map<String, Expansion> stored, OperationParameters parameters) {
    this.published = published;
    this.stored = stored;
    this.parameters = parameters;
  }

  ValueSet expand(TxRequest req, ValueSet instance) {
    parameters.check(req);
    TxParameters txp = new TxParameters(false);
    txp.read(req.parameters(), req.acceptLanguage());
    Resource inline = req.resource("valueSet");
    TerminologySource source = req.terminology(published, inline);
    TxContext ctx = new TxContext(source, txp);
    ValueSet vs =
        instance != null
            ? instance
            : inline instanceof ValueSet v ? v : ctx.requestedValueSet(req, "Must provide either a ValueSet resource or a url parameter");
    Expansion cached = source.isPublished() && txp.onlyPagingAndFilter() ? stored.get(key(vs)) : null;
    if (cached != null && published.valueSet(vs.getUrl(), vs.getVersion()).orElse(null) == vs) {
      return cached.filtered(new TextFilter(txp.filter))
          .render(txp.offset, txp.count, txp.hasExcludeNested ? txp.excludeNested : null);
    }
    int limit = txp.count >= 0 ? ValueSetExpander.INTERNAL_LIMIT : ValueSetExpander.EXTERNAL_LIMIT;
    Expansion e = new ValueSetExpander(ctx, limit, new TextFilter(txp.filter)).expand(vs);
    return e.render(txp.offset, txp.count);
  }

  static String key(ValueSet vs) {
    return ValueSetExpander.versionedUrl(vs);
  }
}
