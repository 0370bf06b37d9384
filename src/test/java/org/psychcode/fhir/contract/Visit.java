package org.psychcode.fhir.contract;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A behavioral-health visit written the way DESIGN.md says an EHR sends one, so each contract case states only
 * what differs from an ordinary, correctly billed session: a clinical social worker sees one patient in person on
 * 2025-03-04 from 10:00, and the claim carries an F-chapter diagnosis, the care team's NUCC taxonomy, place of
 * service 11 and a link to the encounter.
 */
final class Visit {

  static final String CPT = "http://www.ama-assn.org/go/cpt";
  static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  static final String HCPCS_HTTP = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  static final String NUCC = "http://nucc.org/provider-taxonomy";
  static final String POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String SESSION_TYPE = "http://psychcode.org/fhir/CodeSystem/session-type";
  static final String UCUM = "http://unitsofmeasure.org";

  static final String CLINICAL_SOCIAL_WORKER = "1041C0700X";
  static final String CLINICAL_PSYCHOLOGIST = "103TC0700X";
  static final String PSYCHIATRIST = "2084P0800X";
  static final String PSYCH_NURSE_PRACTITIONER = "363LP0808X";
  static final String PRESCRIBING_PSYCHOLOGIST = "103TP0016X";

  static final String DATE = "2025-03-04";
  private static final OffsetDateTime TEN_AM = OffsetDateTime.parse(DATE + "T10:00:00-05:00");
  private static final DateTimeFormatter FHIR_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final Patient patient = new Patient();
  private final Practitioner practitioner = new Practitioner();
  private final List<Resource> others = new ArrayList<>();
  private final List<Encounter> encounters = new ArrayList<>();
  private final Claim claim = new Claim();
  private final List<Resource> order = new ArrayList<>();
  private boolean claimless;

  private Visit(String sessionType) {
    id(patient);
    patient.addIdentifier(new Identifier().setSystem("http://example.org/fhir/mrn").setValue("MRN-" + shortId()));
    patient.addName().setFamily("Rivera").addGiven("Ana");
    patient.setGender(AdministrativeGender.FEMALE);
    id(practitioner);
    practitioner.addIdentifier(new Identifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("1234567893"));
    practitioner.addName().setFamily("Okafor").addGiven("Grace");
    encounters.add(newEncounter(sessionType, 50, TEN_AM));
    id(claim);
    claim.setStatus(Claim.ClaimStatus.ACTIVE);
    claim.setType(concept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"));
    claim.setUse(Claim.Use.CLAIM);
    claim.setPatient(ref(patient));
    claim.setCreatedElement(new DateTimeType(DATE));
    claim.setProvider(new Reference().setDisplay("Riverbend Counseling"));
    claim.setPriority(concept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"));
    claim.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference().setDisplay("Example Health Plan"));
    claim.addCareTeam().setSequence(1).setProvider(ref(practitioner)).setQualification(concept(NUCC, CLINICAL_SOCIAL_WORKER));
    diagnoses("F41.1");
  }

  /** A 50-minute in-person session of the given session type (null: no session-type coding). */
  static Visit session(String sessionType) {
    return new Visit(sessionType);
  }

  static Visit individual() {
    return session("individual");
  }

  // ----- the encounter ---------------------------------------------------------------------------------------

  Encounter encounter() {
    return encounters.get(0);
  }

  Encounter encounter(int index) {
    return encounters.get(index);
  }

  /** Sets length (UCUM min) and a period of the same length on the first encounter. */
  Visit minutes(int minutes) {
    return minutes(0, minutes);
  }

  Visit minutes(int encounter, int minutes) {
    Encounter e = encounters.get(encounter);
    e.setLength(duration(BigDecimal.valueOf(minutes), "min"));
    OffsetDateTime start = OffsetDateTime.parse(e.getPeriod().getStartElement().getValueAsString());
    e.getPeriod().setEndElement(new DateTimeType(start.plusMinutes(minutes).format(FHIR_TIME)));
    return this;
  }

  /** Length in the given UCUM unit; the period keeps only its start (an open period). */
  Visit lengthOnly(String value, String unit) {
    encounter().setLength(duration(new BigDecimal(value), unit));
    encounter().getPeriod().setEnd(null);
    return this;
  }

  /** A closed period of the given minutes and no length. */
  Visit periodOnly(int minutes) {
    encounter().setLength(null);
    OffsetDateTime start = OffsetDateTime.parse(encounter().getPeriod().getStartElement().getValueAsString());
    encounter().getPeriod().setEndElement(new DateTimeType(start.plusMinutes(minutes).format(FHIR_TIME)));
    return this;
  }

  /** Length of {@code lengthMinutes}, period of {@code periodMinutes}. */
  Visit lengthAndPeriod(int lengthMinutes, int periodMinutes) {
    periodOnly(periodMinutes);
    encounter().setLength(duration(BigDecimal.valueOf(lengthMinutes), "min"));
    return this;
  }

  /** A period with a start only and no length. */
  Visit openPeriod() {
    encounter().setLength(null);
    encounter().getPeriod().setEnd(null);
    return this;
  }

  /** Neither length nor period. */
  Visit noTime() {
    encounter().setLength(null);
    encounter().setPeriod(null);
    return this;
  }

  Visit virtual() {
    encounters.forEach(e -> e.setClass_(new Coding(ACT_CODE, "VR", "virtual")));
    return this;
  }

  Visit encounterClass(String code) {
    encounters.forEach(e -> e.setClass_(new Coding(ACT_CODE, code, null)));
    return this;
  }

  Visit noSessionType() {
    encounter().getType().clear();
    return this;
  }

  /** The session type given in Encounter.serviceType instead of Encounter.type. */
  Visit sessionTypeAsServiceType(String sessionType) {
    encounter().getType().clear();
    encounter().setServiceType(concept(SESSION_TYPE, sessionType));
    return this;
  }

  /** The first encounter's subject becomes a Group; the claim's patient is a member or not. */
  Visit groupSubject(boolean patientIsMember) {
    Group group = new Group();
    id(group);
    group.setType(Group.GroupType.PERSON).setActual(true).setName("Tuesday anxiety group");
    Patient other = new Patient();
    id(other);
    other.addName().setFamily("Chen").addGiven("Li");
    others.add(other);
    group.addMember().setEntity(ref(other));
    if (patientIsMember) {
      group.addMember().setEntity(ref(patient));
    }
    others.add(group);
    encounter().setSubject(ref(group));
    return this;
  }

  /** Another patient, in the Bundle but in no encounter. */
  Patient addPatient() {
    Patient other = new Patient();
    id(other);
    other.addName().setFamily("Novak").addGiven("Eva");
    others.add(other);
    return other;
  }

  /** Any further resource in the Bundle, before the encounters. */
  Visit add(Resource resource) {
    others.add(resource);
    return this;
  }

  /** A further encounter of this patient on {@code date} at 14:00; returns its index. */
  int addEncounter(String sessionType, int minutes, String date) {
    encounters.add(newEncounter(sessionType, minutes, OffsetDateTime.parse(date + "T14:00:00-05:00")));
    return encounters.size() - 1;
  }

  Visit withEncounter(Consumer<Encounter> change) {
    change.accept(encounter());
    return this;
  }

  // ----- the claim -------------------------------------------------------------------------------------------

  Claim claim() {
    return claim;
  }

  Patient patient() {
    return patient;
  }

  Practitioner practitioner() {
    return practitioner;
  }

  /** Bills a CPT code on the first encounter, POS 11, one unit, dated the visit's date. */
  Visit bill(String cpt) {
    return bill(cpt, line -> {});
  }

  Visit bill(String cpt, Consumer<Line> change) {
    Claim.ItemComponent item = claim.addItem();
    item.setSequence(claim.getItem().size());
    item.addCareTeamSequence(1);
    item.addDiagnosisSequence(1);
    item.setProductOrService(concept(CPT, cpt));
    item.setServiced(new DateType(DATE));
    item.setLocation(concept(POS, "11"));
    item.setQuantity(new Quantity().setValue(1));
    item.addEncounter(ref(encounter()));
    change.accept(new Line(item));
    return this;
  }

  /** Sets the NUCC taxonomy on the care team (the claim's own statement of the provider). */
  Visit provider(String taxonomy) {
    claim.getCareTeamFirstRep().setQualification(concept(NUCC, taxonomy));
    return this;
  }

  /** The care team names no taxonomy; the referenced Practitioner's qualification carries it. */
  Visit providerOnPractitioner(String taxonomy) {
    claim.getCareTeamFirstRep().setQualification(null);
    practitioner.getQualification().clear();
    practitioner.addQualification().setCode(concept(NUCC, taxonomy));
    return this;
  }

  /** The care team points at a PractitionerRole whose specialty carries the taxonomy. */
  Visit providerAsRole(String taxonomy) {
    PractitionerRole role = new PractitionerRole();
    id(role);
    role.setPractitioner(ref(practitioner));
    role.addSpecialty(concept(NUCC, taxonomy));
    others.add(role);
    claim.getCareTeamFirstRep().setQualification(null).setProvider(ref(role));
    return this;
  }

  Visit diagnoses(String... icd10cm) {
    claim.getDiagnosis().clear();
    for (String code : icd10cm) {
      claim.addDiagnosis().setSequence(claim.getDiagnosis().size()).setDiagnosis(concept(ICD10CM, code));
    }
    return this;
  }

  Visit noDiagnosis() {
    claim.getDiagnosis().clear();
    claim.getItem().forEach(i -> i.getDiagnosisSequence().clear());
    return this;
  }

  /** Leaves the Claim out: the Bundle holds only the visit's clinical resources. */
  Visit withoutClaim() {
    claimless = true;
    return this;
  }

  // ----- building -------------------------------------------------------------------------------------------

  Bundle bundle() {
    return bundle(Bundle.BundleType.COLLECTION);
  }

  Bundle bundle(Bundle.BundleType type) {
    order.clear();
    order.add(patient);
    order.add(practitioner);
    order.addAll(others);
    order.addAll(encounters);
    if (!claimless) {
      order.add(claim);
    }
    Bundle b = new Bundle().setType(type);
    for (Resource r : order) {
      Bundle.BundleEntryComponent e = b.addEntry().setFullUrl(fullUrl(r)).setResource(r);
      if (type == Bundle.BundleType.TRANSACTION || type == Bundle.BundleType.BATCH) {
        e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
      }
    }
    return b;
  }

  /** FHIRPath of a resource of the last built Bundle, e.g. {@code Bundle.entry[4].resource}. */
  String path(Resource r) {
    int i = order.indexOf(r);
    if (i < 0) {
      throw new IllegalStateException("not in the last built bundle: " + r.getIdElement().getIdPart());
    }
    return "Bundle.entry[" + i + "].resource";
  }

  String claimPath() {
    return path(claim);
  }

  String encounterPath() {
    return path(encounter());
  }

  String encounterPath(int index) {
    return path(encounters.get(index));
  }

  String line(int index) {
    return claimPath() + ".item[" + index + "]";
  }

  static String fullUrl(Resource r) {
    return "urn:uuid:" + r.getIdElement().getIdPart();
  }

  static Reference ref(Resource r) {
    return new Reference(fullUrl(r));
  }

  static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  static Duration duration(BigDecimal value, String unit) {
    Duration d = new Duration();
    d.setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit);
    return d;
  }

  private Encounter newEncounter(String sessionType, int minutes, OffsetDateTime start) {
    Encounter e = new Encounter();
    id(e);
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(new Coding(ACT_CODE, "AMB", "ambulatory"));
    if (sessionType != null) {
      e.addType(concept(SESSION_TYPE, sessionType));
    }
    e.setSubject(ref(patient));
    e.addParticipant().setIndividual(ref(practitioner));
    e.setPeriod(new Period()
        .setStartElement(new DateTimeType(start.format(FHIR_TIME)))
        .setEndElement(new DateTimeType(start.plusMinutes(minutes).format(FHIR_TIME))));
    e.setLength(duration(BigDecimal.valueOf(minutes), "min"));
    return e;
  }

  private static void id(Resource r) {
    r.setId(UUID.randomUUID().toString());
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** One claim line, changed in place. */
  static final class Line {
    final Claim.ItemComponent item;

    private Line(Claim.ItemComponent item) {
      this.item = item;
    }

    Line system(String system) {
      item.getProductOrService().getCodingFirstRep().setSystem(system);
      return this;
    }

    Line units(String value) {
      item.setQuantity(new Quantity().setValue(new BigDecimal(value)));
      return this;
    }

    Line units(int value) {
      return units(Integer.toString(value));
    }

    Line pos(String placeOfService) {
      item.setLocation(concept(POS, placeOfService));
      return this;
    }

    Line modifier(String system, String code) {
      item.addModifier(concept(system, code));
      return this;
    }

    Line date(String date) {
      item.setServiced(new DateType(date));
      return this;
    }

    /** The line's own time: servicedPeriod from {@code startMinute} to {@code endMinute} after 10:00. */
    Line ownTime(int startMinute, int endMinute) {
      item.setServiced(new Period()
          .setStartElement(new DateTimeType(TEN_AM.plusMinutes(startMinute).format(FHIR_TIME)))
          .setEndElement(new DateTimeType(TEN_AM.plusMinutes(endMinute).format(FHIR_TIME))));
      return this;
    }

    Line encounter(Encounter e) {
      item.getEncounter().clear();
      item.addEncounter(ref(e));
      return this;
    }

    /** Points the line at these encounters, in this order. */
    Line encounters(Encounter... encounters) {
      item.getEncounter().clear();
      for (Encounter e : encounters) {
        item.addEncounter(ref(e));
      }
      return this;
    }

    Line encounterReference(String reference) {
      item.getEncounter().clear();
      item.addEncounter(new Reference(reference));
      return this;
    }

    Line noEncounter() {
      item.getEncounter().clear();
      return this;
    }

    Line noCareTeam() {
      item.getCareTeamSequence().clear();
      return this;
    }

    Line careTeam(int sequence) {
      item.getCareTeamSequence().clear();
      item.getCareTeamSequence().add(new PositiveIntType(sequence));
      return this;
    }
  }
}
