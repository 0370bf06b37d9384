package org.psychcode.fhir.terminology;

import java.util.Locale;

/**
 * A BCP 47 language tag split into its parts, with the quality it carried in an Accept-Language header. Matching
 * compares parts down to a depth ({@link #LANGUAGE} ... {@link #EXTENSION}), as display selection needs.
 */
final class Language {

  static final int LANGUAGE = 1;
  static final int SCRIPT = 3;
  static final int REGION = 4;
  static final int VARIANT = 5;
  static final int EXTENSION = 6;

  private final String code;
  private String language = "";
  private String script = "";
  private String region = "";
  private String variant = "";
  private String extension = "";
  private final double quality;
  private final boolean implicit;

  Language(String code) {
    this(code, 1.0, false);
  }

  Language(String code, double quality, boolean implicit) {
    this.code = code == null ? "" : code.trim();
    this.quality = quality;
    this.implicit = implicit;
    parse();
  }

  private void parse() {
    if (code.isEmpty()) {
      return;
    }
    String[] parts = code.split("-");
    int i = 0;
    language = parts[i++].toLowerCase(Locale.ROOT);
    while (i < parts.length && parts[i].length() == 3 && parts[i].chars().allMatch(Character::isLetter)) {
      i++;
    }
    if (i < parts.length && parts[i].length() == 4 && parts[i].chars().allMatch(Character::isLetter)) {
      script = parts[i].substring(0, 1).toUpperCase(Locale.ROOT) + parts[i].substring(1).toLowerCase(Locale.ROOT);
      i++;
    }
    if (i < parts.length
        && ((parts[i].length() == 2 && parts[i].chars().allMatch(Character::isLetter))
            || (parts[i].length() == 3 && parts[i].chars().allMatch(Character::isDigit)))) {
      region = parts[i].toUpperCase(Locale.ROOT);
      i++;
    }
    if (i < parts.length
        && ((parts[i].length() >= 5 && parts[i].length() <= 8)
            || (parts[i].length() == 4 && Character.isDigit(parts[i].charAt(0))))) {
      variant = parts[i].toLowerCase(Locale.ROOT);
      i++;
    }
    if (i < parts.length) {
      extension = String.join("-", java.util.Arrays.copyOfRange(parts, i, parts.length));
    }
  }

  String code() {
    return code;
  }

  double quality() {
    return quality;
  }

  boolean implicit() {
    return implicit;
  }

  boolean isWildcard() {
    return "*".equals(code);
  }

  boolean matches(Language other) {
    return matches(other, LANGUAGE);
  }

  boolean matches(Language other, int depth) {
    if (other == null) {
      return false;
    }
    if (depth >= EXTENSION && !extension.equals(other.extension)) {
      return false;
    }
    if (depth >= VARIANT && !variant.equals(other.variant)) {
      return false;
    }
    if (depth >= REGION && !region.equals(other.region)) {
      return false;
    }
    if (depth >= SCRIPT && !script.equals(other.script)) {
      return false;
    }
    return language.equals(other.language);
  }

  /** Same language, and every part {@code target} names is the same here (en-AU matches en, not the reverse). */
  boolean matchesForDisplay(Language target) {
    if (target == null) {
      return false;
    }
    if (language.isEmpty()) {
      return target.code.equals("en") || target.code.equals("en-US");
    }
    if (target.language.isEmpty()) {
      return code.equals("en") || code.equals("en-US");
    }
    if (!language.equals(target.language)) {
      return false;
    }
    if (!target.script.isEmpty() && !script.equals(target.script)) {
      return false;
    }
    if (!target.region.isEmpty() && !region.equals(target.region)) {
      return false;
    }
    return target.variant.isEmpty() || variant.equals(target.variant);
  }

  String asString() {
    if (quality != 1.0) {
      String q = quality == Math.rint(quality) ? Long.toString((long) quality) : Double.toString(quality);
      return code + "; q=" + q;
    }
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}
