package org.psychcode.fhir.reports;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * The dates of service a report covers, both ends included; an end left open (null) is unbounded. Lines are placed in
 * a period by their date of service as the rules read it ({@code servicedDate}, {@code servicedPeriod.start}, else the
 * encounter's start date).
 */
public record Period(LocalDate start, LocalDate end) {

  public static final Period ALL = new Period(null, null);

  public boolean bounded() {
    return start != null || end != null;
  }

  /** The calendar months from the start's to the end's (both must be known). */
  public List<YearMonth> months() {
    List<YearMonth> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(start); !m.isAfter(YearMonth.from(end)); m = m.plusMonths(1)) {
      months.add(m);
    }
    return months;
  }

  /** "from 2025-01-01 to 2025-12-31", "up to 2025-12-31", "in all the stored claims". */
  public String words() {
    if (start != null && end != null) {
      return "from " + start + " to " + end;
    }
    if (start != null) {
      return "since " + start;
    }
    return end != null ? "up to " + end : "in all the stored claims";
  }
}
