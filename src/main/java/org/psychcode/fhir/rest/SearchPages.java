package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Offset paging of search results ({@code _count}, {@code _offset}): HAPI builds the next/previous links from the
 * page's offset, so paging needs no server-side state and works across replicas.
 */
final class SearchPages {

  private SearchPages() {}

  /** A negative {@code _count} or {@code _offset} is refused (400); {@code _count=0} answers the total alone. */
  static IBundleProvider page(List<? extends IBaseResource> all, Integer offset, Integer count) {
    if (offset != null && offset < 0) {
      throw new InvalidRequestException("_offset must be a whole number of zero or more, not " + offset);
    }
    if (count != null && count < 0) {
      throw new InvalidRequestException("_count must be a whole number of zero or more, not " + count);
    }
    int from = offset == null ? 0 : Math.min(offset, all.size());
    if (count != null && count == 0) {
      SimpleBundleProvider p = new SimpleBundleProvider(List.of());
      p.setSize(all.size());
      return p;
    }
    if (count == null) {
      SimpleBundleProvider p = new SimpleBundleProvider(List.copyOf(all.subList(from, all.size())));
      p.setSize(all.size() - from);
      return p;
    }
    int to = Math.min(all.size(), from + count);
    SimpleBundleProvider p = new SimpleBundleProvider(List.copyOf(all.subList(from, to)));
    p.setCurrentPageOffset(from);
    p.setCurrentPageSize(count);
    p.setSize(all.size());
    return p;
  }
}
