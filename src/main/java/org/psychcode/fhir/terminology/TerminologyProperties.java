package org.psychcode.fhir.terminology;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code psychcode.terminology.*}: where the published terminology is read from. */
@ConfigurationProperties("psychcode.terminology")
public record TerminologyProperties(String location) {

  public TerminologyProperties {
    if (location == null || location.isBlank()) {
      location = "classpath:/terminology/";
    }
    if (!location.endsWith("/")) {
      location = location + "/";
    }
  }
}
