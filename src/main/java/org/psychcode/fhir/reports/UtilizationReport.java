package org.psychcode.fhir.reports;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupStratifierComponent;
import org.hl7.fhir.r4.model.MeasureReport.StratifierGroupComponent;
import org.psychcode.fhir.reports.ReportQueries.Cell;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.stereotype.Service;

/**
 * {@code Measure/behavioral-health-utilization} evaluated over the reporting rows: one SQL aggregate counts the lines of
 * the period by all five strata at once, and each stratifier adds those cells up. The same counts make the MeasureReport,
 * the CSV and the charts of the reports page.
 */
@Service
public class UtilizationReport {

  public static final String MEASURE = "http://psychcode.org/fhir/Measure/behavioral-health-utilization";
  static final String POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population";

  /** One stratum: its key (the code, session type, category, place or month), how it reads, and its lines. */
  public record Stratum(String key, String display, Coding coding, int lines) {}

  /** One stratifier and its strata, in the order they are shown. */
  public record Stratifier(String code, String title, List<Stratum> strata) {}

  /** The report: the lines in all, and the five stratifiers. */
  public record Report(Period period, int lines, List<Stratifier> stratifiers) {}

  private final ReportQueries queries;
  private final CodeBook book;
  private final Map<String, String> sessionTypes = new LinkedHashMap<>();
  private final Map<String, String> diagnoses = new LinkedHashMap<>();

  UtilizationReport(ReportQueries queries, CodeBook book, TerminologyRegistry registry) {
    this.queries = queries;
    this.book = book;
    registry.codeSystem(Systems.SESSION_TYPE).ifPresent(cs -> cs.concepts().forEach(c -> sessionTypes.put(c.code(), c.display())));
    registry.codeSystem(Systems.ICD_10_CM).ifPresent(cs -> cs.concepts().forEach(c -> diagnoses.put(c.code(), c.display())));
  }

  /** The calendar year of the latest date of service stored (this year when nothing is stored): what the pages show first. */
  public Period latestYear() {
    int year = queries.latestServiceDate().map(java.time.LocalDate::getYear).orElse(java.time.LocalDate.now().getYear());
    return new Period(java.time.LocalDate.of(year, 1, 1), java.time.LocalDate.of(year, 12, 31));
  }

  public Report report(Period period) {
    List<Cell> cells = queries.utilization(period);
    int total = cells.stream().mapToInt(Cell::lines).sum();
    List<Stratifier> stratifiers = new ArrayList<>();
    stratifiers.add(stratify("billed-code", "Billed code", cells, c -> c.code() == null ? null : c.code(), this::code, byCount()));
    stratifiers.add(stratify("session-type", "Session type", cells, Cell::sessionType, this::sessionType, byCount()));
    stratifiers.add(stratify("diagnosis-category", "Diagnosis category", cells, Cell::diagnosisCategory, this::diagnosis, byCount()));
    stratifiers.add(
        stratify("telehealth", "Place", cells, c -> c.telehealth() == null ? null : c.telehealth() ? "telehealth" : "in-person", this::place, byCount()));
    stratifiers.add(
        stratify(
            "month", "Month", cells, c -> c.month() == null ? null : month(c.month()).toString(), k -> new Stratum(k, k, null, 0),
            Comparator.comparing(Stratum::key)));
    return new Report(period, total, stratifiers);
  }

  private static Comparator<Stratum> byCount() {
    return Comparator.comparingInt(Stratum::lines).reversed().thenComparing(Stratum::key);
  }

  private static Stratifier stratify(
      String code, String title, List<Cell> cells, Function<Cell, String> key, Function<String, Stratum> describe, Comparator<Stratum> order) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Cell c : cells) {
      String k = key.apply(c);
      counts.merge(k == null ? unknown(code) : k, c.lines(), Integer::sum);
    }
    List<Stratum> strata = new ArrayList<>();
    counts.forEach((k, n) -> {
      Stratum s = k.equals(unknown(code)) ? new Stratum(k, k.equals("none") ? "No diagnosis in ICD-10-CM" : "Not stated", null, n) : describe.apply(k);
      strata.add(new Stratum(s.key(), s.display(), s.coding(), n));
    });
    strata.sort(order);
    return new Stratifier(code, title, strata);
  }

  /** The stratum of lines that do not say: none for a diagnosis, unknown otherwise. */
  private static String unknown(String stratifier) {
    return stratifier.equals("diagnosis-category") ? "none" : "unknown";
  }

  private Stratum code(String code) {
    BillingCode bc = book.procedure(code).orElse(null);
    String display = bc == null ? code : bc.display();
    return new Stratum(code, display, new Coding(bc == null ? null : bc.system(), code, bc == null ? null : bc.display()), 0);
  }

  private Stratum sessionType(String type) {
    String display = sessionTypes.getOrDefault(type, type);
    return new Stratum(type, display, new Coding(Systems.SESSION_TYPE, type, sessionTypes.get(type)), 0);
  }

  private Stratum diagnosis(String category) {
    String display = diagnoses.get(category);
    return new Stratum(category, display == null ? category : display, new Coding(Systems.ICD_10_CM, category, display), 0);
  }

  private Stratum place(String place) {
    return new Stratum(place, place.equals("telehealth") ? "Telehealth (place 02 or 10, or a virtual encounter)" : "In person", null, 0);
  }

  private static YearMonth month(int yyyymm) {
    return YearMonth.of(yyyymm / 100, yyyymm % 100);
  }

  /** The report as the summary MeasureReport {@code $evaluate-measure} answers. */
  public MeasureReport measureReport(Report report) {
    MeasureReport mr = new MeasureReport();
    mr.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
    mr.setType(MeasureReport.MeasureReportType.SUMMARY);
    mr.setMeasure(MEASURE);
    mr.setDate(new Date());
    mr.getPeriod().setStartElement(new DateTimeType(report.period().start().toString()));
    mr.getPeriod().setEndElement(new DateTimeType(report.period().end().toString()));
    MeasureReportGroupComponent group = mr.addGroup();
    group.addPopulation().setCode(population()).setCount(report.lines());
    for (Stratifier s : report.stratifiers()) {
      MeasureReportGroupStratifierComponent stratifier = group.addStratifier();
      stratifier.addCode().setText(s.code());
      for (Stratum st : s.strata()) {
        StratifierGroupComponent stratum = stratifier.addStratum();
        CodeableConcept value = new CodeableConcept().setText(st.key());
        if (st.coding() != null && st.coding().hasSystem()) {
          value.addCoding(st.coding());
        }
        stratum.setValue(value);
        stratum.addPopulation().setCode(population()).setCount(st.lines());
      }
    }
    return mr;
  }

  private static CodeableConcept population() {
    return new CodeableConcept().addCoding(new Coding(POPULATION, "initial-population", "Initial Population"));
  }

  /** The report as CSV: a header, the total, then one row per stratum. */
  public String csv(Report report) {
    StringBuilder out = new StringBuilder("stratifier,stratum,display,count\r\n");
    out.append("initial-population,,Claim lines ").append(csvField(report.period().words())).append(',').append(report.lines()).append("\r\n");
    for (Stratifier s : report.stratifiers()) {
      for (Stratum st : s.strata()) {
        out.append(s.code()).append(',').append(csvField(st.key())).append(',').append(csvField(st.display())).append(',').append(st.lines()).append("\r\n");
      }
    }
    return out.toString();
  }

  /** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
  static String csvField(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
