package org.psychcode.fhir.reports;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.psychcode.fhir.reports.ReportQueries.CodeCount;
import org.psychcode.fhir.reports.ReportQueries.FindingCount;
import org.psychcode.fhir.reports.ReportQueries.MinuteCount;
import org.psychcode.fhir.reports.ReportQueries.MonthCount;
import org.psychcode.fhir.reports.ReportQueries.PractitionerRow;
import org.psychcode.fhir.reports.SignalDefinitions.Definition;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.BillingRuleEngine;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.RuleDefinition;
import org.psychcode.fhir.rules.Severity;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.stereotype.Service;

/**
 * A practitioner's coding habits over a period (DESIGN, "Coding habits, reporting and export"), computed from the
 * reporting rows: the code mix against peers, the rate of each billing rule's findings, and the signals of the
 * coding-signal CodeSystem. How each number is counted:
 *
 * <ul>
 *   <li>A practitioner's lines are the lines of counted claims (current version, not deleted, not cancelled or entered
 *       in error, {@code use} claim) that they billed (the line's care team member, else {@code Claim.provider}, being
 *       the Practitioner or a PractitionerRole of theirs) with a date of service in the period; {@code claims} counts the
 *       claims with at least one such line.
 *   <li>A code's share is its lines over the lines of its family when it is individual psychotherapy (90832, 90834,
 *       90837; the E/M add-ons 90833, 90836, 90838 form their own family), else over all the practitioner's lines.
 *   <li>Peers are the other practitioners with lines in the period whose Practitioner has the same NUCC taxonomy (its
 *       first {@code qualification} in NUCC); all other practitioners with lines in the period when fewer than
 *       {@value #PEER_GROUP_MINIMUM} share it or the practitioner states none. {@code peerShare} is the code's lines over
 *       the family's (or all) lines of all peers together; {@code peerPercentile} the percentage of peers (with lines of
 *       the family) whose share is below the practitioner's, counting those equal to it half.
 *   <li>A rule's {@code count} is the number of the practitioner's claims on which it raised at least one finding, its
 *       {@code rate} that over {@code claims}.
 * </ul>
 *
 * Shares and rates are rounded to 4 decimals and percentiles to 1, half up; comparisons use the exact counts.
 */
@Service
public class CodingProfiles {

  /** Fewer peers of the same taxonomy than this, and the practitioner is compared with all (DESIGN). */
  static final int PEER_GROUP_MINIMUM = 5;

  public record CodeShare(String system, String code, String display, int lines, BigDecimal share, BigDecimal peerShare, BigDecimal peerPercentile) {}

  public record FindingRate(String rule, String display, String severity, int claims, BigDecimal rate) {}

  public record Signal(String id, String severity, String title, String text) {}

  /**
   * @param taxonomy the taxonomy the peers share, null when they are all practitioners
   */
  public record Peers(String taxonomy, String taxonomyDisplay, int size) {}

  /** A timed code's sessions by whole minutes, with the minute boundaries of its family. */
  public record Histogram(String code, String display, List<Integer> boundaries, TreeMap<Integer, Integer> byMinute, int untimed) {}

  public record FindingsOverTime(List<YearMonth> months, Map<String, Map<YearMonth, Integer>> byRule) {}

  public record Profile(
      String practitionerId,
      String name,
      String taxonomy,
      String taxonomyDisplay,
      Period period,
      int claims,
      int lines,
      Peers peers,
      List<CodeShare> codes,
      List<FindingRate> findings,
      List<Signal> signals,
      List<Histogram> histograms) {}

  private final ReportQueries queries;
  private final CodeBook book;
  private final BillingRuleEngine engine;
  private final SignalDefinitions signals;
  private final Map<String, List<String>> families = new ConcurrentHashMap<>();

  CodingProfiles(ReportQueries queries, CodeBook book, BillingRuleEngine engine, TerminologyRegistry registry) {
    this.queries = queries;
    this.book = book;
    this.engine = engine;
    this.signals = SignalDefinitions.from(registry);
  }

  /** What one practitioner's reporting rows say, gathered once. */
  private static final class Facts {
    final Map<String, String> systems = new HashMap<>();
    final Map<String, Integer> codes = new HashMap<>();
    final Map<String, TreeMap<Integer, Integer>> minutes = new HashMap<>();
    final Map<String, Integer> untimed = new HashMap<>();
    final Map<Integer, Map<String, Integer>> months = new TreeMap<>();
    final Map<String, Integer> addOnsWithoutEm = new TreeMap<>();
    final List<FindingCount> findings = new ArrayList<>();
    int claims;
    int lines;
  }

  /** The profile of one practitioner (empty when the store has no such Practitioner and no line of theirs). */
  public Optional<Profile> profile(String practitionerId, Period period) {
    Optional<PractitionerRow> row = queries.practitioner(practitionerId);
    Map<String, Facts> self = facts(period, practitionerId);
    if (row.isEmpty() && self.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Map<String, Integer>> mixes = new HashMap<>();
    Map<String, String> taxonomies = new HashMap<>();
    for (CodeCount c : queries.codeCounts(period, null)) {
      mixes.computeIfAbsent(c.practitionerId(), k -> new HashMap<>()).merge(c.code(), c.lines(), Integer::sum);
      taxonomies.put(c.practitionerId(), c.taxonomy());
    }
    PractitionerRow who = row.orElse(new PractitionerRow(practitionerId, taxonomies.get(practitionerId), null));
    return Optional.of(build(who, period, self.getOrDefault(practitionerId, new Facts()), mixes, taxonomies));
  }

  /** The profile of every practitioner with lines in the period, by name: for the audit list. */
  public List<Profile> all(Period period) {
    Map<String, PractitionerRow> who = queries.practitionersWithLines(period);
    Map<String, Facts> facts = facts(period, null);
    Map<String, Map<String, Integer>> mixes = new HashMap<>();
    Map<String, String> taxonomies = new HashMap<>();
    facts.forEach((id, f) -> mixes.put(id, f.codes));
    who.forEach((id, r) -> taxonomies.put(id, r.taxonomy()));
    List<Profile> out = new ArrayList<>();
    who.forEach((id, r) -> out.add(build(r, period, facts.getOrDefault(id, new Facts()), mixes, taxonomies)));
    out.sort(Comparator.comparing((Profile p) -> p.name() == null ? "\uffff" + p.practitionerId() : p.name()).thenComparing(Profile::practitionerId));
    return out;
  }

  /** The claims of one practitioner with findings, per month of service and rule: for the audit page. */
  public FindingsOverTime findingsOverTime(String practitionerId, Period period) {
    Map<String, Map<YearMonth, Integer>> byRule = new TreeMap<>();
    TreeMap<YearMonth, Boolean> seen = new TreeMap<>();
    for (ReportQueries.FindingMonth f : queries.findingsByMonth(period, practitionerId)) {
      YearMonth m = YearMonth.of(f.month() / 100, f.month() % 100);
      byRule.computeIfAbsent(f.rule(), k -> new TreeMap<>()).merge(m, f.claims(), Integer::sum);
      seen.put(m, true);
    }
    List<YearMonth> months = period.start() != null && period.end() != null ? period.months() : seen.isEmpty() ? List.of() : new Period(seen.firstKey().atDay(1), seen.lastKey().atEndOfMonth()).months();
    return new FindingsOverTime(months, byRule);
  }

  private Map<String, Facts> facts(Period period, String practitionerId) {
    Map<String, Facts> all = new LinkedHashMap<>();
    queries.volumes(period, practitionerId).forEach((id, v) -> {
      Facts f = all.computeIfAbsent(id, k -> new Facts());
      f.claims = v.claims();
      f.lines = v.lines();
    });
    for (CodeCount c : queries.codeCounts(period, practitionerId)) {
      Facts f = all.computeIfAbsent(c.practitionerId(), k -> new Facts());
      f.codes.merge(c.code(), c.lines(), Integer::sum);
      f.systems.putIfAbsent(c.code(), c.system());
    }
    for (MinuteCount m : queries.minutes(period, practitionerId)) {
      Facts f = all.computeIfAbsent(m.practitionerId(), k -> new Facts());
      if (m.minutes() == null) {
        f.untimed.merge(m.code(), m.lines(), Integer::sum);
      } else {
        f.minutes.computeIfAbsent(m.code(), k -> new TreeMap<>()).merge(m.minutes(), m.lines(), Integer::sum);
      }
    }
    List<String> individual = individualCodes();
    if (!individual.isEmpty()) {
      for (MonthCount m : queries.months(period, practitionerId, individual)) {
        all.computeIfAbsent(m.practitionerId(), k -> new Facts()).months.computeIfAbsent(m.month(), k -> new HashMap<>()).merge(m.code(), m.lines(), Integer::sum);
      }
    }
    for (CodeCount c : queries.addOnsWithoutEm(period, practitionerId)) {
      all.computeIfAbsent(c.practitionerId(), k -> new Facts()).addOnsWithoutEm.merge(c.code(), c.lines(), Integer::sum);
    }
    for (FindingCount fc : queries.findings(period, practitionerId)) {
      all.computeIfAbsent(fc.practitionerId(), k -> new Facts()).findings.add(fc);
    }
    return all;
  }

  private Profile build(PractitionerRow who, Period period, Facts self, Map<String, Map<String, Integer>> mixes, Map<String, String> taxonomies) {
    String id = who.id();
    List<String> sameTaxonomy = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String other : mixes.keySet()) {
      if (!other.equals(id)) {
        others.add(other);
        if (who.taxonomy() != null && who.taxonomy().equals(taxonomies.get(other))) {
          sameTaxonomy.add(other);
        }
      }
    }
    boolean byTaxonomy = who.taxonomy() != null && sameTaxonomy.size() >= PEER_GROUP_MINIMUM;
    List<Map<String, Integer>> peerMixes = (byTaxonomy ? sameTaxonomy : others).stream().sorted().map(mixes::get).toList();
    Peers peers =
        new Peers(byTaxonomy ? who.taxonomy() : null, byTaxonomy ? book.taxonomyDisplay(who.taxonomy()).orElse(null) : null, peerMixes.size());

    List<CodeShare> codes = new ArrayList<>();
    for (Map.Entry<String, Integer> e : self.codes.entrySet()) {
      String code = e.getKey();
      Fraction own = share(code, self.codes);
      BigDecimal peerShare = null;
      BigDecimal peerPercentile = null;
      List<Fraction> peerShares = peerMixes.stream().map(m -> share(code, m)).filter(Fraction::defined).toList();
      if (!peerShares.isEmpty()) {
        long part = peerMixes.stream().mapToLong(m -> m.getOrDefault(code, 0)).sum();
        long whole = peerMixes.stream().mapToLong(m -> denominator(code, m)).sum();
        peerShare = new Fraction(part, whole).rounded();
        peerPercentile = percentileRank(own, peerShares);
      }
      codes.add(new CodeShare(self.systems.get(code), code, display(code), e.getValue(), own.rounded(), peerShare, peerPercentile));
    }
    codes.sort(Comparator.comparingInt(CodeShare::lines).reversed().thenComparing(c -> c.code() == null ? "" : c.code()));

    List<FindingRate> findings = new ArrayList<>();
    for (FindingCount f : self.findings) {
      String display = engine.catalog().rule(f.rule()).map(RuleDefinition::display).orElse(f.rule());
      findings.add(new FindingRate(f.rule(), display, f.severity(), f.claims(), new Fraction(f.claims(), self.claims).rounded()));
    }
    findings.sort(Comparator.comparingInt(FindingRate::claims).reversed().thenComparing(FindingRate::rule));

    List<Signal> found = new ArrayList<>();
    longSessionShare(self, peerMixes, peers).ifPresent(found::add);
    found.addAll(timeClustering(self));
    timeNotRecorded(self).ifPresent(found::add);
    interactiveComplexity(self).ifPresent(found::add);
    addOnsWithoutEm(self).ifPresent(found::add);
    risingTrend(self, period).ifPresent(found::add);
    found.sort(Comparator.comparingInt(s -> Severity.of(s.severity()).ordinal()));

    List<Histogram> histograms = new ArrayList<>();
    for (String code : new java.util.TreeSet<>(self.codes.keySet())) {
      BillingCode bc = book.procedure(code).orElse(null);
      if (bc == null || !bc.timed() || bc.perUnit()) {
        continue;
      }
      List<Integer> boundaries = book.family(bc).stream().map(c -> c.minimumMinutes().getAsInt()).distinct().sorted().toList();
      histograms.add(new Histogram(code, bc.display(), boundaries, self.minutes.getOrDefault(code, new TreeMap<>()), self.untimed.getOrDefault(code, 0)));
    }
    return new Profile(
        id, who.name(), who.taxonomy(), who.taxonomy() == null ? null : book.taxonomyDisplay(who.taxonomy()).orElse(null), period,
        self.claims, self.lines, peers, codes, findings, found, histograms);
  }

  // ---- shares -----------------------------------------------------------------------------------------------

  /** The codes of the individual psychotherapy family a code is in (90832, 90834, 90837), or empty for any other. */
  private List<String> family(String code) {
    if (code == null) {
      return List.of();
    }
    return families.computeIfAbsent(
        code,
        c -> book.procedure(c)
            .filter(bc -> bc.sessionType().filter("individual"::equals).isPresent())
            .map(book::family)
            .filter(f -> f.size() > 1)
            .map(f -> f.stream().map(BillingCode::code).toList())
            .orElse(List.of()));
  }

  private long denominator(String code, Map<String, Integer> mix) {
    List<String> family = family(code);
    return family.isEmpty() ? mix.values().stream().mapToLong(Integer::longValue).sum() : family.stream().mapToLong(c -> mix.getOrDefault(c, 0)).sum();
  }

  private Fraction share(String code, Map<String, Integer> mix) {
    return new Fraction(mix.getOrDefault(code, 0), denominator(code, mix));
  }

  /** Percentage of the peers below {@code own}, those equal counted half. */
  static BigDecimal percentileRank(Fraction own, List<Fraction> peers) {
    long below = peers.stream().filter(p -> p.compareTo(own) < 0).count();
    long equal = peers.stream().filter(p -> p.compareTo(own) == 0).count();
    return BigDecimal.valueOf(below * 2 + equal)
        .multiply(BigDecimal.valueOf(50))
        .divide(BigDecimal.valueOf(peers.size()), 1, RoundingMode.HALF_UP);
  }

  /** The p-th percentile of the values, interpolating linearly between the closest ranks (R's and NumPy's default). */
  static BigDecimal percentile(List<Fraction> values, double p) {
    List<BigDecimal> sorted = values.stream().sorted().map(Fraction::exact).toList();
    BigDecimal h = BigDecimal.valueOf(sorted.size() - 1).multiply(BigDecimal.valueOf(p)).divide(BigDecimal.valueOf(100), Fraction.PRECISION);
    int lo = h.intValue();
    if (lo >= sorted.size() - 1) {
      return sorted.get(sorted.size() - 1);
    }
    BigDecimal weight = h.subtract(BigDecimal.valueOf(lo));
    return sorted.get(lo).add(weight.multiply(sorted.get(lo + 1).subtract(sorted.get(lo))), Fraction.PRECISION);
  }

  private List<String> individualCodes() {
    return book.codesForSessionType("individual", false).stream().map(BillingCode::code).filter(c -> family(c).size() > 1).toList();
  }

  // ---- signals ----------------------------------------------------------------------------------------------

  private Optional<Signal> longSessionShare(Facts self, List<Map<String, Integer>> peerMixes, Peers peers) {
    Definition d = signals.require("long-session-share");
    String code = d.codes().get(0);
    Fraction own = share(code, self.codes);
    List<Fraction> peerShares = peerMixes.stream().map(m -> share(code, m)).filter(Fraction::defined).toList();
    if (own.whole() < d.integer("minimum-sessions") || peerShares.size() < d.integer("minimum-peers")) {
      return Optional.empty();
    }
    BigDecimal line = percentile(peerShares, d.decimal("percentile"));
    if (own.exact().compareTo(line) <= 0) {
      return Optional.empty();
    }
    String who =
        peers.taxonomy() == null
            ? peerShares.size() + " peers (all practitioners with individual sessions in the period: fewer than " + PEER_GROUP_MINIMUM
                + " share your taxonomy)"
            : peerShares.size() + " peers (" + peers.taxonomy() + (peers.taxonomyDisplay() == null ? "" : ", " + peers.taxonomyDisplay()) + ")";
    return Optional.of(
        signal(
            d,
            code + " (" + rangeText(code) + ") is " + own.percent() + " of your individual psychotherapy sessions (" + own.part() + " of "
                + own.whole() + "); the " + d.number("percentile").stripTrailingZeros().toPlainString() + "th percentile among your " + who
                + " is " + Fraction.percent(line) + ". A share this far above your peers' is what draws a payer's review: each " + code
                + " session's record must show " + rangeText(code) + "."));
  }

  private List<Signal> timeClustering(Facts self) {
    Definition d = signals.require("time-clustering");
    List<Signal> out = new ArrayList<>();
    for (String code : d.codes()) {
      BillingCode bc = book.procedure(code).orElse(null);
      TreeMap<Integer, Integer> minutes = self.minutes.get(code);
      if (bc == null || bc.minimumMinutes().isEmpty() || minutes == null) {
        continue;
      }
      int low = bc.minimumMinutes().getAsInt();
      int high = low + d.integer("window-minutes") - 1;
      long timed = minutes.values().stream().mapToLong(Integer::longValue).sum();
      long near = minutes.subMap(low, true, high, true).values().stream().mapToLong(Integer::longValue).sum();
      Fraction f = new Fraction(near, timed);
      if (timed < d.integer("minimum-sessions") || f.exact().compareTo(d.number("share")) <= 0) {
        continue;
      }
      out.add(
          signal(
              d,
              near + " of your " + timed + " " + code + " sessions with a recorded time (" + f.percent() + ") lasted " + low + "-" + high
                  + " minutes, just past the " + low + "-minute minimum of " + code + ". Session times bunched at the threshold of a"
                  + " longer code are a pattern auditors look for: bill each session's time as it was."));
    }
    return out;
  }

  private Optional<Signal> timeNotRecorded(Facts self) {
    Definition d = signals.require("time-not-recorded");
    long missing = self.untimed.values().stream().mapToLong(Integer::longValue).sum();
    long timed = missing + self.minutes.values().stream().flatMap(m -> m.values().stream()).mapToLong(Integer::longValue).sum();
    if (missing < d.integer("minimum-count")) {
      return Optional.empty();
    }
    Fraction f = new Fraction(missing, timed);
    String codes = String.join(", ", new java.util.TreeSet<>(self.untimed.keySet()));
    return Optional.of(
        signal(
            d,
            missing + " of your " + timed + " sessions billed with a timed code (" + f.percent() + "; " + codes + ") have no recorded time:"
                + " neither the line nor its encounter gives a length or a start and end time. Payers deny time-based psychotherapy"
                + " whose record does not state its minutes."));
  }

  private Optional<Signal> interactiveComplexity(Facts self) {
    Definition d = signals.require("interactive-complexity-frequent");
    String code = d.codes().get(0);
    BillingCode bc = book.procedure(code).orElse(null);
    if (bc == null) {
      return Optional.empty();
    }
    long eligible = bc.primaryCodes().stream().mapToLong(p -> self.codes.getOrDefault(p, 0)).sum();
    long billed = self.codes.getOrDefault(code, 0);
    Fraction f = new Fraction(billed, eligible);
    if (eligible < d.integer("minimum-sessions") || f.exact().compareTo(d.number("share")) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        signal(
            d,
            code + " (interactive complexity) is billed with " + billed + " of your " + eligible + " sessions that may carry it ("
                + f.percent() + "); above " + Fraction.percent(d.number("share")) + " payers ask why. It belongs to the sessions where a"
                + " communication factor really complicated the work, not to a kind of patient."));
  }

  private Optional<Signal> addOnsWithoutEm(Facts self) {
    Definition d = signals.require("addon-without-em");
    long lines = self.addOnsWithoutEm.values().stream().mapToLong(Integer::longValue).sum();
    if (lines < d.integer("minimum-count")) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    self.addOnsWithoutEm.forEach((code, n) -> parts.add(n + " \u00d7 " + code));
    String standalone = String.join(", ", individualCodes());
    return Optional.of(
        signal(
            d,
            lines + (lines == 1 ? " psychotherapy add-on line (" : " psychotherapy add-on lines (") + String.join(", ", parts)
                + ") billed without an E/M visit on the same claim and date. These add-ons are paid only with an E/M: bill the session"
                + " as standalone psychotherapy (" + standalone + "), or bill the E/M visit it was part of."));
  }

  private Optional<Signal> risingTrend(Facts self, Period period) {
    Definition d = signals.require("rising-trend");
    String code = d.codes().get(0);
    if (self.months.isEmpty()) {
      return Optional.empty();
    }
    TreeMap<Integer, Map<String, Integer>> byMonth = new TreeMap<>(self.months);
    YearMonth first = period.start() != null ? YearMonth.from(period.start()) : month(byMonth.firstKey());
    YearMonth last = period.end() != null ? YearMonth.from(period.end()) : month(byMonth.lastKey());
    List<YearMonth> months = new ArrayList<>();
    List<Fraction> shares = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      Map<String, Integer> mix = byMonth.getOrDefault(m.getYear() * 100 + m.getMonthValue(), Map.of());
      Fraction f = share(code, mix);
      months.add(m);
      shares.add(f.whole() >= d.integer("minimum-sessions") ? f : null);
    }
    int rises = d.integer("months");
    for (int end = shares.size() - 1; end - rises >= 0; end--) {
      boolean rising = true;
      for (int i = end - rises; i <= end && rising; i++) {
        rising = shares.get(i) != null && (i == end - rises || shares.get(i).compareTo(shares.get(i - 1)) > 0);
      }
      if (!rising || shares.get(end).exact().subtract(shares.get(end - rises).exact()).compareTo(d.number("minimum-rise")) < 0) {
        continue;
      }
      List<String> steps = new ArrayList<>();
      for (int i = end - rises; i <= end; i++) {
        steps.add(months.get(i) + ": " + shares.get(i).percent() + " (" + shares.get(i).part() + " of " + shares.get(i).whole() + ")");
      }
      return Optional.of(
          signal(
              d,
              "Your share of " + code + " among individual psychotherapy sessions rose every month for " + (rises + 1) + " months: "
                  + String.join(", ", steps) + ". Check that the longer sessions are what the records show."));
    }
    return Optional.empty();
  }

  private static YearMonth month(int yyyymm) {
    return YearMonth.of(yyyymm / 100, yyyymm % 100);
  }

  private static Signal signal(Definition d, String text) {
    return new Signal(d.id(), d.severity(), d.display(), text);
  }

  private String display(String code) {
    return code == null ? null : book.procedure(code).map(BillingCode::display).orElse(null);
  }

  private String rangeText(String code) {
    return book.procedure(code).map(BillingCode::rangeText).orElse("");
  }
}
