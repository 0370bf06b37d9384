package org.psychcode.fhir.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code units-exceed-max}: the units of one code on one date for one patient (on one claim, or on the claims of
 * one request that name that patient) add up to more than its {@code max-units-per-day}. Lines at a place listed in {@code unlimited-units-place} (52 for 90832-90838)
 * are not counted.
 */
final class UnitsExceedMaxRule extends CodeBookRule {

  static final String ID = "units-exceed-max";

  UnitsExceedMaxRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (List<BilledLine> lines : visit.claimLinesByPatient()) {
      Map<String, Integer> units = new LinkedHashMap<>();
      Map<String, BilledLine> last = new LinkedHashMap<>();
      for (BilledLine line : lines) {
        BillingCode code = line.billing().orElse(null);
        if (code == null || code.maxUnitsPerDay().isEmpty()) {
          continue;
        }
        String place = line.place().map(Coded::code).orElse(null);
        if (place != null && code.unlimitedUnitsPlaces().contains(place)) {
          continue;
        }
        String key = code.code() + "|" + line.date();
        units.merge(key, line.units(), Lines::addUnits);
        last.put(key, line);
      }
      units.forEach(
          (key, total) -> {
            BilledLine line = last.get(key);
            BillingCode code = line.billing().get();
            int max = code.maxUnitsPerDay().getAsInt();
            if (total > max) {
              findings.add(ID, message(code, total, max, line), line.quantityPath(), line.codePath());
            }
          });
    }
  }

  private String message(BillingCode code, int total, int max, BilledLine line) {
    List<String> places = code.unlimitedUnitsPlaces().stream().sorted().toList();
    String except =
        places.isEmpty()
            ? ""
            : " (more only at place of service "
                + String.join(" or ", places)
                + places.stream().findFirst().flatMap(book::placeDisplay).map(d -> places.size() == 1 ? ", " + d : "").orElse("")
                + ")";
    return code.code()
        + " is billed "
        + total
        + " units"
        + (line.date() == null ? "" : " on " + line.date())
        + "; at most "
        + max
        + (max == 1 ? " unit" : " units")
        + " a day may be billed"
        + except
        + ".";
  }
}
