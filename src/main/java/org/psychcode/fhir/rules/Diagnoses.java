package org.psychcode.fhir.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyService;

/**
 * The diagnosis view of the published terminology. Whether a claim's diagnosis is a mental or behavioral one is
 * answered by one value set, {@value Systems#BEHAVIORAL_DIAGNOSES} (the billable ICD-10-CM chapter 5 codes), as the
 * terminology engine expands it: the same answer {@code $validate-code} and the Claim profile's binding give. For a
 * chapter 5 code that may not be billed, the ICD-10-CM hierarchy tells which billable codes stand under it.
 */
public final class Diagnoses {

  /** The ICD-10-CM codes of the value set, in the order of its expansion (the tabular order). */
  private final Set<String> billable;

  private final CodeSystemIndex icd;

  private Diagnoses(Set<String> billable, CodeSystemIndex icd) {
    this.billable = billable;
    this.icd = icd;
  }

  static Diagnoses from(TerminologyService terminology) {
    return new Diagnoses(
        new LinkedHashSet<>(terminology.members(Systems.BEHAVIORAL_DIAGNOSES, Systems.ICD_10_CM)),
        terminology.registry().codeSystem(Systems.ICD_10_CM).orElse(null));
  }

  /** A billable ICD-10-CM chapter 5 code: a mental or behavioral diagnosis a claim may carry. */
  public boolean isBehavioral(String system, String code) {
    return Systems.isIcd10Cm(system) && code != null && billable.contains(code);
  }

  /**
   * A chapter 5 diagnosis that may not be billed, and the billable codes under it.
   *
   * @param code the code as the claim has it
   * @param inRelease whether the ICD-10-CM release has the code (a category or subcategory with subcodes: F41,
   *     F43.1) or not (F41.5)
   * @param under the code the billable codes stand under: the code itself, or for one the release does not have,
   *     the nearest code it does have that begins the same way (F41 for F41.5)
   * @param billableCodes the billable codes under {@code under}, in the release's order
   * @param release the ICD-10-CM release (the published CodeSystem's version)
   * @param dotted for a billable code written without its dot (F411), the code as ICD-10-CM writes it (F41.1)
   */
  public record Unbillable(
      String code, boolean inRelease, String under, List<String> billableCodes, String release, Optional<String> dotted) {}

  /**
   * The diagnosis as {@link Unbillable} when it is an ICD-10-CM code that is not billable but stands in (or under a
   * code of) chapter 5; empty for a billable code and for a code with nothing of chapter 5 under it (Z63.0, or an
   * F code whose category the release does not have).
   */
  public Optional<Unbillable> unbillable(String system, String code) {
    if (icd == null || !Systems.isIcd10Cm(system) || code == null || billable.contains(code)) {
      return Optional.empty();
    }
    Optional<IndexedConcept> own = icd.concept(code);
    Optional<IndexedConcept> nearest = own.isPresent() ? own : nearestPublished(code);
    if (nearest.isEmpty()) {
      return Optional.empty();
    }
    String under = nearest.get().code();
    List<String> codes = billable.stream().filter(c -> icd.subsumes(under, c)).toList();
    String dotted = code.length() > 3 && code.indexOf('.') < 0 ? code.substring(0, 3) + "." + code.substring(3) : null;
    return codes.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new Unbillable(code, own.isPresent(), under, codes, icd.version(), Optional.ofNullable(dotted).filter(billable::contains)));
  }

  /** The longest beginning of the code (three characters at least, a trailing dot dropped) that the release has. */
  private Optional<IndexedConcept> nearestPublished(String code) {
    for (int end = code.length() - 1; end >= 3; end--) {
      String prefix = code.substring(0, end);
      if (prefix.endsWith(".")) {
        continue;
      }
      Optional<IndexedConcept> c = icd.concept(prefix);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }
}
