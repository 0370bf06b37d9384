package org.psychcode.fhir.reports;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.LocalDate;
import java.time.YearMonth;
import org.hl7.fhir.r4.model.DateType;
import org.psychcode.fhir.store.StoreErrors;

/**
 * Reads a report's period from two FHIR dates: a year or a month stands for all its days ({@code start=2025} is
 * 2025-01-01, {@code end=2025} is 2025-12-31); either may be left out (unbounded). A date that is not a FHIR date, or an
 * end before the start, is a 400.
 */
public final class ReportPeriods {

  private ReportPeriods() {}

  public static Period period(String startName, String start, String endName, String end) {
    LocalDate from = start == null || start.isBlank() ? null : date(startName, start.trim(), true);
    LocalDate to = end == null || end.isBlank() ? null : date(endName, end.trim(), false);
    if (from != null && to != null && to.isBefore(from)) {
      throw invalid(endName + " (" + to + ") is before " + startName + " (" + from + "): a period ends on or after it starts.");
    }
    return new Period(from, to);
  }

  private static LocalDate date(String name, String value, boolean first) {
    DateType d;
    try {
      d = new DateType(value);
    } catch (DataFormatException | IllegalArgumentException e) {
      throw invalid(name + " '" + value + "' is not a FHIR date: write YYYY, YYYY-MM or YYYY-MM-DD.");
    }
    if (d.getValue() == null) {
      throw invalid(name + " '" + value + "' is not a FHIR date: write YYYY, YYYY-MM or YYYY-MM-DD.");
    }
    int year = d.getYear();
    if (d.getPrecision() == TemporalPrecisionEnum.YEAR) {
      return first ? LocalDate.of(year, 1, 1) : LocalDate.of(year, 12, 31);
    }
    YearMonth month = YearMonth.of(year, d.getMonth() + 1);
    if (d.getPrecision() == TemporalPrecisionEnum.MONTH) {
      return first ? month.atDay(1) : month.atEndOfMonth();
    }
    return month.atDay(d.getDay());
  }

  private static InvalidRequestException invalid(String text) {
    return StoreErrors.invalid(text);
  }
}
