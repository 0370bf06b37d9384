package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
   * Parses an Accept-Language style list with the JDK's {@link Locale.LanguageRange} (RFC 4647 ranges, weights
   * between 0 and 1, best first); a malformed one is an {@link IllegalArgumentException}. Each tag keeps the case the
   * client wrote it in (messages and expansions echo it), and the equivalent ranges the JDK adds on its own
   * ({@code iw} for {@code he}) are left out. An expansion also accepts any language as a last resort (an implicit
   * {@code *}), so that concepts without a display in the asked language still show one.
   */
  static Languages parse(String header, boolean addWildcard) {
    List<Language> parsed = new ArrayList<>();
    boolean wildcard = false;
    if (header != null && !header.isBlank()) {
      Map<String, String> written = new HashMap<>();
      for (String entry : header.split(",")) {
        String tag = entry.split(";", 2)[0].trim();
        written.putIfAbsent(tag.toLowerCase(Locale.ROOT), tag);
      }
      List<Locale.LanguageRange> ranges;
      try {
        ranges = Locale.LanguageRange.parse(header);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(header, e);
      }
      for (Locale.LanguageRange r : ranges) {
        String tag = written.get(r.getRange());
        if (tag != null) {
          wildcard |= tag.equals("*");
          parsed.add(new Language(tag, r.getWeight(), false));
        }
      }
    }
    if (addWildcard && !wildcard) {
      parsed.add(new Language("*", 0.01, true));
    }
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
