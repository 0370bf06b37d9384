package org.psychcode.fhir.rules;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the billing rules know about one CPT or HCPCS concept, read once from its CodeSystem properties
 * (terminology/README.md): its minutes, session type, add-on relations, unit limits, prescriber and
 * telehealth flags. Immutable; shared by every request.
 */
public record BillingCode(
    String system,
    String code,
    String display,
    OptionalInt minimumMinutes,
    OptionalInt maximumMinutes,
    OptionalInt minutesPerUnit,
    Optional<String> sessionType,
    boolean addOn,
    Set<String> primaryCodes,
    Set<String> neverWith,
    boolean requiresPrescriber,
    boolean requiresPrescriptiveAuthority,
    boolean excludesPrescriber,
    OptionalInt maxUnitsPerDay,
    Set<String> unlimitedUnitsPlaces,
    Optional<Boolean> telehealth,
    Optional<String> telehealthModality,
    boolean modifier,
    boolean em,
    List<String> typicalIndications,
    boolean inactive) {

  /** Timed per session: the code carries {@code minimum-minutes}. */
  public boolean timed() {
    return minimumMinutes.isPresent();
  }

  /** A per-unit add-on (90840, G0018): its units follow the minutes past its minimum. */
  public boolean perUnit() {
    return minutesPerUnit.isPresent();
  }

  /** A procedure the server publishes, as opposed to a modifier or an E/M code held only as context. */
  public boolean published() {
    return !modifier && !em;
  }

  /** Whether the code's minutes cover a session; time counts in whole minutes (37.5 is still 37). */
  public boolean covers(double minutes) {
    double whole = Math.floor(minutes);
    return minimumMinutes.isPresent()
        && whole >= minimumMinutes.getAsInt()
        && (maximumMinutes.isEmpty() || whole <= maximumMinutes.getAsInt());
  }

  /** True when this code names the other in {@code never-with}, or the other names this one. */
  public boolean excludes(String otherCode, BillingCode other) {
    return neverWith.contains(otherCode) || (other != null && other.neverWith.contains(code));
  }

  /** "16-37 minutes", "53 minutes or more". */
  public String rangeText() {
    if (minimumMinutes.isEmpty()) {
      return "";
    }
    return maximumMinutes.isPresent()
        ? minimumMinutes.getAsInt() + "-" + maximumMinutes.getAsInt() + " minutes"
        : minimumMinutes.getAsInt() + " minutes or more";
  }
}
