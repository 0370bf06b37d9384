package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The languages a client asked for (Accept-Language or {@code displayLanguage}), best first. */
final class Languages {

  private final List<Language> languages;
  private final String source;

  private Languages(List<Language> languages, String source) {
    this.languages = List.copyOf(languages);
    this.source = source;
  }

  /** The list as the client wrote it. */
  String source() {
    return source;
  }

  /**
   * Parses an Accept-Language style list. An expansion also accepts any language as a last resort (an implicit
   * {@code *}), so that concepts without a display in the asked language still show one.
   */
  static Languages parse(String header, boolean addWildcard) {
    List<Language> parsed = new ArrayList<>();
    boolean wildcard = false;
    if (header != null && !header.isBlank()) {
      for (String entry : header.split(",")) {
        String[] bits = entry.split(";");
        String tag = bits[0].trim();
        if (tag.isEmpty()) {
          continue;
        }
        double q = 1.0;
        for (int i = 1; i < bits.length; i++) {
          String b = bits[i].trim();
          if (b.startsWith("q=")) {
            try {
              q = Double.parseDouble(b.substring(2).trim());
            } catch (NumberFormatException e) {
              q = 1.0;
            }
          }
        }
        if (!tag.equals("*") && !tag.matches("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")) {
          throw new IllegalArgumentException(tag);
        }
        wildcard |= tag.equals("*");
        parsed.add(new Language(tag, q, false));
      }
    }
    if (addWildcard && !wildcard) {
      parsed.add(new Language("*", 0.01, true));
    }
    parsed.sort(Comparator.comparingDouble(Language::quality).reversed());
    return new Languages(parsed, header == null ? "" : header.trim());
  }

  List<Language> list() {
    return languages;
  }

  boolean isEmpty() {
    return languages.isEmpty();
  }

  /** The list as it is echoed in messages and expansion parameters, without the implicit wildcard. */
  String asString(boolean includeWildcard) {
    List<String> parts = new ArrayList<>();
    for (Language l : languages) {
      if ((includeWildcard || !l.isWildcard()) && !l.implicit()) {
        parts.add(l.asString());
      }
    }
    return String.join(", ", parts);
  }

  boolean isEnglishOrNothing() {
    for (Language l : languages) {
      if (!l.implicit() && !l.code().isEmpty() && !l.code().equals("en") && !l.code().equals("en-US")) {
        return false;
      }
    }
    return true;
  }
}
