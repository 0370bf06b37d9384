package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;

/**
 * The names known for one concept (its display, its designations, displays given by a value set), with the
 * language rules the ecosystem applies when it checks a display or picks one for an answer.
 */
final class Designations {

  enum Difference {
    NONE,
    CASE,
    NORMALIZED
  }

  record Match(boolean found, Difference difference) {}

  private static final int FULL = Language.EXTENSION;
  private static final int LANG_REGION = Language.REGION;
  private static final int LANG = Language.LANGUAGE;

  private final List<Designation> items = new ArrayList<>();
  private Language baseLang;

  List<Designation> all() {
    return items;
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  void clear() {
    items.clear();
    baseLang = null;
  }

  void setBaseLang(Language l) {
    baseLang = l;
  }

  Designation add(boolean isDisplay, String status, Language lang, Coding use, String value, List<Extension> ext) {
    return add(isDisplay, status, lang, use, value, ext, null);
  }

  Designation add(
      boolean isDisplay,
      String status,
      Language lang,
      Coding use,
      String value,
      List<Extension> ext,
      String supplement) {
    Designation d =
        new Designation(
            lang, isDisplay ? Designation.displayUse() : use, value, status, ext == null ? List.of() : ext, supplement);
    items.add(d);
    return d;
  }

  /**
   * Adds the display and designations a value set gives a concept it lists ({@code compose.include.concept}); the
   * display is in the value set's language, when it states one.
   */
  void addFromValueSet(org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent cc, Language valueSetLanguage) {
    if (cc.hasDisplay()) {
      add(true, "active", valueSetLanguage, null, cc.getDisplay().trim(), null);
    }
    for (org.hl7.fhir.r4.model.ValueSet.ConceptReferenceDesignationComponent d : cc.getDesignation()) {
      add(
          false,
          "unknown",
          d.hasLanguage() ? new Language(d.getLanguage()) : null,
          d.hasUse() ? d.getUse() : null,
          d.getValue() == null ? null : d.getValue().trim(),
          d.getExtension());
    }
  }

  Match hasDisplay(Languages langs, Language defLang, String value, boolean activeOnly) {
    for (Designation d : items) {
      if (langsMatch(langs, d.language(), LANG, defLang)
          && (!activeOnly || d.isActive())
          && d.value() != null
          && d.value().equalsIgnoreCase(value)) {
        return new Match(true, Difference.NONE);
      }
    }
    for (Designation d : items) {
      if (langsMatch(langs, d.language(), LANG, defLang)
          && (!activeOnly || d.isActive())
          && d.value() != null
          && normalise(d.value()).equalsIgnoreCase(normalise(value))) {
        return new Match(false, Difference.NORMALIZED);
      }
    }
    return new Match(false, Difference.NONE);
  }

  int displayCount(Languages langs, Language defLang, boolean displayOnly) {
    for (int depth : new int[] {FULL, LANG_REGION, LANG}) {
      int n = 0;
      for (Designation d : items) {
        if ((!displayOnly || d.isDisplay()) && langsMatch(langs, d.language(), depth, defLang) && d.value() != null) {
          n++;
        }
      }
      if (n > 0) {
        return n;
      }
    }
    return 0;
  }

  /** The displays a client could have used, for a message: {@code 'a' (en), 'b' or 'c'}. */
  String present(Languages langs, boolean displayOnly) {
    List<String> results = new ArrayList<>();
    for (Designation d : items) {
      if ((!displayOnly || d.isDisplay()) && langsMatch(langs, d.language(), LANG, null) && d.value() != null) {
        results.add(presentOne(d));
      }
    }
    if (results.isEmpty()) {
      for (Designation d : items) {
        if ((!displayOnly || d.isDisplay()) && d.value() != null) {
          results.add(presentOne(d));
        }
      }
    }
    return joinWithOr(results);
  }

  private static String presentOne(Designation d) {
    return d.language() != null ? "'" + d.value() + "' (" + d.language().code() + ")" : "'" + d.value() + "'";
  }

  static String joinWithOr(List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
  }

  Designation preferred(Languages langs) {
    if (items.isEmpty()) {
      return null;
    }
    if (langs == null || langs.isEmpty()) {
      for (Designation d : items) {
        if (d.isPreferred() && d.isActive()) {
          return d;
        }
      }
      for (Designation d : items) {
        if (d.isDisplay()) {
          return d;
        }
      }
      return items.get(0);
    }
    for (Language lang : langs.list()) {
      if (lang.quality() <= 0) {
        continue;
      }
      for (int depth : new int[] {FULL, LANG_REGION, LANG}) {
        for (Designation d : items) {
          if (langMatches(lang, d.language(), depth) && d.isDisplay()) {
            return d;
          }
        }
        for (Designation d : items) {
          if (langMatches(lang, d.language(), depth) && d.isPreferred()) {
            return d;
          }
        }
        for (Designation d : items) {
          if (langMatches(lang, d.language(), depth)) {
            return d;
          }
        }
      }
    }
    for (Designation d : items) {
      if (d.language() == null && d.isDisplay()) {
        return d;
      }
    }
    return null;
  }

  String preferredDisplay(Languages langs) {
    Designation d = preferred(langs);
    return d == null ? null : d.value();
  }

  /** Active displays in the given languages, each once. */
  List<String> allowedDisplays(Languages langs) {
    Set<String> seen = new LinkedHashSet<>();
    for (Designation d : items) {
      if (!d.isActive() || !d.isDisplay() || d.value() == null) {
        continue;
      }
      if (langs != null && !langs.isEmpty()) {
        boolean match = d.language() == null ? baseLang != null : anyForDisplay(langs, d.language());
        if (!match) {
          continue;
        }
      }
      seen.add(d.value());
    }
    return new ArrayList<>(seen);
  }

  /**
   * The status of the designation with this value, as a message names it: a designation the standards-status
   * extension marks {@code withdrawn} is reported as {@code deprecated}, as tx.fhir.org reports it.
   */
  String statusOf(String display) {
    for (Designation d : items) {
      if (display.equals(d.value())) {
        return d.status() == null ? "" : "withdrawn".equals(d.status()) ? "deprecated" : d.status();
      }
    }
    return "";
  }

  private static boolean anyForDisplay(Languages langs, Language target) {
    for (Language l : langs.list()) {
      if (l.matchesForDisplay(target)) {
        return true;
      }
    }
    return false;
  }

  private boolean langMatches(Language entry, Language stated, int depth) {
    Language actual = stated != null ? stated : baseLang;
    if (entry.quality() <= 0) {
      return false;
    }
    if (entry.isWildcard()) {
      return true;
    }
    return actual != null && entry.matches(actual, depth);
  }

  private boolean langsMatch(Languages langs, Language stated, int depth, Language defLang) {
    if (defLang != null && stated != null && stated.matches(defLang)) {
      return true;
    }
    if (stated == null || langs == null) {
      return true;
    }
    for (Language l : langs.list()) {
      if (langMatches(l, stated, depth)) {
        return true;
      }
    }
    return false;
  }

  private static String normalise(String s) {
    return s.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
  }
}
