package org.psychcode.fhir.store;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.validation.StoredResources;
import org.springframework.stereotype.Component;

/**
 * The store as {@code $validate}'s and the write validation's source of resources a request references but does not
 * carry: {@code Encounter/123} (or {@code .../Encounter/123/_history/2}, read as the current version) is looked up
 * among the stored, not deleted resources. Inside a database transaction it reads through that transaction, and what
 * the transaction itself wrote is answered as written, without reading it back ({@link WriteBatch#latest}).
 */
@Component
class StoreReferenceLookup implements StoredResources {

  private static final Pattern TYPE_AND_ID = Pattern.compile("^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$");

  private final StoredTypes types;
  private final ResourceRepository resources;
  private final ca.uhn.fhir.context.FhirContext ctx;

  StoreReferenceLookup(StoredTypes types, ResourceRepository resources, ca.uhn.fhir.context.FhirContext ctx) {
    this.types = types;
    this.resources = resources;
    this.ctx = ctx;
  }

  @Override
  public Optional<Resource> resolve(String reference) {
    if (reference == null || reference.startsWith("urn:") || reference.startsWith("#") || reference.contains("?")) {
      return Optional.empty();
    }
    Matcher m = TYPE_AND_ID.matcher(reference);
    if (!m.matches() || !types.isStored(m.group(1))) {
      return Optional.empty();
    }
    String type = m.group(1);
    WriteBatch batch = WriteBatch.current();
    if (batch != null && batch.hasWritten(type, m.group(2))) {
      return Optional.ofNullable((Resource) batch.latest(type, m.group(2)));
    }
    return resources.read(type, m.group(2))
        .filter(v -> !v.deleted())
        .map(v -> (Resource) ctx.newJsonParser().parseResource(types.type(type).orElseThrow().resourceClass(), v.content()));
  }
}
