package org.psychcode.fhir.rest;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.http.*}: limits on what a client may send.
 *
 * @param maxRequestBytes the largest request body accepted (413 above it); 10 MB holds a Bundle of several
 *     thousand visit resources
 */
@ConfigurationProperties("psychcode.http")
public record RequestLimitProperties(Long maxRequestBytes) {

  public RequestLimitProperties {
    maxRequestBytes = maxRequestBytes == null || maxRequestBytes <= 0 ? 10L * 1024 * 1024 : maxRequestBytes;
  }
}
