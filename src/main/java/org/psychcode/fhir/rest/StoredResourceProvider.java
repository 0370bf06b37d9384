package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreErrors;
import org.psychcode.fhir.store.Written;

/**
 * The REST interactions of one stored type, all handed to the {@link ResourceStore}: read, vread, create (conditional
 * with {@code If-None-Exist}), update (conditional with search criteria in the URL, version-checked with
 * {@code If-Match}), delete, instance and type {@code _history}, and search (GET and {@code POST _search}). One
 * instance per stored type; HAPI answers {@code Prefer}, {@code ETag}, {@code Location} and paging links from what
 * these methods return.
 */
public class StoredResourceProvider implements IResourceProvider {

  private final Class<? extends IBaseResource> type;
  private final ResourceStore store;
  private final WriteAnswers answers;

  StoredResourceProvider(Class<? extends IBaseResource> type, ResourceStore store, WriteAnswers answers) {
    this.type = type;
    this.store = store;
    this.answers = answers;
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return type;
  }

  private String name() {
    return store.fhirContext().getResourceType(type);
  }

  @Read(version = true)
  public IBaseResource read(@IdParam IdType id, RequestDetails request) {
    Long version = null;
    if (id.hasVersionIdPart()) {
      version = versionNumber(id.getVersionIdPart());
    }
    return store.read(name(), id.getIdPart(), version, request);
  }

  @Create
  public MethodOutcome create(
      @ResourceParam IBaseResource resource,
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      @ConditionalUrlParam String ifNoneExist,
      RequestDetails request) {
    Written w = store.create(name(), resource, body, encoding, ifNoneExist, request);
    return answers.answer(w, request);
  }

  @Update
  public MethodOutcome update(
      @IdParam IdType id,
      @ResourceParam IBaseResource resource,
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      @ConditionalUrlParam String conditional,
      RequestDetails request) {
    Written w;
    if (conditional != null && (id == null || !id.hasIdPart())) {
      w = store.conditionalUpdate(name(), conditional, resource, body, encoding, request);
    } else {
      String bodyId = PostedBody.id(body, encoding);
      if (bodyId != null && !bodyId.equals(id.getIdPart())) {
        throw StoreErrors.invalid(
            "The body's id (" + bodyId + ") is not the id in the URL (" + id.getIdPart() + "); an update keeps the resource's id.",
            name() + ".id");
      }
      Long ifMatch = id.hasVersionIdPart() ? versionNumber(id.getVersionIdPart()) : null;
      w = store.update(name(), id.getIdPart(), ifMatch, resource, body, encoding, request);
    }
    return answers.answer(w, request);
  }

  @Delete
  public MethodOutcome delete(@IdParam IdType id, @ConditionalUrlParam String conditional, RequestDetails request) {
    Written w;
    if (conditional != null && (id == null || !id.hasIdPart())) {
      w = store.conditionalDelete(name(), conditional, request);
    } else {
      Long ifMatch = id.hasVersionIdPart() ? versionNumber(id.getVersionIdPart()) : null;
      w = store.delete(name(), id.getIdPart(), ifMatch, request);
    }
    return answers.answer(w, request);
  }

  @History
  public IBundleProvider instanceHistory(@IdParam IdType id, RequestDetails request) {
    return history(id.getIdPart(), request);
  }

  @History
  public IBundleProvider typeHistory(RequestDetails request) {
    return history(null, request);
  }

  private IBundleProvider history(String id, RequestDetails request) {
    Map<String, String[]> p = request.getParameters();
    int offset = intParam(p, "_offset", 0);
    int count = Math.min(intParam(p, "_count", answers.defaultPageSize()), answers.maxPageSize());
    Long since = null;
    if (p.containsKey("_since")) {
      try {
        since = new org.hl7.fhir.r4.model.InstantType(p.get("_since")[0]).getValue().getTime();
      } catch (RuntimeException e) {
        throw StoreErrors.invalid("_since must be an instant such as 2025-03-04T10:00:00Z, not '" + p.get("_since")[0] + "'.");
      }
    }
    for (String name : p.keySet()) {
      if (!List.of("_offset", "_count", "_since", "_format", "_pretty", "_summary", "_elements").contains(name)) {
        throw StoreErrors.invalid("The history parameter " + name + " is not supported; _since, _count and _offset are.");
      }
    }
    ResourceStore.HistoryPage page = store.history(name(), id, since, offset, count, request);
    SimpleBundleProvider provider = new SimpleBundleProvider(new ArrayList<>(page.versions()));
    provider.setCurrentPageOffset(offset);
    provider.setCurrentPageSize(count);
    provider.setSize(page.total());
    return provider;
  }

  @Search(allowUnknownParams = true)
  public IBundleProvider search(RequestDetails request) {
    // compact JSON of whole resources: StoredJsonAnswers writes the stored JSON of the stand-ins the search returns
    ResourceStore.SearchPage page = store.search(name(), request.getParameters(), request, StoredJsonAnswers.applies(request));
    List<IBaseResource> all = new ArrayList<>(page.matches());
    for (IBaseResource included : page.included()) {
      if (included instanceof org.hl7.fhir.instance.model.api.IAnyResource any) {
        ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(any, ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum.INCLUDE);
      }
      all.add(included);
    }
    for (IBaseResource match : page.matches()) {
      if (match instanceof org.hl7.fhir.instance.model.api.IAnyResource any) {
        ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(any, ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum.MATCH);
      }
    }
    SimpleBundleProvider provider = new SimpleBundleProvider(all);
    provider.setCurrentPageOffset(page.offset());
    provider.setCurrentPageSize(Math.max(1, page.count()));
    provider.setSize(page.total());
    return provider;
  }

  static long versionNumber(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw StoreErrors.invalid("'" + version + "' is not a version of this server: versions are whole numbers.");
    }
  }

  private static int intParam(Map<String, String[]> p, String name, int fallback) {
    String[] v = p.get(name);
    if (v == null || v.length == 0) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v[0]);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw StoreErrors.invalid(name + " must be a whole number of zero or more, not '" + v[0] + "'.");
    }
  }
}
