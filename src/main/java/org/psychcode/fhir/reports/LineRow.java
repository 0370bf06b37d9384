package org.psychcode.fhir.reports;

import java.time.LocalDate;

/**
 * One line of a counted Claim as the reports keep it ({@code report_claim_line}): every fact as the billing rules
 * read it, so that a report counts what the rules judged.
 *
 * @param minutes whole minutes of the session (the line's own servicedPeriod, else its encounter's time), null when
 *     none is recorded
 * @param telehealth true for a telehealth place of service (02, 10), else for a virtual encounter; null when neither
 *     the place nor the encounter class says
 * @param addOnWithoutEm an E/M psychotherapy add-on (90833, 90836, 90838) with no E/M on the same claim and date
 */
record LineRow(
    String claimId,
    int lineNo,
    String practitionerId,
    String taxonomy,
    String patientId,
    String encounterId,
    LocalDate serviceDate,
    String codeSystem,
    String code,
    int units,
    String sessionType,
    Integer minutes,
    boolean timed,
    Boolean telehealth,
    String place,
    String diagnosisCategory,
    boolean addOnWithoutEm) {

  /** The month of service as {@code yyyymm}, the key the reports group months by. */
  Integer serviceMonth() {
    return serviceDate == null ? null : serviceDate.getYear() * 100 + serviceDate.getMonthValue();
  }
}
