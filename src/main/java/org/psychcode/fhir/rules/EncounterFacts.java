package org.psychcode.fhir.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One Encounter as the billing rules read it (DESIGN, "How a request is read"): its time, session type,
 * modality, subject and date, with the FHIRPath of the Encounter in the posted resource.
 *
 * @param path FHIRPath of the Encounter, e.g. {@code Bundle.entry[4].resource}
 * @param lengthMinutes {@code Encounter.length} in minutes
 * @param periodMinutes {@code period.end - period.start} in minutes, when both carry a time
 * @param sessionType the session-type code from {@code type}/{@code serviceType}, or {@code group} for a
 *     Group subject
 * @param sessionTypeStated true when a session-type coding says it (not inferred from the subject)
 * @param groupMembers the members of a Group subject resolved in the request; empty when not a resolved Group
 */
public record EncounterFacts(
    String path,
    OptionalDouble lengthMinutes,
    OptionalDouble periodMinutes,
    Modality modality,
    String classCode,
    Optional<String> sessionType,
    boolean sessionTypeStated,
    Party subject,
    boolean groupSubject,
    Optional<List<Party>> groupMembers,
    LocalDate startDate,
    LocalDate endDate) {

  /** The session's minutes: {@code length} when present, else the closed period. */
  public OptionalDouble minutes() {
    return lengthMinutes.isPresent() ? lengthMinutes : periodMinutes;
  }

  public String lengthPath() {
    return path + ".length";
  }

  public String periodPath() {
    return path + ".period";
  }

  public String classPath() {
    return path + ".class";
  }

  public String typePath() {
    return path + ".type";
  }

  public String subjectPath() {
    return path + ".subject";
  }

  /** True when {@code date} lies within the encounter's dates (inclusive); true when either is unknown. */
  public boolean onDate(LocalDate date) {
    if (date == null || startDate == null) {
      return true;
    }
    LocalDate end = endDate == null ? startDate : endDate;
    return !date.isBefore(startDate) && !date.isAfter(end);
  }
}
