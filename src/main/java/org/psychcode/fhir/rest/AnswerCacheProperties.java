package org.psychcode.fhir.rest;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.answer-cache.*}: the cache of encoded terminology answers.
 *
 * @param enabled serve repeated terminology requests from answers already encoded
 * @param maxMegabytes the most memory the stored answers may take
 */
@ConfigurationProperties("psychcode.answer-cache")
public record AnswerCacheProperties(Boolean enabled, Integer maxMegabytes) {

  public AnswerCacheProperties {
    if (enabled == null) {
      enabled = true;
    }
    if (maxMegabytes == null || maxMegabytes < 1) {
      maxMegabytes = 32;
    }
  }
}
