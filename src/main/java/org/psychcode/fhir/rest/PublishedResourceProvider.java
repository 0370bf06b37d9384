package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.psychcode.fhir.terminology.TxException;

/**
 * Read and search of one kind of published terminology resource (CodeSystem, ValueSet, ConceptMap), the same
 * for all three; the subclasses add their operations. Answers are copies, so nothing a response goes through
 * can change the published resource.
 */
abstract class PublishedResourceProvider<T extends MetadataResource> implements IResourceProvider {

  /** The published resource with this id, as loaded. */
  abstract Optional<T> byId(String id);

  /** Every published resource of this type, as loaded. */
  abstract List<T> all();

  /**
   * The version id every published resource of this type is served with ({@code meta.versionId}, and so the
   * {@code ETag} of a read): it changes whenever the published content does.
   */
  abstract String versionId();

  /** A version id that changes whenever any of these authored resources does: a hash of their JSON. */
  static String contentVersion(ca.uhn.fhir.context.FhirContext ctx, List<? extends MetadataResource> resources) {
    StringBuilder all = new StringBuilder();
    resources.forEach(r -> all.append(ctx.newJsonParser().encodeResourceToString(r)));
    return Integer.toHexString(all.toString().hashCode());
  }

  @SuppressWarnings("unchecked")
  private T copy(T resource) {
    T copy = (T) resource.copy();
    copy.setIdElement(new IdType(copy.fhirType(), copy.getIdElement().getIdPart(), versionId()));
    copy.getMeta().setVersionId(versionId());
    return copy;
  }

  /** Read, and vread of the one version served (the {@code Content-Location} of a read names it). */
  @Read(version = true)
  public T read(@IdParam IdType id) {
    if (id.hasVersionIdPart() && !id.getVersionIdPart().equals(versionId())) {
      throw new ResourceNotFoundException(id);
    }
    return byId(id.getIdPart()).map(this::copy).orElseThrow(() -> new ResourceNotFoundException(id));
  }

  @Search
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenParam id,
      @OptionalParam(name = "url") UriParam url,
      @OptionalParam(name = "version") TokenParam version,
      @OptionalParam(name = "name") StringParam name,
      @OptionalParam(name = "title") StringParam title,
      @OptionalParam(name = "status") TokenParam status,
      @Offset Integer offset,
      @Count Integer count) {
    CanonicalSearch q = new CanonicalSearch(id, url, version, name, title, status);
    return SearchPages.page(all().stream().filter(q::matches).map(this::copy).toList(), offset, count);
  }

  /** The instance an instance-level operation names (404 when it is not published), or null at type level. */
  T instance(IdType id) {
    if (id == null || !id.hasIdPart()) {
      return null;
    }
    return byId(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
  }

  interface TerminologyCall<R> {
    R run() throws TxException;
  }

  /** Runs a terminology operation, turning its refusal into the HTTP error it stands for. */
  static <R> R answer(TerminologyCall<R> call) {
    try {
      return call.run();
    } catch (TxException e) {
      throw TerminologyRequests.toHttp(e);
    }
  }
}
