package org.psychcode.fhir.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;

/** The billing properties of a code, one labelled sentence each, written from the properties the rules read. */
final class BillingFacts {

  private BillingFacts() {}

  static List<CodeEntry.Labelled> of(CodeBook book, BillingCode code, Optional<String> sessionTypeTitle) {
    List<CodeEntry.Labelled> facts = new ArrayList<>();
    sessionTypeTitle.ifPresent(t -> facts.add(new CodeEntry.Labelled("Session type", t + " (" + code.sessionType().get() + ")")));
    if (code.perUnit()) {
      facts.add(
          new CodeEntry.Labelled(
              "Time",
              "Units follow the date's time: none under " + code.minimumMinutes().orElse(0) + " minutes, then 1, and 1 more for each further "
                  + code.minutesPerUnit().getAsInt() + " minutes."));
    } else if (code.timed()) {
      facts.add(new CodeEntry.Labelled("Time", code.rangeText().substring(0, 1).toUpperCase() + code.rangeText().substring(1) + "."));
    } else {
      facts.add(new CodeEntry.Labelled("Time", "No minutes are published for it: it is not chosen by session time here."));
    }
    if (code.addOn()) {
      facts.add(new CodeEntry.Labelled("Add-on", "Never billed alone; billed beside one of " + list(code.primaryCodes()) + " on the same date."));
    }
    if (!code.neverWith().isEmpty()) {
      facts.add(new CodeEntry.Labelled("Not on the same date as", list(code.neverWith()) + "."));
    }
    code.maxUnitsPerDay()
        .ifPresent(
            max ->
                facts.add(
                    new CodeEntry.Labelled(
                        "Units a day",
                        "At most " + max + (max == 1 ? " unit" : " units") + " on one date"
                            + (code.unlimitedUnitsPlaces().isEmpty()
                                ? ""
                                : ", except at place of service "
                                    + String.join(", ", code.unlimitedUnitsPlaces().stream().sorted().map(p -> p + book.placeDisplay(p).map(d -> " (" + d + ")").orElse("")).toList()))
                            + ".")));
    code.telehealth()
        .ifPresent(
            t ->
                facts.add(
                    new CodeEntry.Labelled(
                        "Telehealth",
                        t
                            ? "On the Medicare telehealth list: billed at place of service " + String.join(" or ", book.telehealthPlaces()) + " when furnished by telehealth."
                            : "Not on the Medicare telehealth list.")));
    if (code.requiresPrescriber()) {
      facts.add(new CodeEntry.Labelled("Provider", "Only a clinician who can bill E/M services (a taxonomy marked prescriber) may bill it."));
    }
    if (code.requiresPrescriptiveAuthority()) {
      facts.add(new CodeEntry.Labelled("Provider", "Only a provider with prescriptive authority may bill it."));
    }
    if (code.excludesPrescriber()) {
      facts.add(new CodeEntry.Labelled("Provider", "Not for clinicians who can bill E/M: they bill an E/M code with a psychotherapy add-on instead."));
    }
    return List.copyOf(facts);
  }

  /** "90791, 90792 or 90832": every code, for the biller who needs the whole list. */
  static String list(java.util.Collection<String> codes) {
    List<String> sorted = codes.stream().sorted().toList();
    return sorted.size() == 1 ? sorted.get(0) : String.join(", ", sorted.subList(0, sorted.size() - 1)) + " or " + sorted.get(sorted.size() - 1);
  }
}
