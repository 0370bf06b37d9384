package org.psychcode.fhir.rules;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.psychcode.fhir.terminology.CoreTerminology;
import org.psychcode.fhir.terminology.TerminologyProperties;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyService;

/**
 * A visit described in a few words (an individual session of 50 minutes billed as 90837) and turned into the
 * {@link VisitContext} the reader would build, evaluated against the real {@code terminology/} files.
 */
final class Scenario {

  static final TerminologyRegistry REGISTRY = registry();
  static final CodeBook BOOK =
      CodeBook.from(new TerminologyService(REGISTRY, new CoreTerminology(FhirContext.forR4Cached()), FhirContext.forR4Cached()));
  static final RuleCatalog CATALOG = RuleCatalog.from(REGISTRY);
  static final BillingRuleEngine ENGINE = BillingRuleEngine.standard(BOOK, CATALOG);
  static final LocalDate DAY = LocalDate.parse("2025-03-04");
  static final String ENCOUNTER = "Bundle.entry[4].resource";
  static final String CLAIM = "Bundle.entry[5].resource";

  private static TerminologyRegistry registry() {
    try {
      return new TerminologyRegistry(FhirContext.forR4Cached(), new TerminologyProperties("file:terminology/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Double length;
  private Double period;
  private Modality modality = Modality.IN_PERSON;
  private String classCode = "AMB";
  private String sessionType;
  private boolean groupSubject;
  private List<String> groupMembers;
  private String subject = "Patient/p1";
  private LocalDate encounterStart = DAY;
  private LocalDate encounterEnd = DAY;
  private String claimPatient = "Patient/p1";
  private final List<Coded> diagnoses = new ArrayList<>(List.of(new Coded(Systems.ICD_10_CM, "F41.1", CLAIM + ".diagnosis[0].diagnosisCodeableConcept")));
  private int diagnosisCount = 1;
  private int unreadableDiagnoses;
  private final List<Line> lines = new ArrayList<>();
  private boolean encounterAlone;

  static Scenario session(String sessionType, double minutes) {
    Scenario s = new Scenario();
    s.sessionType = sessionType;
    s.length = minutes;
    return s;
  }

  static Scenario untypedSession(double minutes) {
    return session(null, minutes);
  }

  Scenario length(Double minutes) {
    this.length = minutes;
    return this;
  }

  Scenario period(Double minutes) {
    this.period = minutes;
    return this;
  }

  Scenario noTime() {
    this.length = null;
    this.period = null;
    return this;
  }

  Scenario virtual() {
    this.modality = Modality.VIRTUAL;
    this.classCode = "VR";
    return this;
  }

  Scenario noClass() {
    this.modality = Modality.UNKNOWN;
    this.classCode = null;
    return this;
  }

  Scenario subject(String reference) {
    this.subject = reference;
    return this;
  }

  /** The encounter's subject is a Group; {@code members} null when the Group is not in the request. */
  Scenario groupSubject(String... members) {
    this.groupSubject = true;
    this.subject = "Group/g1";
    this.groupMembers = members == null ? null : List.of(members);
    if (sessionType == null) {
      sessionType = "group";
    }
    return this;
  }

  Scenario encounterDates(String start, String end) {
    this.encounterStart = LocalDate.parse(start);
    this.encounterEnd = LocalDate.parse(end);
    return this;
  }

  Scenario patient(String reference) {
    this.claimPatient = reference;
    return this;
  }

  Scenario noDiagnosis() {
    diagnoses.clear();
    diagnosisCount = 0;
    return this;
  }

  Scenario diagnoses(String... icd10cm) {
    diagnoses.clear();
    for (int i = 0; i < icd10cm.length; i++) {
      diagnoses.add(new Coded(Systems.ICD_10_CM, icd10cm[i], CLAIM + ".diagnosis[" + i + "].diagnosisCodeableConcept"));
    }
    diagnosisCount = icd10cm.length;
    return this;
  }

  /** The only diagnosis, in another code system than ICD-10-CM. */
  Scenario diagnosisIn(String system, String code) {
    diagnoses.clear();
    diagnoses.add(new Coded(system, code, CLAIM + ".diagnosis[0].diagnosisCodeableConcept"));
    diagnosisCount = 1;
    return this;
  }

  Scenario unreadableDiagnosis() {
    unreadableDiagnoses++;
    diagnosisCount++;
    return this;
  }

  /** No Claim: the codes are {@code Encounter.type} codings checked on their own. */
  Scenario encounterAlone() {
    this.encounterAlone = true;
    return this;
  }

  Scenario bill(String code) {
    return bill(code, l -> {});
  }

  Scenario bill(String code, Consumer<Line> options) {
    Line line = new Line(code);
    options.accept(line);
    lines.add(line);
    return this;
  }

  static final class Line {
    private final String code;
    private String system;
    private int units = 1;
    private String place = "11";
    private final List<String> modifiers = new ArrayList<>();
    private LocalDate date;
    private Double ownMinutes;
    private EncounterLink.State link = EncounterLink.State.RESOLVED;
    private List<String> taxonomies = List.of("2084P0800X");

    Line(String code) {
      this.code = code;
    }

    Line system(String system) {
      this.system = system;
      return this;
    }

    Line units(int units) {
      this.units = units;
      return this;
    }

    Line place(String place) {
      this.place = place;
      return this;
    }

    Line modifier(String modifier) {
      modifiers.add(modifier);
      return this;
    }

    Line date(String date) {
      this.date = LocalDate.parse(date);
      return this;
    }

    Line ownMinutes(double minutes) {
      this.ownMinutes = minutes;
      return this;
    }

    Line noEncounter() {
      this.link = EncounterLink.State.ABSENT;
      return this;
    }

    Line unresolvedEncounter() {
      this.link = EncounterLink.State.UNRESOLVED;
      return this;
    }

    Line taxonomy(String... taxonomies) {
      this.taxonomies = List.of(taxonomies);
      return this;
    }
  }

  VisitContext context() {
    EncounterFacts encounter =
        new EncounterFacts(
            ENCOUNTER,
            length == null ? OptionalDouble.empty() : OptionalDouble.of(length),
            period == null ? OptionalDouble.empty() : OptionalDouble.of(period),
            modality,
            classCode,
            Optional.ofNullable(sessionType),
            sessionType != null && !(groupSubject && "group".equals(sessionType)),
            party(subject),
            groupSubject,
            groupMembers == null ? Optional.empty() : Optional.of(groupMembers.stream().map(Scenario::party).toList()),
            encounterStart,
            encounterEnd);
    if (encounterAlone) {
      List<BilledLine> encounterLines = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        encounterLines.add(line(lines.get(i), ENCOUNTER + ".type[" + i + "]", "the encounter type", encounter, true));
      }
      return new VisitContext(List.of(), List.of(encounter), encounterLines);
    }
    List<BilledLine> claimLines = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      claimLines.add(line(lines.get(i), CLAIM + ".item[" + i + "]", "line " + (i + 1), encounter, false));
    }
    ClaimFacts claim =
        new ClaimFacts(CLAIM, party(claimPatient), List.copyOf(diagnoses), diagnosisCount, unreadableDiagnoses, claimLines);
    return new VisitContext(List.of(claim), List.of(encounter), List.of());
  }

  private static BilledLine line(Line l, String path, String label, EncounterFacts encounter, boolean fromEncounter) {
    String codePath = fromEncounter ? path : path + ".productOrService";
    EncounterLink link =
        switch (l.link) {
          case RESOLVED -> fromEncounter
              ? EncounterLink.resolved(null, ENCOUNTER, encounter)
              : EncounterLink.resolved("urn:uuid:enc", path + ".encounter[0]", encounter);
          case UNRESOLVED -> EncounterLink.unresolved("urn:uuid:missing", path + ".encounter[0]", null);
          case ABSENT -> EncounterLink.absent(path);
        };
    List<Coded> modifiers = new ArrayList<>();
    for (int i = 0; i < l.modifiers.size(); i++) {
      modifiers.add(new Coded(null, l.modifiers.get(i), path + ".modifier[" + i + "]"));
    }
    boolean dateStated = l.date != null;
    LocalDate date = dateStated ? l.date : (link.isResolved() ? encounter.startDate() : null);
    return new BilledLine(
        fromEncounter ? BilledLine.Source.ENCOUNTER_TYPE : BilledLine.Source.CLAIM_ITEM,
        label,
        path,
        codePath,
        l.system,
        l.code,
        BOOK.procedure(l.system, l.code),
        l.units,
        path + ".quantity",
        modifiers,
        fromEncounter || l.place == null ? Optional.empty() : Optional.of(new Coded(Systems.PLACE_OF_SERVICE, l.place, path + ".locationCodeableConcept")),
        date,
        dateStated,
        path + ".servicedDate",
        l.ownMinutes == null ? OptionalDouble.empty() : OptionalDouble.of(l.ownMinutes),
        link,
        fromEncounter ? List.of() : l.taxonomies,
        fromEncounter ? null : CLAIM + ".careTeam[0].qualification");
  }

  private static Party party(String reference) {
    return new Party(reference, reference == null ? Set.of() : Set.of(reference));
  }

  List<Finding> findings() {
    return ENGINE.evaluate(context());
  }

  Set<String> ruleIds() {
    return findings().stream().map(Finding::ruleId).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  List<Finding> findings(String ruleId) {
    return findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  static Set<String> ids(String... ids) {
    return new LinkedHashSet<>(Arrays.asList(ids));
  }
}
