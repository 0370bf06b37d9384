package org.psychcode.fhir.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.store.*}: what the store holds and how it checks what it is given.
 *
 * @param validation {@code enforce} (a created or updated Encounter or Claim with an error finding is refused
 *     with 422), {@code warn} (the findings come back, the resource is stored) or {@code off}
 * @param defaultPageSize the entries of a search page when {@code _count} is not given
 * @param maxPageSize the most entries of a search page ({@code _count} above it is lowered to it)
 * @param types the stored resource types, each with the search parameters indexed for it (besides {@code _id}
 *     and {@code _lastUpdated}, which every type has) and whether its resources may change once stored
 * @param commitGatherMicros on an H2 file, how long (microseconds) the commit that writes the next checkpoint waits for
 *     the other open write transactions to commit, so that one checkpoint carries them all; 0 (the default): it does
 *     not wait
 */
@ConfigurationProperties("psychcode.store")
public record StoreProperties(
    String validation, Integer defaultPageSize, Integer maxPageSize, Map<String, TypeProperties> types, Long commitGatherMicros) {

  public StoreProperties {
    validation = validation == null || validation.isBlank() ? "enforce" : validation.trim().toLowerCase(Locale.ROOT);
    if (!List.of("enforce", "warn", "off").contains(validation)) {
      throw new IllegalArgumentException("psychcode.store.validation must be enforce, warn or off, not " + validation);
    }
    defaultPageSize = defaultPageSize == null || defaultPageSize <= 0 ? 20 : defaultPageSize;
    maxPageSize = maxPageSize == null || maxPageSize <= 0 ? 1000 : maxPageSize;
    types = types == null ? Map.of() : new LinkedHashMap<>(types);
    commitGatherMicros = commitGatherMicros == null ? 0L : commitGatherMicros;
    if (commitGatherMicros < 0 || commitGatherMicros > 1_000_000) {
      throw new IllegalArgumentException("psychcode.store.commit-gather-micros must be between 0 and 1000000, not " + commitGatherMicros);
    }
  }

  /**
   * @param search the names of the search parameters to index: HAPI's R4 definitions, or a SearchParameter
   *     published in {@code fhir-resources/}
   * @param immutable true when a stored resource of this type may not be updated or deleted (an audit trail)
   */
  public record TypeProperties(List<String> search, Boolean immutable) {
    public TypeProperties {
      search = search == null ? List.of() : List.copyOf(search);
      immutable = immutable != null && immutable;
    }
  }

  /** The validation mode. */
  public enum Validation {
    ENFORCE,
    WARN,
    OFF
  }

  public Validation validationMode() {
    return Validation.valueOf(validation.toUpperCase(Locale.ROOT));
  }
}
