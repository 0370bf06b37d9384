package org.psychcode.fhir.pages;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Suggestion;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.validation.CodeSuggestions;
import org.psychcode.fhir.validation.ConformanceResources;
import org.psychcode.fhir.validation.VisitValidator;
import org.springframework.stereotype.Component;

/**
 * The visit checker behind {@code /check}: a pasted or uploaded visit (a Bundle, Claim or Encounter in JSON or XML),
 * or a visit made from a short form, is validated exactly as {@code $validate} validates it and billed as
 * {@code $suggest-codes} suggests; each finding is placed beside the claim line its FHIRPath points into.
 */
@Component
class VisitCheck {

  static final String BILLING_RULE = Systems.BILLING_RULE;
  private static final Pattern ITEM = Pattern.compile("^(.*?)\\.item\\[(\\d+)\\]");
  private static final Pattern BILLED = Pattern.compile("([0-9A-Za-z]{5})(?:\\s*[x×*]\\s*(\\d+))?");
  private static final java.time.format.DateTimeFormatter SECONDS = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  private static final java.util.Set<String> DIAGNOSIS_RULES = java.util.Set.of("diagnosis-missing", "diagnosis-not-behavioral", "diagnosis-not-billable");

  private final FhirContext ctx;
  private final VisitValidator validator;
  private final CodeSuggestions suggestions;
  private final CodeBook book;
  private final Map<String, String> examples;

  VisitCheck(FhirContext ctx, VisitValidator validator, CodeSuggestions suggestions, CodeBook book) {
    this.ctx = ctx;
    this.validator = validator;
    this.suggestions = suggestions;
    this.book = book;
    Map<String, String> named = new LinkedHashMap<>();
    ConformanceResources.named("examples/*.json").forEach((file, text) -> named.put(file.replace(".json", ""), text));
    this.examples = named;
  }

  Map<String, String> examples() {
    return examples;
  }

  /** The short form: what a biller knows of a session without a FHIR export. */
  record Form(Integer minutes, String sessionType, String encounterClass, String taxonomy, String codes, String place, String modifiers, String diagnosis) {
    boolean blank() {
      return minutes == null && isBlank(codes);
    }
  }

  /** One finding in a biller's words. */
  record Shown(String severity, String rule, String text) {}

  /** A billed line and what was found about it. */
  record ShownLine(String label, String code, String display, int units, String place, List<String> modifiers, List<Shown> findings) {}

  record Result(
      List<ShownLine> lines,
      List<Shown> visitFindings,
      List<Shown> otherChecks,
      boolean clean,
      List<Suggestion> suggestions,
      Optional<String> noSuggestion,
      List<String> notes) {}

  /** What could not be read at all, in words. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  Result check(String text) throws Unreadable {
    String body = text.strip();
    EncodingEnum encoding = body.startsWith("<") ? EncodingEnum.XML : EncodingEnum.JSON;
    IBaseResource resource;
    try {
      resource = encoding.newParser(ctx).parseResource(body);
    } catch (DataFormatException e) {
      throw new Unreadable("The visit cannot be read as FHIR " + encoding.name() + ": " + e.getMessage());
    }
    if (!(resource instanceof Bundle) && !(resource instanceof Claim) && !(resource instanceof Encounter)) {
      throw new Unreadable("Paste a Bundle holding the visit, a Claim or an Encounter; this is " + article(resource.fhirType()) + ".");
    }
    return check(resource, body, encoding, Optional.empty(), List.of());
  }

  Result check(Form form) throws Unreadable {
    if (form.blank()) {
      throw new Unreadable("Give the session's minutes or the billed codes, or paste a visit.");
    }
    List<String> notes = new ArrayList<>();
    Bundle bundle = bundle(form, notes);
    Optional<String> taxonomy = isBlank(form.taxonomy()) ? Optional.empty() : Optional.of(form.taxonomy().trim());
    return check(bundle, null, EncodingEnum.JSON, taxonomy, notes);
  }

  private Result check(IBaseResource resource, String text, EncodingEnum encoding, Optional<String> taxonomy, List<String> notes) throws Unreadable {
    OperationOutcome oo;
    try {
      oo = validator.validate(resource, text, encoding, null);
    } catch (BaseServerResponseException e) {
      throw new Unreadable(e.getMessage());
    }
    boolean noDiagnosis = notes.stream().anyMatch(n -> n.startsWith("No diagnosis"));
    Map<String, ShownLine> lines = lines(resource);
    List<Shown> visit = new ArrayList<>();
    List<Shown> other = new ArrayList<>();
    boolean clean = true;
    for (OperationOutcomeIssueComponent issue : oo.getIssue()) {
      String rule = issue.getDetails().getCoding().stream().filter(c -> BILLING_RULE.equals(c.getSystem())).map(Coding::getCode).findFirst().orElse(null);
      if (rule != null && noDiagnosis && DIAGNOSIS_RULES.contains(rule)) {
        continue;
      }
      String severity = issue.getSeverity() == null ? "information" : issue.getSeverity().toCode();
      Shown shown = new Shown(severity, rule, issue.getDetails().hasText() ? issue.getDetails().getText() : issue.getDiagnostics());
      if (!"information".equals(severity)) {
        clean = false;
      }
      if (rule == null) {
        if (!"information".equals(severity)) {
          other.add(shown);
        }
        continue;
      }
      ShownLine line = null;
      for (StringType e : issue.getExpression()) {
        Matcher m = ITEM.matcher(e.getValue());
        if (m.find()) {
          line = lines.get(m.group(0));
          if (line != null) {
            break;
          }
        }
      }
      (line != null ? line.findings() : visit).add(shown);
    }
    List<Suggestion> suggested = List.of();
    Optional<String> none = Optional.empty();
    try {
      suggested = suggestions.suggest(resource, taxonomy);
    } catch (BaseServerResponseException e) {
      none = Optional.of(e.getMessage());
    }
    return new Result(List.copyOf(lines.values()), visit, other, clean, suggested, none, notes);
  }

  /** The claim lines of the visit, keyed by their FHIRPath ({@code Bundle.entry[5].resource.item[0]}). */
  private Map<String, ShownLine> lines(IBaseResource resource) {
    Map<String, ShownLine> out = new LinkedHashMap<>();
    if (resource instanceof Claim claim) {
      addLines(out, claim, "Claim", "");
    } else if (resource instanceof Bundle bundle) {
      long claims = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Claim).count();
      for (int i = 0; i < bundle.getEntry().size(); i++) {
        if (bundle.getEntry().get(i).getResource() instanceof Claim claim) {
          addLines(out, claim, "Bundle.entry[" + i + "].resource", claims > 1 ? "Claim " + (claim.hasId() ? claim.getIdElement().getIdPart() : i) + ", " : "");
        }
      }
    }
    return out;
  }

  private void addLines(Map<String, ShownLine> out, Claim claim, String path, String prefix) {
    for (int k = 0; k < claim.getItem().size(); k++) {
      Claim.ItemComponent item = claim.getItem().get(k);
      Coding coding = item.getProductOrService().getCoding().stream().filter(Coding::hasCode).findFirst().orElse(new Coding());
      String code = coding.getCode();
      String display = code == null ? "" : book.procedure(code).map(BillingCode::display).orElse(coding.hasDisplay() ? coding.getDisplay() : "");
      int units = item.hasQuantity() && item.getQuantity().hasValue() ? item.getQuantity().getValue().intValue() : 1;
      String place = item.hasLocationCodeableConcept() ? item.getLocationCodeableConcept().getCodingFirstRep().getCode() : null;
      List<String> modifiers = item.getModifier().stream().map(m -> m.getCodingFirstRep().getCode()).toList();
      out.put(
          path + ".item[" + k + "]",
          new ShownLine(prefix + "Line " + (item.hasSequence() ? item.getSequence() : k + 1), code, display, units, place, modifiers, new ArrayList<>()));
    }
  }

  // ---- the short form as a visit ---------------------------------------------------------------------------

  private Bundle bundle(Form form, List<String> notes) throws Unreadable {
    LocalDate day = LocalDate.now();
    Patient patient = new Patient();
    patient.setId("patient");
    patient.addName().setFamily("Form").addGiven("Visit");
    Practitioner practitioner = new Practitioner();
    practitioner.setId("practitioner");
    practitioner.addName().setFamily("Clinician");
    boolean hasTaxonomy = !isBlank(form.taxonomy());
    if (hasTaxonomy) {
      practitioner.addQualification().setCode(concept(Systems.NUCC, form.taxonomy().trim()));
    }
    Encounter encounter = new Encounter();
    encounter.setId("encounter");
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    boolean virtual = "VR".equals(form.encounterClass());
    encounter.setClass_(new Coding(Systems.ACT_CODE, virtual ? "VR" : "AMB", virtual ? "virtual" : "ambulatory"));
    if (!isBlank(form.sessionType())) {
      encounter.addType(concept(Systems.SESSION_TYPE, form.sessionType()));
    }
    encounter.setSubject(new Reference("urn:uuid:patient"));
    encounter.addParticipant().setIndividual(new Reference("urn:uuid:practitioner"));
    String start = day + "T10:00:00Z";
    Period period = new Period().setStartElement(new DateTimeType(start));
    if (form.minutes() != null) {
      if (form.minutes() < 0 || form.minutes() > 24 * 60) {
        throw new Unreadable("The minutes must be between 0 and 1440.");
      }
      period.setEndElement(new DateTimeType(java.time.OffsetDateTime.parse(start).plusMinutes(form.minutes()).format(SECONDS)));
      Duration length = new Duration();
      length.setValue(BigDecimal.valueOf(form.minutes())).setUnit("min").setSystem(Systems.UCUM).setCode("min");
      encounter.setLength(length);
    }
    encounter.setPeriod(period);
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle.addEntry().setFullUrl("urn:uuid:patient").setResource(patient);
    bundle.addEntry().setFullUrl("urn:uuid:practitioner").setResource(practitioner);
    bundle.addEntry().setFullUrl("urn:uuid:encounter").setResource(encounter);
    if (!isBlank(form.codes())) {
      bundle.addEntry().setFullUrl("urn:uuid:claim").setResource(claim(form, day, virtual, hasTaxonomy, notes));
    } else {
      notes.add("No codes were billed: only the suggestion is shown.");
    }
    return bundle;
  }

  private Claim claim(Form form, LocalDate day, boolean virtual, boolean hasTaxonomy, List<String> notes) throws Unreadable {
    Claim claim = new Claim();
    claim.setId("claim");
    claim.setStatus(Claim.ClaimStatus.ACTIVE);
    claim.setType(concept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"));
    claim.setUse(Claim.Use.CLAIM);
    claim.setPatient(new Reference("urn:uuid:patient"));
    claim.setCreatedElement(new DateTimeType(day.toString()));
    claim.setProvider(new Reference("urn:uuid:practitioner"));
    claim.setPriority(concept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"));
    claim.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference().setDisplay("Health plan"));
    Claim.CareTeamComponent team = claim.addCareTeam().setSequence(1).setProvider(new Reference("urn:uuid:practitioner"));
    if (hasTaxonomy) {
      team.setQualification(concept(Systems.NUCC, form.taxonomy().trim()));
    }
    if (isBlank(form.diagnosis())) {
      notes.add("No diagnosis was given: the diagnosis rules were not checked.");
    } else {
      claim.addDiagnosis().setSequence(1).setDiagnosis(concept(Systems.ICD_10_CM, form.diagnosis().trim().toUpperCase(Locale.ROOT)));
    }
    String place = !isBlank(form.place()) ? form.place().trim() : virtual ? book.telehealthPlace(true).orElse("10") : "11";
    Matcher m = BILLED.matcher(form.codes().toUpperCase(Locale.ROOT));
    while (m.find()) {
      String code = m.group(1);
      Claim.ItemComponent item = claim.addItem();
      item.setSequence(claim.getItem().size());
      item.addCareTeamSequence(1);
      if (claim.hasDiagnosis()) {
        item.addDiagnosisSequence(1);
      }
      String system = book.procedure(code).map(BillingCode::system).orElse(Systems.CPT);
      item.setProductOrService(concept(system, code));
      item.setServiced(new DateType(day.toString()));
      item.setLocation(concept(Systems.PLACE_OF_SERVICE, place));
      item.setQuantity(new Quantity().setValue(m.group(2) == null ? 1 : Integer.parseInt(m.group(2))));
      if (!isBlank(form.modifiers())) {
        for (String modifier : form.modifiers().toUpperCase(Locale.ROOT).split("[\\s,]+")) {
          if (!modifier.isBlank()) {
            item.addModifier(concept(book.procedure(modifier).map(BillingCode::system).orElse(Systems.CPT), modifier));
          }
        }
      }
      item.addEncounter(new Reference("urn:uuid:encounter"));
    }
    if (claim.getItem().isEmpty()) {
      throw new Unreadable("No code could be read from '" + form.codes() + "': write codes such as 90834, or 90839, 90840 x 2.");
    }
    return claim;
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String article(String word) {
    return ("AEIOU".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }
}
