package org.psychcode.fhir.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Tells what to bill for a set of encounters, one {@link Suggestion} per patient and date, from the same code book
 * the rules read, so that the suggestion billed as it stands raises no billing-rule error and names the codes the
 * rules' sentences name: the code of the session type whose minutes cover the session (CPT first, as
 * {@code session-type-mismatch} and {@code time-code-mismatch} pick it); the per-unit crisis add-on's units from the
 * date's crisis time (as {@code crisis-units-mismatch} counts them); the E/M add-on when the visit is coded with an
 * E/M; a place of service and modifier {@code telehealth-mismatch} accepts; only codes the provider's taxonomy may
 * bill ({@code provider-scope}); no two codes that exclude each other on one date ({@code same-day-conflict},
 * {@code units-exceed-max}). What the encounters do not tell becomes an issue rather than a guess.
 */
public final class BillingSuggester {

  static final String INDIVIDUAL = "individual";
  static final String CRISIS = "crisis";
  static final String DIAGNOSTIC_EVALUATION = "diagnostic-evaluation";
  /** The in-person place assumed when an encounter names none: the office, where most behavioral-health visits are. */
  static final String OFFICE = "11";
  static final String AUDIO_VIDEO = "audio-video";

  private final CodeBook book;

  public BillingSuggester(CodeBook book) {
    this.book = book;
  }

  /**
   * @param taxonomy the billing provider's NUCC code; empty to read it from the encounters' participants
   */
  public List<Suggestion> suggest(List<SessionToBill> sessions, Optional<String> taxonomy) {
    List<Visit> visits = new ArrayList<>();
    for (SessionToBill s : sessions) {
      for (Party patient : patientsOf(s)) {
        LocalDate date = s.encounter().startDate();
        Visit visit =
            visits.stream().filter(v -> Objects.equals(v.date, date) && v.patient.sameAs(patient)).findFirst().orElse(null);
        if (visit == null) {
          visit = new Visit(date, patient);
          visits.add(visit);
        }
        visit.sessions.add(s);
      }
    }
    return visits.stream().map(v -> suggest(v, taxonomy)).toList();
  }

  /** The encounter's subject, or each member of its Group: group psychotherapy bills one line per attending patient. */
  private static List<Party> patientsOf(SessionToBill s) {
    EncounterFacts e = s.encounter();
    if (e.groupSubject() && e.groupMembers().filter(m -> !m.isEmpty()).isPresent()) {
      return e.groupMembers().get();
    }
    return List.of(e.subject() == null ? new Party(null, Set.of()) : e.subject());
  }

  private static final class Visit {
    final LocalDate date;
    final Party patient;
    final List<SessionToBill> sessions = new ArrayList<>();

    Visit(LocalDate date, Party patient) {
      this.date = date;
      this.patient = patient;
    }
  }

  /** The provider's taxonomies the fragment knows; empty when nothing can be told about the provider's scope. */
  private record Provider(List<String> taxonomies) {
    boolean known() {
      return !taxonomies.isEmpty();
    }
  }

  private Suggestion suggest(Visit visit, Optional<String> asked) {
    List<String> issues = new ArrayList<>();
    Provider provider = provider(visit, asked, issues);
    List<Suggestion.Line> lines = new ArrayList<>();
    List<SessionToBill> crisis = visit.sessions.stream().filter(s -> isType(s, CRISIS)).toList();
    if (!crisis.isEmpty()) {
      accept(lines, crisisLines(visit, crisis, provider, issues), crisis, issues);
    }
    for (SessionToBill s : visit.sessions) {
      if (!isType(s, CRISIS)) {
        accept(lines, sessionLines(s, provider, issues), List.of(s), issues);
      }
    }
    List<String> encounters = visit.sessions.stream().map(SessionToBill::reference).filter(Objects::nonNull).distinct().toList();
    return new Suggestion(visit.date, visit.patient, encounters, lines, issues);
  }

  private static boolean isType(SessionToBill s, String type) {
    return s.encounter().sessionType().filter(type::equals).isPresent();
  }

  private Provider provider(Visit visit, Optional<String> asked, List<String> issues) {
    if (asked.isPresent()) {
      if (book.prescriber(asked.get()).isEmpty()) {
        issues.add("The taxonomy " + asked.get() + " is not in the published NUCC fragment, so who may bill each code is not checked.");
        return new Provider(List.of());
      }
      return new Provider(List.of(asked.get()));
    }
    Set<String> known = new LinkedHashSet<>();
    visit.sessions.forEach(s -> s.providerTaxonomies().stream().filter(t -> book.prescriber(t).isPresent()).forEach(known::add));
    return new Provider(List.copyOf(known));
  }

  /** Of several taxonomies one that may bill the code is enough, as provider-scope reads them; unknown: anyone may. */
  private boolean mayBill(Provider provider, BillingCode code) {
    return !provider.known() || provider.taxonomies().stream().anyMatch(t -> book.mayBill(code, t));
  }

  // ---- one session ------------------------------------------------------------------------------------------

  private List<Suggestion.Line> sessionLines(SessionToBill s, Provider provider, List<String> issues) {
    EncounterFacts e = s.encounter();
    String type = e.sessionType().orElse(null);
    if (type == null) {
      issues.add(
          name(s)
              + " does not state its session type (a session-type coding in Encounter.type or Encounter.serviceType, or a"
              + " Group as subject); the lines assume an individual session.");
      type = INDIVIDUAL;
    }
    Optional<BillingCode> em = emCode(s);
    if (INDIVIDUAL.equals(type) && em.isPresent()) {
      if (mayBill(provider, em.get())) {
        return emWithAddOn(s, em.get(), provider, issues);
      }
      issues.add(
          name(s) + " is coded with E/M " + em.get().code() + ", which " + providerText(provider) + " may not bill; the lines bill psychotherapy alone.");
    }
    List<BillingCode> candidates = book.codesFor(type, false, provider.taxonomies());
    if (candidates.isEmpty()) {
      issues.add("No published code for " + Lines.article(type) + " session may be billed by " + providerText(provider) + ".");
      return List.of();
    }
    BillingCode first = candidates.get(0);
    if (!first.timed()) {
      return List.of(untimed(s, type, candidates, provider, issues));
    }
    OptionalDouble minutes = e.minutes();
    if (minutes.isEmpty()) {
      issues.add(noTime(s, book.family(first)));
      return List.of();
    }
    double t = minutes.getAsDouble();
    Optional<BillingCode> byTime = book.codeFor(type, false, t, provider.taxonomies());
    if (byTime.isEmpty()) {
      issues.add(tooShort(t, book.leastOfFamily(first)) + ".");
      return List.of();
    }
    BillingCode code = byTime.get();
    return List.of(line(s, code, 1, Lines.session(t, code) + ": " + code.code() + " covers " + code.rangeText() + ".", issues));
  }

  private Suggestion.Line untimed(SessionToBill s, String type, List<BillingCode> candidates, Provider provider, List<String> issues) {
    BillingCode code = candidates.get(0);
    String reason;
    if (DIAGNOSTIC_EVALUATION.equals(type)) {
      Optional<BillingCode> other = candidates.stream().skip(1).findFirst();
      if (code.requiresPrescriber()) {
        reason =
            "A diagnostic evaluation by a prescriber: "
                + code.code()
                + " when it included medical work (examination, prescribing, laboratory orders)"
                + other.map(p -> ", " + p.code() + " when it did not").orElse("")
                + ".";
      } else {
        Optional<BillingCode> medical = book.codesForSessionType(type, false).stream().filter(BillingCode::requiresPrescriber).findFirst();
        reason =
            "A diagnostic evaluation: "
                + code.code()
                + medical
                    .map(m -> provider.known() ? "; " + m.code() + " needs a prescriber." : "; a prescriber whose evaluation included medical work bills " + m.code() + ".")
                    .orElse(".");
      }
    } else {
      reason =
          Lines.capitalize(Lines.article(type))
              + " session is not billed by time: one line of "
              + code.code()
              + " for each patient "
              + ("multiple-family-group".equals(type) ? "whose family took part." : "who attended.");
    }
    return line(s, code, 1, reason, issues);
  }

  /** An E/M coded on the encounter, and the psychotherapy add-on whose minutes cover the encounter's time. */
  private List<Suggestion.Line> emWithAddOn(SessionToBill s, BillingCode em, Provider provider, List<String> issues) {
    List<Suggestion.Line> lines = new ArrayList<>();
    lines.add(
        line(
            s,
            em,
            1,
            "The E/M service the encounter is coded with; beside a psychotherapy add-on its level is chosen by medical"
                + " decision making, not by time.",
            issues));
    List<BillingCode> addOns =
        book.codesFor(INDIVIDUAL, true, provider.taxonomies()).stream().filter(a -> a.primaryCodes().contains(em.code())).toList();
    if (addOns.isEmpty()) {
      return lines;
    }
    OptionalDouble minutes = s.encounter().minutes();
    if (minutes.isEmpty()) {
      issues.add(noTime(s, book.family(addOns.get(0))));
      return lines;
    }
    double t = minutes.getAsDouble();
    Optional<BillingCode> addOn = addOns.stream().filter(a -> a.covers(t)).findFirst();
    if (addOn.isEmpty()) {
      issues.add(tooShort(t, book.leastOfFamily(addOns.get(0))) + ": the E/M is billed alone.");
      return lines;
    }
    BillingCode a = addOn.get();
    lines.add(
        line(
            s,
            a,
            1,
            "Psychotherapy at the E/M visit: "
                + a.code()
                + " covers "
                + a.rangeText()
                + " of psychotherapy. The encounter's "
                + Lines.minutesText(t)
                + " minutes include the E/M part: when psychotherapy alone took fewer minutes, bill the add-on those"
                + " minutes fall in.",
            issues));
    return lines;
  }

  private Optional<BillingCode> emCode(SessionToBill s) {
    for (Coded c : s.codes()) {
      Optional<BillingCode> code = book.procedure(c.system(), c.code()).filter(b -> b.em() && !b.inactive());
      if (code.isPresent()) {
        return code;
      }
    }
    return Optional.empty();
  }

  // ---- crisis -------------------------------------------------------------------------------------------------

  /** Crisis time adds up over the date's crisis encounters, as the rules count it ({@link Lines#minutesOnDate}). */
  private List<Suggestion.Line> crisisLines(Visit visit, List<SessionToBill> sessions, Provider provider, List<String> issues) {
    List<BillingCode> candidates = book.codesFor(CRISIS, false, provider.taxonomies());
    if (candidates.isEmpty()) {
      issues.add("No published crisis code may be billed by " + providerText(provider) + ".");
      return List.of();
    }
    double sum = 0;
    int timed = 0;
    for (SessionToBill s : sessions) {
      if (s.encounter().minutes().isPresent()) {
        sum += s.encounter().minutes().getAsDouble();
        timed++;
      } else {
        issues.add(noTime(s, List.of(candidates.get(0))));
      }
    }
    if (timed == 0) {
      return List.of();
    }
    double total = sum;
    String crisisTime =
        Lines.minutesText(total)
            + " minutes of crisis psychotherapy"
            + (visit.date == null ? "" : " on " + visit.date)
            + (timed > 1 ? " (" + timed + " encounters added up)" : "");
    Optional<BillingCode> first = candidates.stream().filter(c -> c.covers(total)).findFirst();
    if (first.isEmpty()) {
      BillingCode least = book.leastOfFamily(candidates.get(0));
      issues.add(
          Lines.capitalize(crisisTime)
              + " is under the "
              + least.minimumMinutes().getAsInt()
              + " minutes "
              + least.code()
              + " needs: bill it as individual psychotherapy by its time, with the encounter's session type individual.");
      return List.of();
    }
    BillingCode code = first.get();
    SessionToBill anchor = sessions.get(0);
    List<String> refs = sessions.stream().map(SessionToBill::reference).filter(Objects::nonNull).toList();
    Placement place = placement(anchor, issues);
    String medicare =
        book.placeIsPatientHome(place.place().orElse(null)) && anchor.encounter().modality() != Modality.VIRTUAL
            ? candidates.stream()
                .filter(c -> !c.code().equals(code.code()) && !Systems.CPT.equals(c.system()))
                .findFirst()
                .map(g -> " Medicare bills crisis care at the patient's home as " + g.code() + book.perUnitAddOnsOf(g.code()).stream().findFirst().map(x -> " (with " + x.code() + ")").orElse("") + ".")
                .orElse("")
            : "";
    List<Suggestion.Line> lines = new ArrayList<>();
    lines.add(
        new Suggestion.Line(
            code, 1, place.modifiers(), place.place(), Lines.capitalize(crisisTime) + ": " + code.code() + " covers " + code.rangeText() + "." + medicare + place.sentence(), refs));
    telehealthListed(anchor, code, issues);
    for (BillingCode addOn : book.perUnitAddOnsOf(code.code())) {
      int units = CrisisUnitsMismatchRule.expectedUnits(addOn, total);
      if (units > 0) {
        lines.add(
            new Suggestion.Line(
                addOn,
                units,
                place.modifiers(),
                place.place(),
                addOn.code() + " counts 1 unit from " + addOn.minimumMinutes().orElse(0) + " minutes and 1 more for each further "
                    + addOn.minutesPerUnit().getAsInt() + ": " + units + (units == 1 ? " unit" : " units") + " for " + Lines.minutesText(total) + " minutes.",
                refs));
      }
    }
    return lines;
  }

  // ---- place, modifiers and the day's conflicts -------------------------------------------------------------

  private record Placement(Optional<String> place, List<BillingCode> modifiers, String sentence) {}

  private Suggestion.Line line(SessionToBill s, BillingCode code, int units, String reason, List<String> issues) {
    Placement p = placement(s, issues);
    telehealthListed(s, code, issues);
    return new Suggestion.Line(code, units, p.modifiers(), p.place(), reason + p.sentence(), s.reference() == null ? List.of() : List.of(s.reference()));
  }

  private void telehealthListed(SessionToBill s, BillingCode code, List<String> issues) {
    if (s.encounter().modality() == Modality.VIRTUAL && code.telehealth().filter(t -> !t).isPresent()) {
      String text = code.code() + " is not on the Medicare telehealth list: payers may not pay it when furnished by telehealth.";
      if (!issues.contains(text)) {
        issues.add(text);
      }
    }
  }

  /**
   * The place and telehealth modifier telehealth-mismatch accepts: a virtual encounter at 10 (the patient at home,
   * assumed when the encounter names no place) or 02 with the audio-video modifier; an in-person one at the
   * encounter's place, else the office.
   */
  private Placement placement(SessionToBill s, List<String> issues) {
    EncounterFacts e = s.encounter();
    Optional<String> stated = s.place().map(Coded::code).filter(p -> book.placeIsTelehealth(p).isPresent());
    if (e.modality() == Modality.VIRTUAL) {
      boolean home = stated.map(book::placeIsPatientHome).orElse(true);
      Optional<String> place = stated.filter(p -> book.placeIsTelehealth(p).orElse(false)).or(() -> book.telehealthPlace(home));
      List<BillingCode> modifiers = book.telehealthModifier(AUDIO_VIDEO).map(List::of).orElse(List.of());
      String where = stated.isEmpty() ? "the patient at home, as the encounter names no place" : home ? "the patient at home" : "the patient away from home";
      return new Placement(
          place,
          modifiers,
          " Telehealth (class VR) with "
              + where
              + ": place of service "
              + place.map(this::placeText).orElse("(none published)")
              + modifiers.stream().findFirst().map(m -> ", modifier " + m.code() + " for audio and video (93 when it was audio only)").orElse("")
              + ".");
    }
    if (stated.isPresent() && book.placeIsTelehealth(stated.get()).orElse(false)) {
      issues.add(name(s) + " was in person but its location names telehealth place of service " + placeText(stated.get()) + "; the lines use an in-person place.");
      stated = Optional.empty();
    }
    if (e.modality() == Modality.UNKNOWN) {
      issues.add(name(s) + " does not state its class (AMB in person, VR virtual); the lines assume an in-person session.");
    }
    String place = stated.orElse(OFFICE);
    return new Placement(
        Optional.of(place),
        List.of(),
        " In person: place of service " + placeText(place) + (stated.isEmpty() ? ", as the encounter names no place." : "."));
  }

  private String placeText(String place) {
    return place + book.placeDisplay(place).map(d -> " (" + d + ")").orElse("");
  }

  /**
   * Adds a session's lines unless one of its codes may not stand beside a code already suggested for the date
   * ({@code never-with}) or would pass its units a day; such a session is left out with an issue.
   */
  private void accept(List<Suggestion.Line> accepted, List<Suggestion.Line> candidate, List<SessionToBill> from, List<String> issues) {
    for (Suggestion.Line c : candidate) {
      for (Suggestion.Line a : accepted) {
        boolean exclusive = c.code().excludes(a.code().code(), a.code());
        boolean sameCode = c.code().code().equals(a.code().code());
        boolean tooMany =
            sameCode
                && c.code().maxUnitsPerDay().isPresent()
                && !c.placeOfService().filter(p -> c.code().unlimitedUnitsPlaces().contains(p)).isPresent()
                && a.units() + c.units() > c.code().maxUnitsPerDay().getAsInt();
        if (exclusive || tooMany) {
          issues.add(
              from.stream().map(this::name).reduce((x, y) -> x + " and " + y).orElse("An encounter")
                  + " would add "
                  + c.code().code()
                  + (exclusive ? ", which may not be billed on the same date as " + a.code().code() : ", past its " + c.code().maxUnitsPerDay().getAsInt() + " a day")
                  + "; it is left out: bill one of them.");
          return;
        }
      }
    }
    accepted.addAll(candidate);
  }

  // ---- sentences --------------------------------------------------------------------------------------------

  private String name(SessionToBill s) {
    return "Encounter " + (s.reference() != null ? s.reference() : s.encounter().path());
  }

  private String providerText(Provider provider) {
    if (!provider.known()) {
      return "the provider";
    }
    String t = provider.taxonomies().get(0);
    return "the provider's taxonomy " + t + book.taxonomyDisplay(t).map(d -> " (" + d + ")").orElse("");
  }

  private String noTime(SessionToBill s, List<BillingCode> family) {
    StringBuilder b =
        new StringBuilder(name(s)).append(" gives no time (neither a length nor a period with a start and an end), so its time code cannot be chosen");
    if (!family.isEmpty()) {
      b.append(": ");
      for (int i = 0; i < family.size(); i++) {
        b.append(i == 0 ? "" : i == family.size() - 1 ? " or " : ", ").append(family.get(i).code()).append(" for ").append(family.get(i).rangeText());
      }
    }
    return b.append('.').toString();
  }

  /** As time-below-minimum says it. */
  private static String tooShort(double minutes, BillingCode least) {
    return Lines.session(minutes, least)
        + " cannot be billed as "
        + least.code()
        + " or any code of its family: the shortest, "
        + least.code()
        + ", needs at least "
        + least.minimumMinutes().getAsInt()
        + " minutes";
  }
}
