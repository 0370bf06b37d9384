package org.psychcode.fhir.validation;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.rules.BilledLine;
import org.psychcode.fhir.rules.ClaimFacts;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Coded;
import org.psychcode.fhir.rules.EncounterFacts;
import org.psychcode.fhir.rules.EncounterLink;
import org.psychcode.fhir.rules.Modality;
import org.psychcode.fhir.rules.Party;
import org.psychcode.fhir.rules.SessionToBill;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.rules.VisitContext;

/**
 * Reads a posted Encounter, Claim or Bundle into the {@link VisitContext} the billing rules check, exactly as
 * DESIGN's "How a request is read" says: the duration from {@code length} (min, h or s) else the period; the
 * session type from a session-type coding in {@code type}/{@code serviceType} or a Group subject; code,
 * units, modifiers, place and date from each claim line; the encounter through {@code item.encounter},
 * resolved inside the Bundle by {@code fullUrl} ({@code urn:uuid:} or relative) or {@code Type/id}, else from
 * the {@link StoredResources} (so are the Patient, Group, Practitioner and PractitionerRole it names); the provider from the care team's qualification, else the Practitioner or
 * PractitionerRole. Every fact carries the FHIRPath of where it was read, rooted at the posted resource.
 *
 * <p>What cannot be read as a visit (a claim without lines, an entry without a resource, a reference to
 * nothing, a duration in an unknown unit or below zero, too many entries) is a 4xx, never a guess.
 */
final class VisitReader {

  private static final Pattern TYPE_AND_ID = Pattern.compile("(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$");
  private static final String ACT_CODE_OLD = "http://hl7.org/fhir/v3/ActCode";

  private final CodeBook book;
  private final StoredResources store;
  private final int maxBundleEntries;

  VisitReader(CodeBook book, StoredResources store, int maxBundleEntries) {
    this.book = book;
    this.store = store;
    this.maxBundleEntries = maxBundleEntries;
  }

  VisitContext read(IBaseResource resource) {
    return new Reading().read(resource);
  }

  /** The Encounters of an Encounter or a Bundle, as {@link org.psychcode.fhir.rules.BillingSuggester} reads them. */
  List<SessionToBill> sessions(IBaseResource resource) {
    return new Reading().sessions(resource);
  }

  /** A located resource: where it sits in the request and how it is addressed. */
  private record Located(Resource resource, String path, String fullUrl) {}

  /** The state of reading one request: the Bundle's index and the encounters read so far. */
  private final class Reading {

    private final Map<String, Located> index = new HashMap<>();
    private final Map<Resource, EncounterFacts> encounters = new IdentityHashMap<>();
    private final Map<EncounterFacts, Encounter> sources = new IdentityHashMap<>();
    private final List<EncounterFacts> encounterOrder = new ArrayList<>();
    private final List<ClaimFacts> claims = new ArrayList<>();
    private final Map<String, Optional<Resource>> stored = new HashMap<>();

    VisitContext read(IBaseResource resource) {
      if (resource instanceof Bundle bundle) {
        readBundle(bundle);
      } else if (resource instanceof Encounter encounter) {
        encounter(encounter, "Encounter");
      } else if (resource instanceof Claim claim) {
        claims.add(claim(claim, "Claim"));
      } else {
        throw BadRequests.invalid(
            null, IssueType.NOTSUPPORTED, "Only an Encounter, a Claim or a Bundle can be validated here, not " + resource.fhirType() + ".");
      }
      List<BilledLine> encounterLines = new ArrayList<>();
      if (claims.isEmpty()) {
        encounterOrder.forEach(e -> encounterLines.addAll(typeLines(e)));
      }
      return new VisitContext(claims, encounterOrder, encounterLines);
    }

    private void readBundle(Bundle bundle) {
      List<Bundle.BundleEntryComponent> entries = indexBundle(bundle);
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).getResource() instanceof Encounter e) {
          encounter(e, "Bundle.entry[" + i + "].resource");
        }
      }
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).getResource() instanceof Claim c) {
          claims.add(claim(c, "Bundle.entry[" + i + "].resource"));
        }
      }
    }

    List<SessionToBill> sessions(IBaseResource resource) {
      List<Located> found = new ArrayList<>();
      if (resource instanceof Bundle bundle) {
        List<Bundle.BundleEntryComponent> entries = indexBundle(bundle);
        for (int i = 0; i < entries.size(); i++) {
          if (entries.get(i).getResource() instanceof Encounter e) {
            found.add(new Located(e, "Bundle.entry[" + i + "].resource", entries.get(i).getFullUrl()));
          }
        }
        if (found.isEmpty()) {
          throw BadRequests.invalid("Bundle.entry", IssueType.REQUIRED, "The Bundle holds no Encounter: codes are suggested from the encounters of a visit.");
        }
      } else if (resource instanceof Encounter e) {
        index(e, "Encounter", null);
        found.add(new Located(e, "Encounter", null));
      } else {
        throw BadRequests.invalid(
            null, IssueType.NOTSUPPORTED, "Codes are suggested for an Encounter or a Bundle holding Encounters, not for " + article(resource.fhirType()) + ".");
      }
      List<SessionToBill> sessions = new ArrayList<>();
      for (Located l : found) {
        Encounter e = (Encounter) l.resource();
        EncounterFacts facts = encounter(e, l.path());
        String reference =
            l.fullUrl() != null && !l.fullUrl().isBlank()
                ? l.fullUrl()
                : e.getIdElement().hasIdPart() ? "Encounter/" + e.getIdElement().getIdPart() : null;
        List<Coded> codes = new ArrayList<>();
        for (int k = 0; k < e.getType().size(); k++) {
          for (Coding c : e.getType().get(k).getCoding()) {
            if (c.hasCode() && Systems.isProcedureSystem(c.getSystem())) {
              codes.add(new Coded(c.getSystem(), c.getCode(), l.path() + ".type[" + k + "]"));
            }
          }
        }
        List<String> taxonomies = new ArrayList<>();
        for (int k = 0; k < e.getParticipant().size(); k++) {
          Encounter.EncounterParticipantComponent p = e.getParticipant().get(k);
          if (p.hasIndividual()) {
            practitionerTaxonomies(p.getIndividual(), e, l.path(), l.path() + ".participant[" + k + "].individual", taxonomies);
          }
        }
        sessions.add(new SessionToBill(facts, reference, codes, taxonomies, place(e, l.path())));
      }
      return sessions;
    }

    /** The place-of-service code of the type of the encounter's first Location that has one. */
    private Optional<Coded> place(Encounter e, String path) {
      for (Encounter.EncounterLocationComponent l : e.getLocation()) {
        Located located = l.hasLocation() && l.getLocation().hasReference() ? resolve(l.getLocation().getReference(), e, path) : null;
        if (located != null && located.resource() instanceof Location location) {
          for (int k = 0; k < location.getType().size(); k++) {
            for (Coding c : location.getType().get(k).getCoding()) {
              if (c.hasCode() && Systems.PLACE_OF_SERVICE.equals(c.getSystem())) {
                return Optional.of(new Coded(c.getSystem(), c.getCode(), located.path() + ".type[" + k + "]"));
              }
            }
          }
        }
      }
      return Optional.empty();
    }

    private List<Bundle.BundleEntryComponent> indexBundle(Bundle bundle) {
      List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
      if (entries.size() > maxBundleEntries) {
        throw BadRequests.tooLarge(
            "Bundle.entry",
            "The Bundle holds " + entries.size() + " entries; at most " + maxBundleEntries + " can be validated in one request.");
      }
      boolean requests = bundle.getType() == Bundle.BundleType.TRANSACTION || bundle.getType() == Bundle.BundleType.BATCH;
      for (int i = 0; i < entries.size(); i++) {
        Bundle.BundleEntryComponent entry = entries.get(i);
        String path = "Bundle.entry[" + i + "].resource";
        if (entry.getResource() == null) {
          if (requests && entry.hasRequest() && isReadOrDelete(entry.getRequest().getMethod())) {
            continue;
          }
          throw BadRequests.invalid(
              "Bundle.entry[" + i + "]", IssueType.STRUCTURE, "Bundle.entry[" + i + "] holds no resource: every entry of a visit Bundle is a FHIR resource.");
        }
        index(entry.getResource(), path, entry.getFullUrl());
      }
      return entries;
    }

    private boolean isReadOrDelete(Bundle.HTTPVerb method) {
      return method == Bundle.HTTPVerb.DELETE || method == Bundle.HTTPVerb.GET || method == Bundle.HTTPVerb.HEAD;
    }

    private void index(Resource resource, String path, String fullUrl) {
      Located located = new Located(resource, path, fullUrl);
      if (fullUrl != null && !fullUrl.isBlank()) {
        index.putIfAbsent(fullUrl, located);
        String relative = typeAndId(fullUrl);
        if (relative != null) {
          index.putIfAbsent(relative, located);
        }
      }
      if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
        index.putIfAbsent(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), located);
      }
    }

    // ---- references ---------------------------------------------------------------------------------

    /**
     * The resource a reference names in the request, else in the store; a stored one is located at
     * {@code refPath.resolve()}.
     */
    private Located resolve(String reference, Resource container, String containerPath, String refPath) {
      Located inRequest = resolve(reference, container, containerPath);
      if (inRequest != null || reference == null || reference.startsWith("#") || reference.startsWith("urn:")) {
        return inRequest;
      }
      return fromStore(reference).map(r -> new Located(r, refPath + ".resolve()", null)).orElse(null);
    }

    private Optional<Resource> fromStore(String reference) {
      return stored.computeIfAbsent(reference, store::resolve);
    }

    private Located resolve(String reference, Resource container, String containerPath) {
      if (reference == null || reference.isBlank()) {
        return null;
      }
      if (reference.startsWith("#")) {
        return contained(reference.substring(1), container, containerPath);
      }
      Located exact = index.get(reference);
      if (exact != null) {
        return exact;
      }
      String relative = typeAndId(reference);
      return relative == null ? null : index.get(relative);
    }

    private Located contained(String id, Resource container, String containerPath) {
      if (!(container instanceof org.hl7.fhir.r4.model.DomainResource domain)) {
        return null;
      }
      List<Resource> contained = domain.getContained();
      for (int j = 0; j < contained.size(); j++) {
        Resource r = contained.get(j);
        String rid = r.getIdElement().getIdPart() == null ? r.getId() : r.getIdElement().getIdPart();
        if (rid != null && (rid.equals(id) || rid.equals("#" + id))) {
          return new Located(r, containerPath + ".contained[" + j + "]", null);
        }
      }
      return null;
    }

    /** Rejects a reference element that names nothing at all: no reference, identifier or display. */
    private void requireUsable(Reference ref, String path) {
      if (ref != null && !ref.hasReference() && !ref.hasIdentifier() && !ref.hasDisplay()) {
        throw BadRequests.invalid(path, IssueType.INVALID, path + " is a reference to nothing: it has no reference, identifier or display.");
      }
    }

    private Party party(Reference ref, Resource container, String containerPath, String path) {
      if (ref == null || ref.isEmpty()) {
        return null;
      }
      requireUsable(ref, path);
      Set<String> keys = new LinkedHashSet<>();
      String label = ref.hasReference() ? ref.getReference() : ref.hasIdentifier() ? identifierText(ref.getIdentifier()) : ref.getDisplay();
      if (ref.hasReference()) {
        String relative = typeAndId(ref.getReference());
        keys.add(relative != null ? relative : ref.getReference());
        Located located = resolve(ref.getReference(), container, containerPath, path);
        if (located != null) {
          keys.addAll(keysOf(located));
        }
      }
      if (ref.hasIdentifier()) {
        keys.add(identifierKey(ref.getIdentifier()));
      }
      return new Party(label, keys);
    }

    private Set<String> keysOf(Located located) {
      Set<String> keys = new LinkedHashSet<>();
      if (located.fullUrl() != null) {
        keys.add(located.fullUrl());
      }
      Resource r = located.resource();
      if (r.hasIdElement() && r.getIdElement().hasIdPart()) {
        keys.add(r.fhirType() + "/" + r.getIdElement().getIdPart());
      }
      keys.add(located.path());
      List<Identifier> identifiers =
          r instanceof Patient p ? p.getIdentifier() : r instanceof Group g ? g.getIdentifier() : List.of();
      identifiers.stream().filter(i -> i.hasValue()).map(VisitReader::identifierKey).forEach(keys::add);
      return keys;
    }

    // ---- encounters ---------------------------------------------------------------------------------

    private EncounterFacts encounter(Encounter e, String path) {
      EncounterFacts known = encounters.get(e);
      if (known != null) {
        return known;
      }
      Optional<String> sessionType = sessionType(e);
      Reference subjectRef = e.hasSubject() ? e.getSubject() : null;
      Party subject = party(subjectRef, e, path, path + ".subject");
      Located subjectResource = subjectRef != null && subjectRef.hasReference() ? resolve(subjectRef.getReference(), e, path, path + ".subject") : null;
      boolean groupSubject =
          (subjectResource != null && subjectResource.resource() instanceof Group)
              || (subjectRef != null && "Group".equals(subjectRef.getReferenceElement().getResourceType()))
              || (subjectRef != null && "Group".equals(subjectRef.getType()));
      Optional<List<Party>> members = Optional.empty();
      if (subjectResource != null && subjectResource.resource() instanceof Group group) {
        List<Party> list = new ArrayList<>();
        for (int m = 0; m < group.getMember().size(); m++) {
          Party p = party(group.getMember().get(m).getEntity(), group, subjectResource.path(), subjectResource.path() + ".member[" + m + "].entity");
          if (p != null) {
            list.add(p);
          }
        }
        members = Optional.of(List.copyOf(list));
      }
      boolean stated = sessionType.isPresent();
      if (sessionType.isEmpty() && groupSubject) {
        sessionType = Optional.of("group");
      }
      Coding klass = e.hasClass_() ? e.getClass_() : null;
      EncounterFacts facts =
          new EncounterFacts(
              path,
              e.hasLength() ? lengthMinutes(e.getLength(), path + ".length") : OptionalDouble.empty(),
              e.hasPeriod() ? periodMinutes(e.getPeriod(), path + ".period", "Encounter.period") : OptionalDouble.empty(),
              modality(klass),
              klass == null ? null : klass.getCode(),
              sessionType,
              stated,
              subject,
              groupSubject,
              members,
              e.hasPeriod() ? localDate(e.getPeriod().getStartElement()) : null,
              e.hasPeriod() ? localDate(e.getPeriod().getEndElement()) : null);
      encounters.put(e, facts);
      sources.put(facts, e);
      encounterOrder.add(facts);
      return facts;
    }

    private Optional<String> sessionType(Encounter e) {
      List<CodeableConcept> concepts = new ArrayList<>(e.getType());
      if (e.hasServiceType()) {
        concepts.add(e.getServiceType());
      }
      for (CodeableConcept cc : concepts) {
        for (Coding c : cc.getCoding()) {
          if (Systems.SESSION_TYPE.equals(c.getSystem()) && book.isSessionType(c.getCode())) {
            return Optional.of(c.getCode());
          }
        }
      }
      return Optional.empty();
    }

    private Modality modality(Coding klass) {
      if (klass == null || !klass.hasCode()) {
        return Modality.UNKNOWN;
      }
      if (klass.hasSystem() && !Systems.ACT_CODE.equals(klass.getSystem()) && !ACT_CODE_OLD.equals(klass.getSystem())) {
        return Modality.UNKNOWN;
      }
      return "VR".equals(klass.getCode()) ? Modality.VIRTUAL : Modality.IN_PERSON;
    }

    /** The CPT and HCPCS codings of {@code Encounter.type}, checked on their own when no Claim was sent. */
    private List<BilledLine> typeLines(EncounterFacts facts) {
      Encounter e = sources.get(facts);
      List<BilledLine> lines = new ArrayList<>();
      for (int k = 0; k < e.getType().size(); k++) {
        for (Coding c : e.getType().get(k).getCoding()) {
          if (!Systems.isProcedureSystem(c.getSystem()) || !c.hasCode()) {
            continue;
          }
          String path = facts.path() + ".type[" + k + "]";
          lines.add(
              new BilledLine(
                  BilledLine.Source.ENCOUNTER_TYPE,
                  "the encounter type " + c.getCode(),
                  path,
                  path,
                  c.getSystem(),
                  c.getCode(),
                  book.procedure(c.getSystem(), c.getCode()),
                  1,
                  path,
                  List.of(),
                  Optional.empty(),
                  facts.startDate(),
                  false,
                  facts.periodPath(),
                  OptionalDouble.empty(),
                  EncounterLink.resolved(null, facts.path(), facts),
                  List.of(),
                  null));
        }
      }
      return lines;
    }

    // ---- claims -------------------------------------------------------------------------------------

    private ClaimFacts claim(Claim claim, String path) {
      if (claim.getItem().isEmpty()) {
        throw BadRequests.invalid(path + ".item", IssueType.REQUIRED, "The Claim has no items: a claim bills at least one line (Claim.item).");
      }
      Party patient = party(claim.hasPatient() ? claim.getPatient() : null, claim, path, path + ".patient");
      List<Coded> diagnoses = new ArrayList<>();
      int unreadable = 0;
      for (int d = 0; d < claim.getDiagnosis().size(); d++) {
        unreadable += diagnosis(claim, claim.getDiagnosis().get(d), path, path + ".diagnosis[" + d + "]", diagnoses) ? 0 : 1;
      }
      LocalDate billable = claim.hasBillablePeriod() ? localDate(claim.getBillablePeriod().getStartElement()) : null;
      List<BilledLine> lines = new ArrayList<>();
      for (int k = 0; k < claim.getItem().size(); k++) {
        lines.add(line(claim, claim.getItem().get(k), path, k, billable));
      }
      return new ClaimFacts(path, patient, diagnoses, claim.getDiagnosis().size(), unreadable, lines);
    }

    /** Adds the codes of one diagnosis; false when it cannot be read. */
    private boolean diagnosis(Claim claim, Claim.DiagnosisComponent d, String claimPath, String path, List<Coded> out) {
      if (d.hasDiagnosisCodeableConcept()) {
        int before = out.size();
        for (Coding c : d.getDiagnosisCodeableConcept().getCoding()) {
          if (c.hasCode()) {
            out.add(new Coded(c.getSystem(), c.getCode(), path + ".diagnosisCodeableConcept"));
          }
        }
        return out.size() > before;
      }
      if (d.hasDiagnosisReference()) {
        Reference ref = d.getDiagnosisReference();
        requireUsable(ref, path + ".diagnosisReference");
        Located located = resolve(ref.getReference(), claim, claimPath, path + ".diagnosisReference");
        if (located != null && located.resource() instanceof Condition condition) {
          int before = out.size();
          for (Coding c : condition.getCode().getCoding()) {
            if (c.hasCode()) {
              out.add(new Coded(c.getSystem(), c.getCode(), path + ".diagnosisReference"));
            }
          }
          return out.size() > before;
        }
      }
      return false;
    }

    private BilledLine line(Claim claim, Claim.ItemComponent item, String claimPath, int k, LocalDate billable) {
      String path = claimPath + ".item[" + k + "]";
      String label = "line " + (item.hasSequence() ? item.getSequence() : k + 1);
      Coding billed = billedCoding(item.getProductOrService());
      EncounterLink link = encounterLink(claim, item, claimPath, path);

      LocalDate date = null;
      String datePath = path + ".servicedDate";
      boolean stated = false;
      OptionalDouble own = OptionalDouble.empty();
      if (item.hasServicedDateType()) {
        date = localDate(item.getServicedDateType());
        stated = date != null;
      } else if (item.hasServicedPeriod()) {
        datePath = path + ".servicedPeriod.start";
        date = localDate(item.getServicedPeriod().getStartElement());
        stated = date != null;
        own = periodMinutes(item.getServicedPeriod(), path + ".servicedPeriod", "Claim.item.servicedPeriod");
      }
      if (date == null) {
        date = link.isResolved() && link.encounter().startDate() != null ? link.encounter().startDate() : billable;
      }

      List<Coded> modifiers = new ArrayList<>();
      for (int j = 0; j < item.getModifier().size(); j++) {
        for (Coding c : item.getModifier().get(j).getCoding()) {
          if (c.hasCode() && (!c.hasSystem() || Systems.isProcedureSystem(c.getSystem()))) {
            modifiers.add(new Coded(c.getSystem(), c.getCode(), path + ".modifier[" + j + "]"));
          }
        }
      }
      Optional<Coded> place = Optional.empty();
      if (item.hasLocationCodeableConcept()) {
        for (Coding c : item.getLocationCodeableConcept().getCoding()) {
          if (c.hasCode() && (!c.hasSystem() || Systems.PLACE_OF_SERVICE.equals(c.getSystem()))) {
            place = Optional.of(new Coded(c.getSystem(), c.getCode(), path + ".locationCodeableConcept"));
            break;
          }
        }
      }
      List<String> taxonomies = new ArrayList<>();
      String providerPath = provider(claim, item, claimPath, taxonomies);
      return new BilledLine(
          BilledLine.Source.CLAIM_ITEM,
          label,
          path,
          path + ".productOrService",
          billed == null ? null : billed.getSystem(),
          billed == null ? null : billed.getCode(),
          billed == null ? Optional.empty() : book.procedure(billed.getSystem(), billed.getCode()),
          units(item, path),
          path + ".quantity",
          modifiers,
          place,
          date,
          stated,
          datePath,
          own,
          link,
          List.copyOf(taxonomies),
          providerPath);
    }

    /** The CPT or HCPCS coding of the line; a coding without a system counts when the code is published. */
    private Coding billedCoding(CodeableConcept productOrService) {
      Coding fallback = null;
      for (Coding c : productOrService.getCoding()) {
        if (!c.hasCode()) {
          continue;
        }
        if (Systems.isProcedureSystem(c.getSystem())) {
          return c;
        }
        if (!c.hasSystem() && book.procedure(null, c.getCode()).isPresent()) {
          return c;
        }
        if (fallback == null) {
          fallback = c;
        }
      }
      return fallback;
    }

    private int units(Claim.ItemComponent item, String path) {
      if (!item.hasQuantity() || !item.getQuantity().hasValue()) {
        return 1;
      }
      BigDecimal value = item.getQuantity().getValue();
      if (value.signum() < 0) {
        throw BadRequests.invalid(path + ".quantity", IssueType.VALUE, path + ".quantity is negative (" + value.toPlainString() + "); units are counted from zero.");
      }
      return value.setScale(0, RoundingMode.CEILING).min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue();
    }

    private EncounterLink encounterLink(Claim claim, Claim.ItemComponent item, String claimPath, String path) {
      if (item.getEncounter().isEmpty()) {
        return EncounterLink.absent(path);
      }
      EncounterLink resolved = null;
      List<EncounterFacts> further = new ArrayList<>();
      for (int j = 0; j < item.getEncounter().size(); j++) {
        Reference ref = item.getEncounter().get(j);
        String refPath = path + ".encounter[" + j + "]";
        requireUsable(ref, refPath);
        String reference = ref.hasReference() ? ref.getReference() : ref.hasIdentifier() ? identifierText(ref.getIdentifier()) : ref.getDisplay();
        Located located = ref.hasReference() ? resolve(ref.getReference(), claim, claimPath) : null;
        if (located != null) {
          if (!(located.resource() instanceof Encounter e)) {
            return EncounterLink.unresolved(reference, refPath, "which is " + article(located.resource().fhirType()));
          }
          if (resolved == null) {
            resolved = EncounterLink.resolved(reference, refPath, encounter(e, located.path()));
          } else {
            further.add(encounter(e, located.path()));
          }
          continue;
        }
        Optional<Resource> stored = ref.hasReference() && !ref.getReference().startsWith("#") ? fromStore(ref.getReference()) : Optional.empty();
        if (stored.isEmpty()) {
          return EncounterLink.unresolved(reference, refPath, null);
        }
        if (!(stored.get() instanceof Encounter storedEncounter)) {
          return EncounterLink.unresolved(reference, refPath, "which is " + article(stored.get().fhirType()));
        }
        if (resolved == null) {
          resolved = EncounterLink.resolved(reference, refPath, encounter(storedEncounter, refPath + ".resolve()"));
        } else {
          further.add(encounter(storedEncounter, refPath + ".resolve()"));
        }
      }
      return further.isEmpty() ? resolved : resolved.withFurther(further);
    }

    /** Fills the line's NUCC taxonomies and answers the FHIRPath they were read from. */
    private String provider(Claim claim, Claim.ItemComponent item, String claimPath, List<String> taxonomies) {
      List<Integer> members = new ArrayList<>();
      List<Claim.CareTeamComponent> team = claim.getCareTeam();
      if (item.hasCareTeamSequence()) {
        for (var seq : item.getCareTeamSequence()) {
          for (int m = 0; m < team.size(); m++) {
            if (team.get(m).hasSequence() && seq.getValue() != null && team.get(m).getSequence() == seq.getValue()) {
              members.add(m);
            }
          }
        }
      } else {
        for (int m = 0; m < team.size(); m++) {
          members.add(m);
        }
      }
      String path = null;
      for (int m : members) {
        Claim.CareTeamComponent member = team.get(m);
        int before = taxonomies.size();
        if (member.hasQualification()) {
          taxonomies.addAll(nucc(member.getQualification()));
        }
        if (taxonomies.size() > before) {
          path = path == null ? claimPath + ".careTeam[" + m + "].qualification" : path;
          continue;
        }
        if (member.hasProvider()) {
          if (practitionerTaxonomies(member.getProvider(), claim, claimPath, claimPath + ".careTeam[" + m + "].provider", taxonomies) && path == null) {
            path = claimPath + ".careTeam[" + m + "].provider";
          }
        }
      }
      if (taxonomies.isEmpty() && claim.hasProvider()) {
        if (practitionerTaxonomies(claim.getProvider(), claim, claimPath, claimPath + ".provider", taxonomies)) {
          path = claimPath + ".provider";
        }
      }
      return path;
    }

    private boolean practitionerTaxonomies(
        Reference ref, Resource container, String containerPath, String refPath, List<String> out) {
      Located located = ref.hasReference() ? resolve(ref.getReference(), container, containerPath, refPath) : null;
      if (located == null) {
        return false;
      }
      int before = out.size();
      if (located.resource() instanceof Practitioner p) {
        p.getQualification().forEach(q -> out.addAll(nucc(q.getCode())));
      } else if (located.resource() instanceof PractitionerRole role) {
        role.getSpecialty().forEach(s -> out.addAll(nucc(s)));
        if (out.size() == before && role.hasPractitioner()) {
          Located practitioner =
              resolve(role.getPractitioner().getReference(), container, containerPath, located.path() + ".practitioner");
          if (practitioner != null && practitioner.resource() instanceof Practitioner p) {
            p.getQualification().forEach(q -> out.addAll(nucc(q.getCode())));
          }
        }
      }
      return out.size() > before;
    }

    private List<String> nucc(CodeableConcept cc) {
      List<String> codes = new ArrayList<>();
      for (Coding c : cc.getCoding()) {
        if (c.hasCode() && (Systems.NUCC.equals(c.getSystem()) || (!c.hasSystem() && book.prescriber(c.getCode()).isPresent()))) {
          codes.add(c.getCode());
        }
      }
      return codes;
    }
  }

  // ---- time and dates ---------------------------------------------------------------------------------

  /** {@code Encounter.length} in minutes: UCUM {@code min}, {@code h} or {@code s}. */
  static OptionalDouble lengthMinutes(Duration length, String path) {
    if (!length.hasValue()) {
      return OptionalDouble.empty();
    }
    BigDecimal value = length.getValue();
    if (value.signum() < 0) {
      throw BadRequests.invalid(path, IssueType.VALUE, "Encounter.length is negative (" + value.toPlainString() + "): a session lasts zero minutes or more.");
    }
    if (length.hasSystem() && !Systems.UCUM.equals(length.getSystem())) {
      throw BadRequests.invalid(
          path + ".system", IssueType.CODEINVALID, "Encounter.length is in a unit system other than UCUM (" + length.getSystem() + "); use min, h or s of " + Systems.UCUM + ".");
    }
    double factor = length.hasCode() ? ucumFactor(length.getCode()) : unitFactor(length.getUnit());
    if (Double.isNaN(factor)) {
      String unit = length.hasCode() ? length.getCode() : length.getUnit();
      throw BadRequests.invalid(
          path + (length.hasCode() ? ".code" : ".unit"),
          IssueType.CODEINVALID,
          "Encounter.length is in '" + unit + "', a unit PsychCode cannot read as time; use UCUM min, h or s.");
    }
    return OptionalDouble.of(value.doubleValue() * factor);
  }

  private static double ucumFactor(String code) {
    return switch (code) {
      case "min" -> 1;
      case "h" -> 60;
      case "s" -> 1 / 60.0;
      default -> Double.NaN;
    };
  }

  /** A human-readable unit, read only when there is no UCUM code. */
  private static double unitFactor(String unit) {
    if (unit == null) {
      return Double.NaN;
    }
    return switch (unit.trim().toLowerCase(Locale.ROOT)) {
      case "min", "mins", "minute", "minutes" -> 1;
      case "h", "hr", "hrs", "hour", "hours" -> 60;
      case "s", "sec", "secs", "second", "seconds" -> 1 / 60.0;
      default -> Double.NaN;
    };
  }

  /** Minutes between start and end when both carry a time of day; a period ending before it starts is refused. */
  static OptionalDouble periodMinutes(Period period, String path, String what) {
    if (!period.hasStart() || !period.hasEnd()) {
      return OptionalDouble.empty();
    }
    if (!hasTime(period.getStartElement()) || !hasTime(period.getEndElement())) {
      return OptionalDouble.empty();
    }
    long millis = period.getEnd().getTime() - period.getStart().getTime();
    if (millis < 0) {
      throw BadRequests.invalid(path, IssueType.VALUE, what + " ends before it starts.");
    }
    return OptionalDouble.of(millis / 60000.0);
  }

  private static boolean hasTime(BaseDateTimeType dt) {
    return dt.getValue() != null && dt.getPrecision().ordinal() > TemporalPrecisionEnum.DAY.ordinal();
  }

  /** The calendar date as written (in the value's own time zone), when the value has day precision. */
  static LocalDate localDate(BaseDateTimeType dt) {
    if (dt == null || dt.getValue() == null || dt.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
      return null;
    }
    return LocalDate.of(dt.getYear(), dt.getMonth() + 1, dt.getDay());
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** {@code Type/id} of a relative or absolute RESTful reference; null for {@code urn:} and other forms. */
  static String typeAndId(String reference) {
    if (reference == null || reference.startsWith("urn:") || reference.startsWith("#")) {
      return null;
    }
    Matcher m = TYPE_AND_ID.matcher(reference);
    return m.find() ? m.group(1) + "/" + m.group(2) : null;
  }

  private static String identifierKey(Identifier identifier) {
    return "identifier:" + (identifier.hasSystem() ? identifier.getSystem() : "") + "|" + identifier.getValue();
  }

  private static String identifierText(Identifier identifier) {
    return (identifier.hasSystem() ? identifier.getSystem() + "|" : "") + identifier.getValue();
  }

  private static String article(String word) {
    return ("AEIOU".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }
}
