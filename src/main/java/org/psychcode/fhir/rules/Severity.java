package org.psychcode.fhir.rules;

import java.util.Locale;

/** A finding's severity, as the {@code severity} property of the billing-rule CodeSystem states it. */
public enum Severity {
  ERROR,
  WARNING,
  INFORMATION;

  public static Severity of(String code) {
    return Severity.valueOf(code.trim().toUpperCase(Locale.ROOT));
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
