package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import java.util.Locale;
import org.hl7.fhir.r4.model.MetadataResource;

/** The search parameters CodeSystem, ValueSet and ConceptMap share ({@code url}, {@code version}, ...). */
record CanonicalSearch(TokenParam id, UriParam url, TokenParam version, StringParam name, StringParam title,
    TokenParam status) {

  boolean matches(MetadataResource r) {
    if (id != null && !id.getValue().equals(r.getIdElement().getIdPart())) {
      return false;
    }
    if (url != null && !url.getValue().equals(r.getUrl())) {
      return false;
    }
    if (version != null && !version.getValue().equals(r.getVersion())) {
      return false;
    }
    if (name != null && !text(name, r.getName())) {
      return false;
    }
    if (title != null && !text(title, r.getTitle())) {
      return false;
    }
    return status == null || (r.hasStatus() && status.getValue().equals(r.getStatus().toCode()));
  }

  private static boolean text(StringParam p, String value) {
    if (value == null) {
      return false;
    }
    String v = value.toLowerCase(Locale.ROOT);
    String q = p.getValue().toLowerCase(Locale.ROOT);
    if (p.isExact()) {
      return value.equals(p.getValue());
    }
    return p.isContains() ? v.contains(q) : v.startsWith(q);
  }
}
