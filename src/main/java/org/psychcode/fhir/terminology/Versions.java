package org.psychcode.fhir.terminology;

import java.util.Comparator;
import java.util.List;

/**
 * Business versions of canonical resources: which is newer, and whether a requested version (possibly with
 * {@code x}/{@code *} wildcards, like {@code 1.0.x}) names an actual one.
 */
final class Versions {

  static final Comparator<String> NEWEST_LAST = Versions::compare;

  private Versions() {}

  static boolean matches(String criteria, String actual) {
    if (criteria == null || criteria.isEmpty()) {
      return true;
    }
    if (actual == null) {
      return false;
    }
    if (criteria.equals(actual)) {
      return true;
    }
    if (!hasWildcard(criteria)) {
      return false;
    }
    String[] c = criteria.split("\\.");
    String[] a = actual.split("\\.");
    for (int i = 0; i < c.length; i++) {
      if (isWildcard(c[i])) {
        continue;
      }
      if (i >= a.length || !c[i].equals(a[i])) {
        return false;
      }
    }
    return c.length <= a.length || isWildcard(c[c.length - 1]);
  }

  static boolean hasWildcard(String v) {
    for (String p : v.split("\\.")) {
      if (isWildcard(p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWildcard(String part) {
    return part.equals("x") || part.equals("X") || part.equals("*");
  }

  /** Orders versions numerically part by part where they are numbers, as text otherwise; null first. */
  static int compare(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    String[] pa = a.split("[.\\-]");
    String[] pb = b.split("[.\\-]");
    for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
      if (i >= pa.length) {
        return -1;
      }
      if (i >= pb.length) {
        return 1;
      }
      int c;
      if (pa[i].matches("\\d+") && pb[i].matches("\\d+")) {
        c = Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]));
      } else {
        c = pa[i].compareTo(pb[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** {@code a}, {@code a or b}, {@code a, b and c}: the versions list the ecosystem's messages use. */
  static String presentList(List<String> versions) {
    if (versions.isEmpty()) {
      return "";
    }
    if (versions.size() == 1) {
      return versions.get(0);
    }
    if (versions.size() == 2) {
      return versions.get(0) + " or " + versions.get(1);
    }
    return String.join(", ", versions.subList(0, versions.size() - 1)) + " and " + versions.get(versions.size() - 1);
  }
}
