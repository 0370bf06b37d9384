package org.psychcode.fhir.reports;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.rules.BilledLine;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.ClaimFacts;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Coded;
import org.psychcode.fhir.rules.EncounterFacts;
import org.psychcode.fhir.rules.Finding;
import org.psychcode.fhir.rules.Modality;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.StoreWrite;
import org.psychcode.fhir.store.StoreWriteListener;
import org.psychcode.fhir.validation.StoredResources;
import org.psychcode.fhir.validation.VisitValidator;
import org.psychcode.fhir.validation.VisitValidator.RuleReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the reporting rows right in the database transaction of every write (V20__reporting_rows.sql): a Claim's
 * lines and findings are derived when it is created or updated and removed when it is deleted, derived again when an
 * Encounter one of its lines bills is written (a claim posted before its encounter in one transaction, a session's
 * length corrected later), and a Practitioner's taxonomy follows the Practitioner.
 *
 * <p>A Claim is read exactly as the billing rules read it (the validator's own reader, references resolved in the
 * store through the same transaction) and the rules run on it as stored, so its findings are there whatever the
 * validation mode was when it was written ({@code warn}, {@code off}, {@code Claim/$submit}). The rules see the Claim on
 * its own: a conflict with another claim of the same Bundle is not one of its findings. A Claim the rules cannot read
 * at all (negative units, a period that ends before it starts: stored only under {@code off}) has no rows.
 */
@Component
class ReportRows implements StoreWriteListener {

  private static final Logger log = LoggerFactory.getLogger(ReportRows.class);
  private static final Pattern TYPE_AND_ID = Pattern.compile("^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$");
  /** Claims with these statuses were withdrawn or never stood: not counted. */
  private static final Set<String> NOT_COUNTED = Set.of("cancelled", "entered-in-error");

  private final VisitValidator validator;
  private final CodeBook book;
  private final StoredResources stored;
  private final ReportRowsRepository rows;

  ReportRows(VisitValidator validator, CodeBook book, StoredResources stored, ReportRowsRepository rows) {
    this.validator = validator;
    this.book = book;
    this.stored = stored;
    this.rows = rows;
  }

  @Override
  public void written(StoreWrite write, JdbcTemplate jdbc) {
    switch (write.type()) {
      case "Claim" -> {
        if (write.interaction() == Interaction.DELETE) {
          rows.deleteClaim(jdbc, write.id());
        } else {
          derive((Claim) write.resource(), write.interaction() == Interaction.CREATE, jdbc);
        }
      }
      case "Encounter" -> {
        for (String claimId : rows.claimsBilling(jdbc, write.id())) {
          Optional<Resource> claim = stored.resolve("Claim/" + claimId);
          if (claim.isPresent() && claim.get() instanceof Claim c) {
            derive(c, false, jdbc);
          } else {
            rows.deleteClaim(jdbc, claimId);
          }
        }
      }
      case "Practitioner" -> {
        if (write.interaction() == Interaction.DELETE) {
          rows.deletePractitioner(jdbc, write.id());
        } else {
          Practitioner p = (Practitioner) write.resource();
          rows.replacePractitioner(jdbc, write.id(), taxonomy(p), name(p), write.interaction() == Interaction.CREATE);
        }
      }
      default -> {}
    }
  }

  /** Replaces the rows of one Claim by those of its current version ({@code fresh}: it has none yet). */
  private void derive(Claim claim, boolean fresh, JdbcTemplate jdbc) {
    String claimId = claim.getIdElement().getIdPart();
    if (!fresh) {
      rows.deleteClaim(jdbc, claimId);
    }
    if (!counted(claim)) {
      return;
    }
    RuleReading reading;
    try {
      reading = validator.readWithRules(claim);
    } catch (BaseServerResponseException e) {
      log.debug("Claim/{} cannot be read as billed lines, so it has no reporting rows: {}", claimId, e.getMessage());
      return;
    }
    ClaimFacts facts = reading.visit().claims().get(0);
    List<LineRow> lines = new ArrayList<>(facts.lines().size());
    for (int k = 0; k < facts.lines().size(); k++) {
      lines.add(line(claim, claimId, k, facts));
    }
    rows.insertLines(jdbc, lines);
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, String> severities = new LinkedHashMap<>();
    for (Finding f : reading.findings()) {
      counts.merge(f.ruleId(), 1, Integer::sum);
      severities.put(f.ruleId(), f.severity().code());
    }
    rows.insertFindings(jdbc, claimId, severities, counts);
  }

  static boolean counted(Claim claim) {
    boolean withdrawn = claim.hasStatus() && NOT_COUNTED.contains(claim.getStatus().toCode());
    boolean billed = !claim.hasUse() || claim.getUse() == Claim.Use.CLAIM;
    return !withdrawn && billed;
  }

  private LineRow line(Claim claim, String claimId, int k, ClaimFacts facts) {
    Claim.ItemComponent item = claim.getItem().get(k);
    BilledLine line = facts.lines().get(k);
    Optional<BillingCode> code = line.billing();
    Optional<EncounterFacts> encounter = line.resolvedEncounter();
    Optional<String> sessionType = encounter.flatMap(EncounterFacts::sessionType).or(() -> code.flatMap(BillingCode::sessionType));
    var time = line.ownMinutes().isPresent() ? line.ownMinutes() : encounter.map(EncounterFacts::minutes).orElse(java.util.OptionalDouble.empty());
    Boolean telehealth =
        line.place()
            .flatMap(p -> book.placeIsTelehealth(p.code()))
            .orElseGet(() -> encounter.map(e -> e.modality() == Modality.UNKNOWN ? null : e.modality() == Modality.VIRTUAL).orElse(null));
    return new LineRow(
        claimId,
        k,
        practitioner(claim, item),
        line.providerTaxonomies().isEmpty() ? null : line.providerTaxonomies().get(0),
        idOf(claim.getPatient(), "Patient"),
        item.hasEncounter() ? idOf(item.getEncounterFirstRep(), "Encounter") : null,
        line.date(),
        line.system(),
        line.code(),
        line.units(),
        sessionType.orElse(null),
        time.isPresent() ? (int) Math.floor(time.getAsDouble()) : null,
        code.map(BillingCode::timed).orElse(false),
        telehealth,
        line.place().map(Coded::code).orElse(null),
        diagnosisCategory(claim, item, facts),
        addOnWithoutEm(line, facts.lines()));
  }

  /** The Practitioner who billed a line: the first of its care team members who is one, else Claim.provider. */
  private String practitioner(Claim claim, Claim.ItemComponent item) {
    List<Claim.CareTeamComponent> members = new ArrayList<>();
    if (item.hasCareTeamSequence()) {
      for (var seq : item.getCareTeamSequence()) {
        claim.getCareTeam().stream().filter(m -> m.hasSequence() && Objects.equals(m.getSequence(), seq.getValue())).forEach(members::add);
      }
    } else {
      members.addAll(claim.getCareTeam());
    }
    for (Claim.CareTeamComponent m : members) {
      String id = practitionerOf(m.getProvider());
      if (id != null) {
        return id;
      }
    }
    return practitionerOf(claim.getProvider());
  }

  /** The Practitioner a reference names, directly or as the practitioner of a stored PractitionerRole. */
  private String practitionerOf(Reference ref) {
    String[] target = typeAndId(ref);
    if (target == null) {
      return null;
    }
    if ("Practitioner".equals(target[0])) {
      return target[1];
    }
    if ("PractitionerRole".equals(target[0])) {
      return stored.resolve("PractitionerRole/" + target[1])
          .filter(PractitionerRole.class::isInstance)
          .map(r -> typeAndId(((PractitionerRole) r).getPractitioner()))
          .filter(t -> "Practitioner".equals(t[0]))
          .map(t -> t[1])
          .orElse(null);
    }
    return null;
  }

  private static String idOf(Reference ref, String type) {
    String[] target = typeAndId(ref);
    return target != null && type.equals(target[0]) ? target[1] : null;
  }

  private static String[] typeAndId(Reference ref) {
    if (ref == null || !ref.hasReference()) {
      return null;
    }
    Matcher m = TYPE_AND_ID.matcher(ref.getReference());
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }

  /**
   * The ICD-10-CM category (3 characters: F41.1 is F41) of the line's diagnosis: those its {@code diagnosisSequence}
   * names, else the claim's, in order; the first in ICD-10-CM.
   */
  private static String diagnosisCategory(Claim claim, Claim.ItemComponent item, ClaimFacts facts) {
    List<Integer> indexes = new ArrayList<>();
    List<Claim.DiagnosisComponent> diagnoses = claim.getDiagnosis();
    if (item.hasDiagnosisSequence()) {
      for (var seq : item.getDiagnosisSequence()) {
        for (int d = 0; d < diagnoses.size(); d++) {
          if (diagnoses.get(d).hasSequence() && Objects.equals(diagnoses.get(d).getSequence(), seq.getValue())) {
            indexes.add(d);
          }
        }
      }
    }
    if (indexes.isEmpty()) {
      for (int d = 0; d < diagnoses.size(); d++) {
        indexes.add(d);
      }
    }
    for (int d : indexes) {
      String path = facts.diagnosisPath() + "[" + d + "]";
      for (Coded c : facts.diagnoses()) {
        if (c.path().startsWith(path) && Systems.isIcd10Cm(c.system()) && c.code() != null) {
          return category(c.code());
        }
      }
    }
    return null;
  }

  static String category(String icd) {
    String c = icd.replace(".", "").trim().toUpperCase(java.util.Locale.ROOT);
    return c.length() > 3 ? c.substring(0, 3) : c;
  }

  /** An add-on whose primaries are all E/M codes (90833, 90836, 90838), with none of them on the claim on its date. */
  private boolean addOnWithoutEm(BilledLine line, List<BilledLine> claimLines) {
    BillingCode code = line.billing().orElse(null);
    if (code == null || !code.addOn() || code.primaryCodes().isEmpty() || !book.isEmAddOn(code)) {
      return false;
    }
    return claimLines.stream()
        .filter(o -> o != line && Objects.equals(o.date(), line.date()))
        .noneMatch(o -> code.primaryCodes().contains(o.code()));
  }

  /** The first NUCC taxonomy of Practitioner.qualification. */
  private static String taxonomy(Practitioner p) {
    for (var q : p.getQualification()) {
      for (Coding c : q.getCode().getCoding()) {
        if (Systems.NUCC.equals(c.getSystem()) && c.hasCode()) {
          return c.getCode();
        }
      }
    }
    return null;
  }

  private static String name(Practitioner p) {
    if (!p.hasName()) {
      return null;
    }
    var n = p.getNameFirstRep();
    if (n.hasText()) {
      return n.getText();
    }
    String given = n.getGiven().stream().map(g -> g.getValue()).filter(Objects::nonNull).reduce((a, b) -> a + " " + b).orElse("");
    String full = (given + " " + (n.hasFamily() ? n.getFamily() : "")).trim();
    return full.isEmpty() ? null : full.length() > 255 ? full.substring(0, 255) : full;
  }
}
