package org.psychcode.fhir.pages;

import java.util.List;
import java.util.Optional;
import org.psychcode.fhir.rules.BillingCode;

/**
 * One published code as its page shows it: the words from the code's CodeSystem properties and designations, and
 * the billing facts as sentences rendered from the properties the rules read (never typed twice).
 *
 * @param names the common names (synonym designations)
 * @param indications the typical ICD-10-CM categories, each with its display
 * @param durations how the time is counted: from {@code minimum-minutes}, {@code maximum-minutes},
 *     {@code minutes-per-unit} and {@code max-units-per-day}, then the {@code typical-duration} words
 * @param whoMayBill the NUCC taxonomies of the fragment that may bill it, as {@code provider-scope} reads them
 * @param billingFacts label and sentence for each billing property the code carries
 * @param valueSets the published value sets the code is in (url, title)
 */
public record CodeEntry(
    BillingCode code,
    String definition,
    List<String> names,
    Optional<String> sessionType,
    Optional<String> sessionTypeTitle,
    String purpose,
    String indication,
    List<Labelled> indications,
    String preparation,
    List<String> steps,
    List<String> durations,
    List<Labelled> settings,
    List<Labelled> whoMayBill,
    Optional<String> providerNote,
    List<String> risks,
    List<String> benefits,
    String recovery,
    List<String> alternatives,
    String patientExperience,
    List<Similar> similar,
    List<Labelled> billingFacts,
    List<Labelled> valueSets,
    String searchText) {

  /** A code or key with the words that go with it. */
  public record Labelled(String label, String text) {}

  /** A similar code, its display, and how this code differs from it. */
  public record Similar(String code, String display, String difference) {}

  public String system() {
    return code.system();
  }

  public String id() {
    return code.code();
  }

  public String display() {
    return code.display();
  }
}
