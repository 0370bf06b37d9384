package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.utilities.CanonicalPair;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;

/**
 * The options that shape a terminology answer, read from the request's parameters (and from expansion parameters a
 * ValueSet declares, which never override what the request says). One instance per operation call.
 */
final class TxParameters {

  enum VersionMode {
    DEFAULT,
    OVERRIDE,
    CHECK
  }

  record VersionRule(String system, String version, boolean valueSet, VersionMode mode) {
    String asParameterName() {
      return switch (mode) {
        case DEFAULT -> valueSet ? "default-valueset-version" : "system-version";
        case OVERRIDE -> valueSet ? "force-valueset-version" : "force-system-version";
        case CHECK -> valueSet ? "check-valueset-version" : "check-system-version";
      };
    }
  }

  private final boolean validating;
  private final Set<String> seen = new LinkedHashSet<>();
  final List<VersionRule> versionRules = new ArrayList<>();
  final List<String> properties = new ArrayList<>();
  final List<String> designations = new ArrayList<>();
  final Set<String> supplements = new LinkedHashSet<>();
  final List<CanonicalPair> excludedSystems = new ArrayList<>();

  Languages httpLanguages;
  Languages displayLanguages;
  boolean activeOnly;
  boolean hasActiveOnly;
  boolean excludeNested;
  boolean hasExcludeNested;
  boolean excludeNotForUI;
  boolean hasExcludeNotForUI;
  boolean excludePostCoordinated;
  boolean hasExcludePostCoordinated;
  boolean includeDesignations;
  boolean hasIncludeDesignations;
  boolean includeDefinition;
  boolean hasIncludeDefinition;
  boolean displayWarning;
  boolean membershipOnly;
  boolean versionsMatch;
  boolean hasVersionsMatch;
  boolean inferSystem;
  boolean abstractOk = true;
  boolean defaultToLatestVersion;
  boolean diagnostics;
  String filter;
  int count = -1;
  int offset = -1;
  int limit = -1;

  TxParameters(boolean validating) {
    this.validating = validating;
  }

  boolean validating() {
    return validating;
  }

  /** Reads what the request says; {@code acceptLanguage} is the HTTP header, if any. */
  void read(Parameters params, String acceptLanguage) {
    if (acceptLanguage != null && !acceptLanguage.isBlank()) {
      httpLanguages = languages(acceptLanguage);
    }
    for (ParametersParameterComponent p : params.getParameter()) {
      see(p.getName(), p.getValue(), p, true);
    }
  }

  private Languages languages(String value) {
    try {
      return Languages.parse(value, !validating);
    } catch (IllegalArgumentException e) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.PROCESSING,
              null,
              "INVALID_DISPLAY_NAME",
              TxMessages.format("INVALID_DISPLAY_NAME", value),
              "invalid-display"));
    }
  }

  /** An expansion parameter declared by a ValueSet: applies unless the request already said otherwise. */
  void seeDeclared(String name, Type value) {
    see(name, value, null, false);
  }

  private boolean claim(String key, boolean overwrite) {
    if (!overwrite && seen.contains(key)) {
      return false;
    }
    seen.add(key);
    return true;
  }

  private void see(String name, Type value, ParametersParameterComponent p, boolean overwrite) {
    if (name == null) {
      return;
    }
    if (name.equals("profile") && p != null && p.getResource() instanceof Parameters nested) {
      for (ParametersParameterComponent n : nested.getParameter()) {
        see(n.getName(), n.getValue(), n, overwrite);
      }
      return;
    }
    if (value == null || !value.isPrimitive()) {
      return;
    }
    String v = value.primitiveValue();
    switch (name) {
      case "system-version" -> versionRule(v, false, VersionMode.DEFAULT);
      case "check-system-version" -> versionRule(v, false, VersionMode.CHECK);
      case "force-system-version" -> versionRule(v, false, VersionMode.OVERRIDE);
      case "default-valueset-version" -> versionRule(v, true, VersionMode.DEFAULT);
      case "force-valueset-version" -> versionRule(v, true, VersionMode.OVERRIDE);
      case "check-valueset-version" -> versionRule(v, true, VersionMode.CHECK);
      case "designation" -> designations.add(v);
      case "property" -> {
        if (v != null && !properties.contains(v)) {
          properties.add(v);
        }
      }
      case "useSupplement" -> supplements.add(v);
      case "displayLanguage", "language" -> {
        if (claim("displayLanguage", overwrite) && v != null && !v.isBlank()) {
          displayLanguages = languages(v);
        }
      }
      case "mode" -> {
        if ("lenient-display-validation".equals(v) && claim("lenient-display-validation", overwrite)) {
          displayWarning = true;
        }
      }
      case "exclude-system" -> excludedSystems.add(CanonicalPair.of(v));
      case "includeDesignations" -> {
        if (claim(name, overwrite)) {
          includeDesignations = bool(v);
          hasIncludeDesignations = true;
        }
      }
      case "includeDefinition" -> {
        if (claim(name, overwrite)) {
          includeDefinition = bool(v);
          hasIncludeDefinition = true;
        }
      }
      case "activeOnly" -> {
        if (claim(name, overwrite)) {
          activeOnly = bool(v);
          hasActiveOnly = true;
        }
      }
      case "excludeNested" -> {
        if (claim(name, overwrite)) {
          excludeNested = bool(v);
          hasExcludeNested = true;
        }
      }
      case "excludeNotForUI" -> {
        if (claim(name, overwrite)) {
          excludeNotForUI = bool(v);
          hasExcludeNotForUI = true;
        }
      }
      case "excludePostCoordinated" -> {
        if (claim(name, overwrite)) {
          excludePostCoordinated = bool(v);
          hasExcludePostCoordinated = true;
        }
      }
      case "default-to-latest-version" -> {
        if (claim(name, overwrite)) {
          defaultToLatestVersion = bool(v);
        }
      }
      case "diagnostics" -> {
        if (claim(name, overwrite)) {
          diagnostics = bool(v);
        }
      }
      case "lenient-display-validation" -> {
        if (claim(name, overwrite)) {
          displayWarning = bool(v);
        }
      }
      case "valueset-membership-only" -> {
        if (claim(name, overwrite)) {
          membershipOnly = bool(v);
        }
      }
      case "versionsMatch" -> {
        if (claim(name, overwrite)) {
          versionsMatch = bool(v);
          hasVersionsMatch = true;
        }
      }
      case "inferSystem" -> {
        if (claim(name, overwrite)) {
          inferSystem = bool(v);
        }
      }
      case "abstract" -> {
        if ("true".equals(v) || "false".equals(v)) {
          if (claim(name, overwrite)) {
            abstractOk = bool(v);
          }
        }
      }
      case "filter", "term" -> {
        if (claim("filter", overwrite)) {
          filter = v;
        }
      }
      case "count" -> {
        if (claim(name, overwrite)) {
          count = integer(name, v);
        }
      }
      case "offset" -> {
        if (claim(name, overwrite)) {
          offset = integer(name, v);
        }
      }
      case "limit", "_limit" -> {
        if (claim("limit", overwrite)) {
          limit = integer(name, v);
        }
      }
      default -> {}
    }
  }

  private void versionRule(String url, boolean valueSet, VersionMode mode) {
    CanonicalPair pair = CanonicalPair.of(url);
    if (!pair.hasNonEmptyVersion() || pair.getVersion().contains("|")) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.INVALID,
              null,
              null,
              "Unable to understand " + mode.name().toLowerCase() + " system version \"" + url + "\"",
              "invalid-data"));
    }
    versionRules.add(new VersionRule(pair.getUrl(), pair.getVersion(), valueSet, mode));
  }

  private static boolean bool(String v) {
    return "true".equalsIgnoreCase(v);
  }

  /** A whole number of zero or more; anything else is refused (400), never read as "not given". */
  private static int integer(String name, String v) {
    if (!isWholeNumber(v)) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.INVALID,
              null,
              null,
              "The parameter '" + name + "' is a whole number of zero or more, not '" + v + "'",
              "invalid-data"));
    }
    return Integer.parseInt(v.trim());
  }

  static boolean isWholeNumber(String v) {
    if (v == null || v.isBlank()) {
      return false;
    }
    try {
      return Integer.parseInt(v.trim()) >= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** True when {@code exclude-system} names this code system (and version, when it names one). */
  boolean excludes(String system, String version) {
    for (CanonicalPair p : excludedSystems) {
      if (p.getUrl() != null && p.getUrl().equals(system) && (!p.hasNonEmptyVersion() || p.getVersion().equals(version))) {
        return true;
      }
    }
    return false;
  }

  List<VersionRule> rulesFor(String system) {
    if (versionRules.isEmpty()) {
      return List.of();
    }
    return versionRules.stream().filter(r -> r.system().equals(system)).toList();
  }

  /** The languages displays are chosen in: {@code displayLanguage}, else the Accept-Language header. */
  Languages workingLanguages() {
    return displayLanguages != null ? displayLanguages : httpLanguages;
  }

  String langSummary() {
    if (displayLanguages != null) {
      return displayLanguages.asString(false);
    }
    if (httpLanguages != null) {
      return httpLanguages.asString(false);
    }
    return "--";
  }

  /**
   * True when nothing but paging, a text filter and {@code excludeNested} shapes the answer, so a stored expansion
   * of a published value set can serve it.
   */
  boolean onlyPagingAndFilter() {
    return versionRules.isEmpty()
        && properties.isEmpty()
        && designations.isEmpty()
        && supplements.isEmpty()
        && excludedSystems.isEmpty()
        && httpLanguages == null
        && displayLanguages == null
        && !hasActiveOnly
        && !hasExcludeNotForUI
        && !hasExcludePostCoordinated
        && !hasIncludeDesignations
        && !hasIncludeDefinition
        && !hasVersionsMatch
        && limit <= 0;
  }

  TxParameters copy() {
    TxParameters t = new TxParameters(validating);
    t.seen.addAll(seen);
    t.versionRules.addAll(versionRules);
    t.properties.addAll(properties);
    t.designations.addAll(designations);
    t.supplements.addAll(supplements);
    t.excludedSystems.addAll(excludedSystems);
    t.httpLanguages = httpLanguages;
    t.displayLanguages = displayLanguages;
    t.activeOnly = activeOnly;
    t.hasActiveOnly = hasActiveOnly;
    t.excludeNested = excludeNested;
    t.hasExcludeNested = hasExcludeNested;
    t.excludeNotForUI = excludeNotForUI;
    t.hasExcludeNotForUI = hasExcludeNotForUI;
    t.excludePostCoordinated = excludePostCoordinated;
    t.hasExcludePostCoordinated = hasExcludePostCoordinated;
    t.includeDesignations = includeDesignations;
    t.hasIncludeDesignations = hasIncludeDesignations;
    t.includeDefinition = includeDefinition;
    t.hasIncludeDefinition = hasIncludeDefinition;
    t.displayWarning = displayWarning;
    t.membershipOnly = membershipOnly;
    t.versionsMatch = versionsMatch;
    t.hasVersionsMatch = hasVersionsMatch;
    t.inferSystem = inferSystem;
    t.abstractOk = abstractOk;
    t.defaultToLatestVersion = defaultToLatestVersion;
    t.diagnostics = diagnostics;
    t.filter = filter;
    t.count = count;
    t.offset = offset;
    t.limit = limit;
    return t;
  }
}
