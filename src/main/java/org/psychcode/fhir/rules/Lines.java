package org.psychcode.fhir.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiConsumer;

/** Shared reading of lines: what else was billed on the same date, which time a line is held against. */
final class Lines {

  private Lines() {}

  /** Calls {@code action} with each line and the other lines billed on its date (same claim, or same encounter). */
  static void forEachWithSameDate(VisitContext visit, BiConsumer<BilledLine, List<BilledLine>> action) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        action.accept(line, sameDate(claim.lines(), line));
      }
    }
    for (BilledLine line : visit.encounterLines()) {
      List<BilledLine> others = new ArrayList<>();
      for (BilledLine o : visit.encounterLines()) {
        if (o != line && Objects.equals(o.encounter().path(), line.encounter().path())) {
          others.add(o);
        }
      }
      action.accept(line, others);
    }
  }

  static List<BilledLine> sameDate(List<BilledLine> lines, BilledLine line) {
    List<BilledLine> others = new ArrayList<>();
    for (BilledLine o : lines) {
      if (o != line && Objects.equals(o.date(), line.date())) {
        others.add(o);
      }
    }
    return others;
  }

  /**
   * The minutes a line is held against: its own {@code servicedPeriod} when it has start and end, else its
   * encounter's time. A timed add-on standing with one of its primaries (90833 with an E/M) shares the
   * encounter's time with that primary, so only its lower bound is held against the encounter.
   */
  static OptionalDouble minutes(BilledLine line) {
    if (line.ownMinutes().isPresent()) {
      return line.ownMinutes();
    }
    return line.resolvedEncounter().map(EncounterFacts::minutes).orElse(OptionalDouble.empty());
  }

  /**
   * The minutes a line is held against on its date. Crisis time adds up over the date (billing-rules §2.3:
   * "total crisis minutes on the date", which need not be continuous): for a code with a per-unit add-on
   * (90839, G0017), or such an add-on, the time of every distinct encounter, or line with its own period, among
   * that code's and its add-on's lines on the date; for any other code, {@link #minutes}.
   */
  static OptionalDouble minutesOnDate(BilledLine line, List<BilledLine> sameDate, CodeBook book) {
    BillingCode code = line.billing().orElse(null);
    if (code == null) {
      return minutes(line);
    }
    List<BillingCode> addOns = code.perUnit() ? List.of() : book.perUnitAddOnsOf(code.code());
    if (!code.perUnit() && addOns.isEmpty()) {
      return minutes(line);
    }
    java.util.Set<String> crisis = new java.util.HashSet<>(code.perUnit() ? code.primaryCodes() : java.util.Set.of());
    crisis.add(code.code());
    addOns.forEach(a -> crisis.add(a.code()));
    // each encounter counts once, at the longest time a line gives it (a line's own servicedPeriod within
    // the encounter, else the encounter's time); a line with its own period and no encounter counts alone
    java.util.Map<String, Double> sources = new java.util.LinkedHashMap<>();
    List<BilledLine> lines = new ArrayList<>(sameDate.size() + 1);
    lines.add(line);
    lines.addAll(sameDate);
    for (BilledLine l : lines) {
      if (!crisis.contains(l.code())) {
        continue;
      }
      Optional<EncounterFacts> first = l.resolvedEncounter();
      OptionalDouble own = l.ownMinutes();
      if (own.isPresent()) {
        sources.merge(first.map(e -> "encounter " + e.path()).orElse("line " + l.path()), own.getAsDouble(), Math::max);
      } else {
        first.filter(e -> e.minutes().isPresent()).ifPresent(e -> sources.merge("encounter " + e.path(), e.minutes().getAsDouble(), Math::max));
      }
      for (EncounterFacts e : l.encounter().further()) {
        if (e.minutes().isPresent()) {
          sources.merge("encounter " + e.path(), e.minutes().getAsDouble(), Math::max);
        }
      }
    }
    return sources.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(sources.values().stream().mapToDouble(Double::doubleValue).sum());
  }

  /** The line's encounter states a session type, and the billed code bills another (session-type-mismatch). */
  static boolean sessionTypeDiffers(BilledLine line) {
    BillingCode code = line.billing().orElse(null);
    if (code == null || code.sessionType().isEmpty()) {
      return false;
    }
    return line.resolvedEncounter()
        .flatMap(EncounterFacts::sessionType)
        .filter(t -> !t.equals(code.sessionType().get()))
        .isPresent();
  }

  /** Units added up without overflowing: a quantity is read as at most {@link Integer#MAX_VALUE} units. */
  static int addUnits(int a, int b) {
    return (int) Math.min((long) a + b, Integer.MAX_VALUE);
  }

  /** Time counts in whole minutes against a code's range: 15.9 minutes is under 16. */
  static double whole(double minutes) {
    return Math.floor(minutes);
  }

  static boolean upperBoundApplies(BilledLine line, List<BilledLine> sameDate) {
    if (line.ownMinutes().isPresent()) {
      return true;
    }
    BillingCode code = line.billing().orElse(null);
    return code == null || !code.addOn() || sameDate.stream().noneMatch(o -> code.primaryCodes().contains(o.code()));
  }

  /** "50" for 50.98 minutes: a sentence counts time as the rules do, in whole minutes ({@link #whole}). */
  static String minutesText(double minutes) {
    return Long.toString((long) whole(minutes));
  }

  /** "A 50-minute individual session", "An 18-minute session", in whole minutes. */
  static String session(double minutes, BillingCode code) {
    String kind = code.sessionType().map(s -> s + " ").orElse("");
    String number = minutesText(minutes);
    boolean vowelSound = number.startsWith("8") || number.equals("11") || number.equals("18");
    return (vowelSound ? "An " : "A ") + number + "-minute " + kind + "session";
  }

  static String article(String word) {
    return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an " + word : "a " + word;
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** "90839", "90839 or G0017", "99202, 99203, 99204 or one of 5 more". */
  static String codeList(java.util.Collection<String> codes) {
    List<String> sorted = codes.stream().sorted().toList();
    if (sorted.size() == 1) {
      return sorted.get(0);
    }
    if (sorted.size() <= 4) {
      return String.join(", ", sorted.subList(0, sorted.size() - 1)) + " or " + sorted.get(sorted.size() - 1);
    }
    return String.join(", ", sorted.subList(0, 3)) + " or one of " + (sorted.size() - 3) + " more";
  }
}
