package org.psychcode.fhir.terminology;

import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
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
    ValueSet vs = instance;
    if (vs == null && inline instanceof ValueSet v) {
      vs = v;
    }
    if (vs == null) {
      String url = req.string("url");
      if (url == null) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                null,
                null,
                "Must provide either a ValueSet resource or a url parameter",
                "invalid-data"));
      }
      String version = req.string("valueSetVersion");
      if (version == null && url.contains("|")) {
        version = url.substring(url.indexOf('|') + 1);
        url = url.substring(0, url.indexOf('|'));
      }
      version = ctx.determineValueSetVersion(url, version);
      vs = source.valueSet(url, version).orElse(null);
      if (vs == null) {
        throw TxException.notFound(
            TxIssue.error(
                IssueType.NOTFOUND,
                null,
                "Unable_to_resolve_value_Set_",
                TxMessages.format("Unable_to_resolve_value_Set_", url + (version == null ? "" : "|" + version)),
                "not-found"));
      }
    }
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
