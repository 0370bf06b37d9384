package org.psychcode.fhir.store;

/**
 * One stored version of a resource, as read from the database: its JSON (null for a deletion), the method that made
 * it ({@code POST}, {@code PUT} or {@code DELETE}) and when.
 */
public record StoredVersion(
    long pk, String type, String id, long version, String method, long lastUpdated, String content) {

  public boolean deleted() {
    return content == null;
  }
}
