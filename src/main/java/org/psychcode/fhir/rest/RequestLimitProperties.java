package org.psychcode.fhir.rest;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.http.*}: limits on what a client may send.
 *
 * @param maxRequestBytes the largest request body accepted (413 above it); 10 MB holds a Bundle of several
 *     thousand visit resources
 * @param maxBytesInFlight the most bytes of bodies of 64 KB or more served at once; such a body that would exceed it
 *     waits (0 or absent: a 384th of the heap's maximum, about 520 KB for a 200 MB heap: one 1,000-entry Bundle)
 */
@ConfigurationProperties("psychcode.http")
public record RequestLimitProperties(Long maxRequestBytes, Long maxBytesInFlight) {

  public RequestLimitProperties {
    maxRequestBytes = maxRequestBytes == null || maxRequestBytes <= 0 ? 10L * 1024 * 1024 : maxRequestBytes;
    if (maxBytesInFlight == null || maxBytesInFlight <= 0) {
      maxBytesInFlight = Math.max(256L * 1024, Runtime.getRuntime().maxMemory() / 384);
    }
  }
}
