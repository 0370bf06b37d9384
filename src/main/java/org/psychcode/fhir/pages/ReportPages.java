package org.psychcode.fhir.pages;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.psychcode.fhir.pages.SvgCharts.Bar;
import org.psychcode.fhir.pages.SvgCharts.Pair;
import org.psychcode.fhir.reports.CodingProfiles;
import org.psychcode.fhir.reports.CodingProfiles.CodeShare;
import org.psychcode.fhir.reports.CodingProfiles.Histogram;
import org.psychcode.fhir.reports.CodingProfiles.Profile;
import org.psychcode.fhir.reports.CodingProfiles.Signal;
import org.psychcode.fhir.reports.Period;
import org.psychcode.fhir.reports.ReportPeriods;
import org.psychcode.fhir.reports.UtilizationReport;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The pages of coding habits and utilization, beside the code pages: {@code /audit} lists the practitioners with their
 * signals, {@code /audit/practitioners/<id>} shows one practitioner's code mix against their peers, their session times
 * per code with the code boundaries drawn and their findings over time, and {@code /reports} shows the utilization
 * report as charts with its CSV. The numbers are those of {@code $coding-profile} and {@code $evaluate-measure}; the
 * charts are SVG drawn here ({@link SvgCharts}), each followed by a table of its numbers. The period shown first is the
 * calendar year of the latest date of service stored.
 */
@Controller
class ReportPages {

  private final CodingProfiles profiles;
  private final UtilizationReport utilization;
  private final CodeBook book;

  ReportPages(CodingProfiles profiles, UtilizationReport utilization, CodeBook book) {
    this.profiles = profiles;
    this.utilization = utilization;
    this.book = book;
  }

  /** A signal as a page shows it: the words of its severity, and a class for its mark. */
  record SignalView(String severityWords, String severity, String title, String text) {
    static SignalView of(Signal s) {
      String words = switch (s.severity()) {
        case "error" -> "Error";
        case "warning" -> "Warning";
        default -> "Note";
      };
      return new SignalView(words, s.severity(), s.title(), s.text());
    }
  }

  record Row(Profile profile, List<SignalView> signals) {}

  record Chart(String heading, String svg, List<String> columns, List<List<String>> rows) {}

  @GetMapping("/audit")
  String audit(@RequestParam(required = false) String start, @RequestParam(required = false) String end, Model model, HttpServletResponse response) {
    Period period = period(start, end, model, response);
    if (period == null) {
      model.addAttribute("rows", List.of());
      return "audit";
    }
    List<Row> rows = new ArrayList<>();
    for (Profile p : profiles.all(period)) {
      rows.add(new Row(p, p.signals().stream().map(SignalView::of).toList()));
    }
    rows.sort(Comparator.comparingInt((Row r) -> rank(r.profile().signals())).thenComparing(r -> -r.profile().signals().size()));
    model.addAttribute("rows", rows);
    model.addAttribute("flagged", rows.stream().filter(r -> !r.signals().isEmpty()).count());
    return "audit";
  }

  /** Practitioners with an error signal first, then those with a warning, then the others. */
  private static int rank(List<Signal> signals) {
    return signals.stream().mapToInt(s -> switch (s.severity()) {
      case "error" -> 0;
      case "warning" -> 1;
      default -> 2;
    }).min().orElse(3);
  }

  @GetMapping("/audit/practitioners/{id}")
  String practitioner(
      @PathVariable String id,
      @RequestParam(required = false) String start,
      @RequestParam(required = false) String end,
      Model model,
      HttpServletResponse response) {
    Period period = period(start, end, model, response);
    Optional<Profile> found = period == null ? Optional.empty() : profiles.profile(id, period);
    if (found.isEmpty()) {
      if (period != null) {
        response.setStatus(HttpStatus.NOT_FOUND.value());
        model.addAttribute("problem", "No practitioner " + id + " is stored, and no stored claim is billed by one.");
      }
      model.addAttribute("id", id);
      return "audit-practitioner";
    }
    Profile p = found.get();
    model.addAttribute("id", id);
    model.addAttribute("profile", p);
    model.addAttribute("signals", p.signals().stream().map(SignalView::of).toList());
    model.addAttribute("mix", codeMix(p));
    model.addAttribute("histograms", p.histograms().stream().map(this::histogram).toList());
    model.addAttribute("findings", findings(id, period));
    return "audit-practitioner";
  }

  @GetMapping("/reports")
  String reports(@RequestParam(required = false) String start, @RequestParam(required = false) String end, Model model, HttpServletResponse response) {
    Period period = period(start, end, model, response);
    if (period == null) {
      model.addAttribute("charts", List.of());
      return "reports";
    }
    UtilizationReport.Report report = utilization.report(period);
    List<Chart> charts = new ArrayList<>();
    for (UtilizationReport.Stratifier s : report.stratifiers()) {
      List<Bar> bars = s.strata().stream().map(st -> new Bar(label(st), st.lines(), st.lines() + " (" + percent(st.lines(), report.lines()) + ")")).toList();
      String title = "Claim lines by " + s.title().toLowerCase(java.util.Locale.ROOT);
      String description = s.strata().isEmpty() ? "No claim line in the period." : describe(s);
      String svg = s.code().equals("month") ? SvgCharts.columns(title, description, bars.stream().map(b -> new Bar(b.label(), b.value(), fmt(b.value()))).toList()) : SvgCharts.bars(title, description, bars);
      List<List<String>> rows = s.strata().stream().map(st -> List.of(st.key(), st.display(), Integer.toString(st.lines()), percent(st.lines(), report.lines()))).toList();
      charts.add(new Chart(s.title(), svg, List.of(s.title(), "Meaning", "Lines", "Share"), rows));
    }
    model.addAttribute("report", report);
    model.addAttribute("charts", charts);
    model.addAttribute("csv", "/reports/utilization.csv?start=" + period.start() + "&end=" + period.end());
    model.addAttribute("api", "/fhir/Measure/behavioral-health-utilization/$evaluate-measure?periodStart=" + period.start() + "&periodEnd=" + period.end());
    return "reports";
  }

  @GetMapping("/reports/utilization.csv")
  ResponseEntity<String> csv(@RequestParam(required = false) String start, @RequestParam(required = false) String end) {
    Period period;
    try {
      period = start == null && end == null ? utilization.latestYear() : ReportPeriods.period("start", start, "end", end);
    } catch (InvalidRequestException e) {
      return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(e.getMessage());
    }
    if (period.start() == null || period.end() == null) {
      return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body("Give both start and end.");
    }
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
        .header("Content-Disposition", "attachment; filename=\"behavioral-health-utilization-" + period.start() + "-" + period.end() + ".csv\"")
        .body(utilization.csv(utilization.report(period)));
  }

  // ---- pieces -----------------------------------------------------------------------------------------------

  /** The period asked for, the latest year when none; null (and a 400 with the reason on the page) when unreadable. */
  private Period period(String start, String end, Model model, HttpServletResponse response) {
    Period period;
    try {
      boolean none = (start == null || start.isBlank()) && (end == null || end.isBlank());
      period = none ? utilization.latestYear() : ReportPeriods.period("start", start, "end", end);
    } catch (InvalidRequestException e) {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      model.addAttribute("problem", e.getMessage());
      model.addAttribute("start", start);
      model.addAttribute("end", end);
      return null;
    }
    model.addAttribute("period", period);
    model.addAttribute("start", period.start() == null ? "" : period.start().toString());
    model.addAttribute("end", period.end() == null ? "" : period.end().toString());
    return period;
  }

  private Chart codeMix(Profile p) {
    List<Pair> pairs = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (CodeShare c : p.codes()) {
      if (c.code() == null) {
        continue;
      }
      Double peer = c.peerShare() == null ? null : c.peerShare().doubleValue();
      pairs.add(new Pair(c.code() + " " + shortDisplay(c.display()), c.share().doubleValue(), pct(c.share()), peer, peer == null ? null : pct(c.peerShare())));
      rows.add(
          List.of(
              c.code(), c.display() == null ? "" : c.display(), Integer.toString(c.lines()), pct(c.share()), c.peerShare() == null ? "none" : pct(c.peerShare()),
              c.peerPercentile() == null ? "none" : c.peerPercentile().stripTrailingZeros().toPlainString()));
    }
    String peers = p.peers().taxonomy() == null ? p.peers().size() + " practitioners" : p.peers().size() + " practitioners of " + p.peers().taxonomy();
    String svg =
        SvgCharts.pairs(
            "Share of each code, " + (p.name() == null ? p.practitionerId() : p.name()) + " against peers",
            "For each code billed: the solid bar is this practitioner's share, the hatched bar the share among " + peers + ".",
            "This practitioner",
            "Peers (" + p.peers().size() + ")",
            pairs);
    return new Chart("Code mix against peers", svg, List.of("Code", "What it is", "Lines", "Share", "Peers' share", "Peer percentile"), rows);
  }

  private Chart histogram(Histogram h) {
    Map<Integer, String> boundaries = new LinkedHashMap<>();
    BillingCode code = book.procedure(h.code()).orElse(null);
    if (code != null) {
      for (BillingCode member : book.family(code)) {
        member.minimumMinutes().ifPresent(m -> boundaries.merge(m, m + " min: " + member.code(), (a, b) -> a + ", " + b.substring(b.indexOf(':') + 2)));
      }
    }
    TreeMap<Integer, Integer> minutes = h.byMinute();
    int low = boundaries.keySet().stream().mapToInt(Integer::intValue).min().orElse(0);
    int high = boundaries.keySet().stream().mapToInt(Integer::intValue).max().orElse(60);
    int from = Math.max(0, Math.min(minutes.isEmpty() ? low : minutes.firstKey(), low) - 5);
    int to = Math.min(240, Math.max(minutes.isEmpty() ? high : minutes.lastKey(), high) + 5);
    long timed = minutes.values().stream().mapToLong(Integer::longValue).sum();
    String title = h.code() + " sessions by length";
    String description =
        timed + " sessions billed " + h.code() + " with a recorded time, counted by whole minutes from " + from + " to " + to
            + (h.untimed() > 0 ? "; " + h.untimed() + " more without a recorded time" : "") + ". Dashed lines mark where each code of the family starts: "
            + String.join("; ", boundaries.values()) + ".";
    List<List<String>> rows = new ArrayList<>();
    minutes.forEach((m, n) -> rows.add(List.of(Integer.toString(m), Integer.toString(n))));
    if (h.untimed() > 0) {
      rows.add(List.of("no time recorded", Integer.toString(h.untimed())));
    }
    return new Chart(h.code() + " — " + h.display(), SvgCharts.histogram(title, description, minutes, from, to, boundaries), List.of("Minutes", "Sessions"), rows);
  }

  private List<Chart> findings(String id, Period period) {
    CodingProfiles.FindingsOverTime over = profiles.findingsOverTime(id, period);
    List<Chart> charts = new ArrayList<>();
    for (Map.Entry<String, Map<YearMonth, Integer>> e : over.byRule().entrySet()) {
      List<Bar> bars = over.months().stream().map(m -> new Bar(m.toString().substring(2), e.getValue().getOrDefault(m, 0), Integer.toString(e.getValue().getOrDefault(m, 0)))).toList();
      List<List<String>> rows = over.months().stream().map(m -> List.of(m.toString(), Integer.toString(e.getValue().getOrDefault(m, 0)))).toList();
      String svg =
          SvgCharts.columns(
              e.getKey() + ": claims with the finding, by month",
              "Claims on which the billing rule " + e.getKey() + " found something, counted in each month they have a line: "
                  + String.join(", ", rows.stream().map(r -> r.get(0) + " " + r.get(1)).toList()) + ".",
              bars);
      charts.add(new Chart(e.getKey(), svg, List.of("Month", "Claims"), rows));
    }
    return charts;
  }

  private static String describe(UtilizationReport.Stratifier s) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(8, s.strata().size()); i++) {
      parts.add(s.strata().get(i).key() + " " + s.strata().get(i).lines());
    }
    return "Claim lines per " + s.title().toLowerCase(java.util.Locale.ROOT) + ": " + String.join(", ", parts) + (s.strata().size() > 8 ? " and " + (s.strata().size() - 8) + " more (see the table)" : "") + ".";
  }

  private static String label(UtilizationReport.Stratum st) {
    return st.key().equals(st.display()) ? st.key() : st.key() + " " + shortDisplay(st.display());
  }

  private static String shortDisplay(String display) {
    if (display == null) {
      return "";
    }
    return display.length() > 24 ? display.substring(0, 23) + "\u2026" : display;
  }

  private static String pct(BigDecimal share) {
    return share.multiply(BigDecimal.valueOf(100)).setScale(1, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "0%" : pct(BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, java.math.RoundingMode.HALF_UP));
  }

  private static String fmt(double v) {
    return Long.toString(Math.round(v));
  }
}
