package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import org.psychcode.fhir.store.ResourceStore;
import org.springframework.stereotype.Component;

/** One {@link StoredResourceProvider} per stored type, for the FHIR servlet to register. */
@Component
public class StoredResourceProviders {

  private final List<IResourceProvider> providers;

  StoredResourceProviders(ResourceStore store, WriteAnswers answers) {
    this.providers =
        store.types().all().stream()
            .map(t -> (IResourceProvider) new StoredResourceProvider(t.resourceClass(), store, answers))
            .toList();
  }

  public List<IResourceProvider> all() {
    return providers;
  }
}
