package org.psychcode.fhir.export;

/**
 * One file of a job ({@code export_file}): the resources of one type whose key is from {@code firstPk} to
 * {@code lastPk}, or for an error file the NDJSON it holds.
 *
 * @param kind {@code output}, {@code deleted} or {@code error}
 */
public record ExportFile(String jobId, int number, String kind, String type, Long firstPk, Long lastPk, long resources, String content) {

  public static final String OUTPUT = "output";
  public static final String DELETED = "deleted";
  public static final String ERROR = "error";
}
