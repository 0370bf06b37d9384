package org.psychcode.fhir.export;

import java.util.List;

/**
 * One bulk export as the database keeps it ({@code export_job}).
 *
 * @param kind {@code system}, {@code patient} or {@code group}: which kick-off started it
 * @param types the exported types, in order
 * @param since {@code _since} in epoch ms: only resources changed after it; null for all
 * @param transactionTime the instant (epoch ms) the files show the store at
 * @param limitedToPatients true when the job is limited to the patients of {@code export_patient} (a Group's members, or
 *     the {@code patient} parameter); a Patient-level job without them covers every patient
 */
public record ExportJob(
    String id,
    State state,
    String kind,
    String groupId,
    List<String> types,
    Long since,
    long transactionTime,
    String requestUrl,
    long created,
    long expires,
    String owner,
    Long leaseUntil,
    String progress,
    String failure,
    boolean limitedToPatients) {

  public enum State {
    ACCEPTED,
    RUNNING,
    COMPLETE,
    FAILED;

    String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** True for a Patient- or Group-level job: only resources in the Patient compartment. */
  public boolean patientLevel() {
    return !"system".equals(kind);
  }
}
