package org.psychcode.fhir.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.security.*}: whether the server is an OAuth2 resource server, and which endpoint families stay open
 * to clients without a token. The token checks themselves are configured with Spring's standard keys
 * ({@code spring.security.oauth2.resourceserver.jwt.*}).
 *
 * @param enabled false (the default, for the local start): no token is asked for and a warning says so at start-up
 * @param open the endpoint families answered without a token when security is on ({@link OpenEndpoints})
 */
@ConfigurationProperties("psychcode.security")
public record SecurityProperties(Boolean enabled, List<String> open) {

  public SecurityProperties {
    enabled = enabled != null && enabled;
    open = open == null ? List.copyOf(OpenEndpoints.DEFAULT_OPEN) : open.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
    for (String family : open) {
      if (!OpenEndpoints.FAMILIES.contains(family)) {
        throw new IllegalArgumentException(
            "psychcode.security.open names '" + family + "'; the families are " + String.join(", ", OpenEndpoints.FAMILIES));
      }
    }
  }

  Set<String> openFamilies() {
    return Set.copyOf(open);
  }
}
