package org.psychcode.fhir.export;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code psychcode.export.*}: bulk export.
 *
 * @param maxFileResources the most resources in one NDJSON file; a type with more is cut into several files
 * @param retentionHours how long a finished job and its files stay available (the manifest's {@code Expires})
 * @param leaseSeconds how long a server's claim on a job it works on holds without being renewed; when a server stops
 *     mid-job, another takes the job over once the claim has lapsed
 * @param retryAfterSeconds the {@code Retry-After} a status request is answered with while the job runs
 * @param requiresAccessToken the manifest's {@code requiresAccessToken}: whether a file download must carry the token
 *     of the kick-off; it follows {@code psychcode.security.enabled} unless set
 */
@ConfigurationProperties("psychcode.export")
public record ExportProperties(
    Integer maxFileResources, Integer retentionHours, Integer leaseSeconds, Integer retryAfterSeconds, Boolean requiresAccessToken) {

  public ExportProperties {
    maxFileResources = maxFileResources == null || maxFileResources <= 0 ? 100_000 : maxFileResources;
    retentionHours = retentionHours == null || retentionHours <= 0 ? 24 : retentionHours;
    leaseSeconds = leaseSeconds == null || leaseSeconds <= 0 ? 30 : leaseSeconds;
    retryAfterSeconds = retryAfterSeconds == null || retryAfterSeconds <= 0 ? 2 : retryAfterSeconds;
  }
}
