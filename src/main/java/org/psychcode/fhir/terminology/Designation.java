package org.psychcode.fhir.terminology;

import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;

/**
 * One way of naming a concept: the display itself or a designation, with its language, use and status, and the
 * supplement it comes from (when it does).
 */
record Designation(
    Language language, Coding use, String value, String status, List<Extension> extensions, String supplement) {

  static final String DISPLAY_USE_SYSTEM = "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra";
  static final String DISPLAY_USE_CODE = "preferredForLanguage";
  static final String SNOMED = "http://snomed.info/sct";

  static Coding displayUse() {
    return new Coding(DISPLAY_USE_SYSTEM, DISPLAY_USE_CODE, "Preferred For Language");
  }

  boolean isActive() {
    return !"withdrawn".equals(status) && !"inactive".equals(status);
  }

  boolean hasUse(String system, String code) {
    return use != null && system.equals(use.getSystem()) && code.equals(use.getCode());
  }

  /** Counts as a display: no use, the preferred-for-language use, or SNOMED's preferred term. */
  boolean isDisplay() {
    return use == null || hasUse(DISPLAY_USE_SYSTEM, DISPLAY_USE_CODE) || hasUse(SNOMED, "900000000000548007");
  }

  boolean isPreferred() {
    return isDisplay() || hasUse(SNOMED, "900000000000013009");
  }
}
