package org.psychcode.fhir.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One billed code as the rules read it: a {@code Claim.item}, or a CPT coding of {@code Encounter.type}
 * checked on its own when no Claim was sent.
 *
 * @param label how a biller would name the line ("line 1", "the encounter type")
 * @param path FHIRPath of the item (or of the {@code Encounter.type} entry)
 * @param codePath FHIRPath of the billed code ({@code ...item[0].productOrService})
 * @param billing the code's published facts; empty for a code outside the fragment (context only)
 * @param date the date of service ({@code servicedDate}, {@code servicedPeriod.start}, else the encounter's)
 * @param dateStated true when the line itself states its date
 * @param ownMinutes the line's own {@code servicedPeriod} length, when it has start and end times
 * @param providerTaxonomies NUCC codes of the line's provider (care team qualification, else the
 *     Practitioner or PractitionerRole)
 */
public record BilledLine(
    Source source,
    String label,
    String path,
    String codePath,
    String system,
    String code,
    Optional<BillingCode> billing,
    int units,
    String quantityPath,
    List<Coded> modifiers,
    Optional<Coded> place,
    LocalDate date,
    boolean dateStated,
    String datePath,
    OptionalDouble ownMinutes,
    EncounterLink encounter,
    List<String> providerTaxonomies,
    String providerPath) {

  public enum Source {
    CLAIM_ITEM,
    ENCOUNTER_TYPE
  }

  public boolean claimLine() {
    return source == Source.CLAIM_ITEM;
  }

  /** The code's facts when it is a published procedure (not a modifier, not an E/M held as context). */
  public Optional<BillingCode> published() {
    return billing.filter(BillingCode::published);
  }

  public Optional<EncounterFacts> resolvedEncounter() {
    return encounter.isResolved() ? Optional.of(encounter.encounter()) : Optional.empty();
  }
}
