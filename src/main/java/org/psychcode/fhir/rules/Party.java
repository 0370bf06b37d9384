package org.psychcode.fhir.rules;

import java.util.Set;

/**
 * Who a reference names (a patient, an encounter subject, a group member), as every key it can be known by:
 * the Bundle's {@code fullUrl}, {@code Type/id}, identifiers ({@code system|value}). Two parties are the
 * same when they share a key.
 */
public record Party(String label, Set<String> keys) {

  public boolean sameAs(Party other) {
    if (other == null) {
      return false;
    }
    for (String k : keys) {
      if (other.keys.contains(k)) {
        return true;
      }
    }
    return false;
  }

  public boolean known() {
    return !keys.isEmpty();
  }
}
