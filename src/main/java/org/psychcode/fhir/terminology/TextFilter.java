package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code filter} parameter of {@code $expand}: a concept passes when one word of its code, display or a
 * designation starts with one of the words asked for (case-insensitive).
 */
final class TextFilter {

  static final TextFilter NONE = new TextFilter(null);

  private final String text;
  private final List<String> words;

  TextFilter(String text) {
    this.text = text == null || text.isBlank() ? null : text;
    this.words = this.text == null ? List.of() : words(this.text);
  }

  boolean isNull() {
    return words.isEmpty();
  }

  String text() {
    return text;
  }

  boolean passes(String value) {
    if (isNull()) {
      return true;
    }
    if (value == null) {
      return false;
    }
    for (String w : words(value)) {
      for (String f : words) {
        if (w.startsWith(f)) {
          return true;
        }
      }
    }
    return false;
  }

  boolean passes(Designations names, String code) {
    if (isNull() || passes(code)) {
      return true;
    }
    for (Designation d : names.all()) {
      if (passes(d.value())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (char ch : s.toLowerCase(Locale.ROOT).toCharArray()) {
      if (Character.isLetterOrDigit(ch)) {
        b.append(ch);
      } else if (b.length() > 0) {
        out.add(b.toString());
        b.setLength(0);
      }
    }
    if (b.length() > 0) {
      out.add(b.toString());
    }
    return out;
  }
}
