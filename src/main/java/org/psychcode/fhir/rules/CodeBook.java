package org.psychcode.fhir.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyService;

/**
 * The billing view of the published terminology: every CPT and HCPCS concept as a {@link BillingCode},
 * the time families, the place-of-service, taxonomy and session-type facts the rules need, and the
 * {@link Diagnoses}. Built once from the terminology engine at start-up so a rule's look-up is a hash-map read;
 * nothing here is written in Java that the terminology files already say.
 */
public final class CodeBook {

  private final Map<String, BillingCode> procedures;
  private final Map<String, List<BillingCode>> families;
  private final Map<String, IndexedConcept> places;
  private final Map<String, IndexedConcept> taxonomies;
  private final Map<String, IndexedConcept> sessionTypes;
  private final Map<String, List<BillingCode>> perUnitAddOns;
  private final Diagnoses diagnoses;

  private CodeBook(
      Map<String, BillingCode> procedures,
      Map<String, IndexedConcept> places,
      Map<String, IndexedConcept> taxonomies,
      Map<String, IndexedConcept> sessionTypes,
      Diagnoses diagnoses) {
    this.procedures = procedures;
    this.diagnoses = diagnoses;
    this.places = places;
    this.taxonomies = taxonomies;
    this.sessionTypes = sessionTypes;
    this.families = timeFamilies(procedures);
    Map<String, List<BillingCode>> addOns = new HashMap<>();
    for (BillingCode c : procedures.values()) {
      if (c.perUnit() && c.addOn()) {
        c.primaryCodes().forEach(p -> addOns.computeIfAbsent(p, k -> new ArrayList<>()).add(c));
      }
    }
    addOns.values().forEach(l -> l.sort(Comparator.comparing(BillingCode::code)));
    addOns.replaceAll((k, l) -> List.copyOf(l));
    this.perUnitAddOns = addOns;
  }

  public static CodeBook from(TerminologyService terminology) {
    TerminologyRegistry registry = terminology.registry();
    Map<String, BillingCode> procedures = new HashMap<>();
    for (String system : List.of(Systems.CPT, Systems.HCPCS)) {
      registry
          .codeSystem(system)
          .ifPresent(cs -> cs.concepts().forEach(c -> procedures.putIfAbsent(c.code(), billingCode(system, c))));
    }
    return new CodeBook(
        Map.copyOf(procedures),
        concepts(registry.codeSystem(Systems.PLACE_OF_SERVICE)),
        concepts(registry.codeSystem(Systems.NUCC)),
        concepts(registry.codeSystem(Systems.SESSION_TYPE)),
        Diagnoses.from(terminology));
  }

  private static Map<String, IndexedConcept> concepts(Optional<CodeSystemIndex> cs) {
    Map<String, IndexedConcept> map = new HashMap<>();
    cs.ifPresent(index -> index.concepts().forEach(c -> map.put(c.code(), c)));
    return Map.copyOf(map);
  }

  private static BillingCode billingCode(String system, IndexedConcept c) {
    return new BillingCode(
        system,
        c.code(),
        c.display(),
        c.integerProperty("minimum-minutes"),
        c.integerProperty("maximum-minutes"),
        c.integerProperty("minutes-per-unit"),
        c.codeProperty("session-type"),
        c.isTrue("add-on"),
        Set.copyOf(c.codeProperties("primary-code")),
        Set.copyOf(c.codeProperties("never-with")),
        c.isTrue("requires-prescriber"),
        c.isTrue("requires-prescriptive-authority"),
        c.isTrue("excludes-prescriber"),
        c.integerProperty("max-units-per-day"),
        Set.copyOf(c.codeProperties("unlimited-units-place")),
        c.booleanProperty("telehealth"),
        c.codeProperty("telehealth-modality"),
        c.isTrue("modifier"),
        c.isTrue("em"),
        List.copyOf(c.codeProperties("typical-indication")),
        c.isInactive());
  }

  /**
   * Codes that share a session type and add-on status and are timed per session form a family: the
   * individual codes, the E/M psychotherapy add-ons, each family code, the crisis first hour. A timed code
   * without a session type is a family of one.
   */
  private static Map<String, List<BillingCode>> timeFamilies(Map<String, BillingCode> procedures) {
    Map<String, List<BillingCode>> byKey = new HashMap<>();
    for (BillingCode c : procedures.values()) {
      if (c.timed() && !c.perUnit() && !c.inactive()) {
        byKey.computeIfAbsent(familyKey(c), k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, List<BillingCode>> families = new HashMap<>();
    for (List<BillingCode> members : byKey.values()) {
      members.sort(
          Comparator.comparingInt((BillingCode c) -> c.minimumMinutes().getAsInt())
              .thenComparing(c -> Systems.CPT.equals(c.system()) ? 0 : 1)
              .thenComparing(BillingCode::code));
      List<BillingCode> family = List.copyOf(members);
      family.forEach(c -> families.put(c.code(), family));
    }
    return Map.copyOf(families);
  }

  private static String familyKey(BillingCode c) {
    return c.sessionType().map(s -> s + "|" + c.addOn()).orElse("code|" + c.code());
  }

  /** The concept of a CPT or HCPCS code; a coding without a system is looked up in both. */
  public Optional<BillingCode> procedure(String system, String code) {
    if (code == null || (system != null && !Systems.isProcedureSystem(system))) {
      return Optional.empty();
    }
    BillingCode c = procedures.get(code);
    if (c == null || (system != null && !sameSystem(system, c.system()))) {
      return Optional.empty();
    }
    return Optional.of(c);
  }

  public Optional<BillingCode> procedure(String code) {
    return Optional.ofNullable(code == null ? null : procedures.get(code));
  }

  private static boolean sameSystem(String asked, String published) {
    return published.equals(TerminologyRegistry.canonicalSystem(asked));
  }

  /** The timed codes of this code's family, least minimum first; empty when the code is not timed. */
  public List<BillingCode> family(BillingCode code) {
    return families.getOrDefault(code.code(), List.of());
  }

  /** The member of the code's family with the least minimum (the code itself when it has no family). */
  public BillingCode leastOfFamily(BillingCode code) {
    List<BillingCode> family = family(code);
    return family.isEmpty() ? code : family.get(0);
  }

  /** The family member whose minutes cover {@code minutes}, preferring CPT. */
  public Optional<BillingCode> familyCodeFor(BillingCode code, double minutes) {
    return family(code).stream().filter(c -> c.covers(minutes)).findFirst();
  }

  /** Active published codes billing this session type with this add-on status, CPT first. */
  public List<BillingCode> codesForSessionType(String sessionType, boolean addOn) {
    List<BillingCode> result = new ArrayList<>();
    for (BillingCode c : procedures.values()) {
      if (c.published() && !c.inactive() && c.addOn() == addOn && c.sessionType().filter(sessionType::equals).isPresent()) {
        result.add(c);
      }
    }
    result.sort(Comparator.comparing((BillingCode c) -> Systems.CPT.equals(c.system()) ? 0 : 1).thenComparing(BillingCode::code));
    return Collections.unmodifiableList(result);
  }

  /**
   * The codes a provider may bill for a session type, in the order a code is chosen among them: CPT first, and when
   * the provider is a prescriber, a code that needs one before a code that does not (90792 before 90791: a
   * prescriber's diagnostic evaluation usually includes medical work). Taxonomies outside the fragment say nothing;
   * with none known every code is open. The rules' sentences and the suggestion both choose from here.
   */
  public List<BillingCode> codesFor(String sessionType, boolean addOn, Collection<String> taxonomies) {
    List<String> known = taxonomies.stream().filter(t -> prescriber(t).isPresent()).toList();
    boolean prescriber = known.stream().anyMatch(t -> prescriber(t).orElse(false));
    return codesForSessionType(sessionType, addOn).stream()
        .filter(c -> known.isEmpty() || known.stream().anyMatch(t -> mayBill(c, t)))
        .sorted(Comparator.comparingInt((BillingCode c) -> prescriber && c.requiresPrescriber() ? 0 : 1))
        .toList();
  }

  /** The first of {@link #codesFor} whose minutes cover the session; an untimed code covers any time. */
  public Optional<BillingCode> codeFor(String sessionType, boolean addOn, double minutes, Collection<String> taxonomies) {
    return codesFor(sessionType, addOn, taxonomies).stream().filter(c -> !c.timed() || c.covers(minutes)).findFirst();
  }

  /** Per-unit add-ons (90840, G0018) whose primary is this code. */
  public List<BillingCode> perUnitAddOnsOf(String primary) {
    return perUnitAddOns.getOrDefault(primary, List.of());
  }

  /** {@code true} for a telehealth place of service (02, 10), {@code false} for another known place. */
  public Optional<Boolean> placeIsTelehealth(String place) {
    IndexedConcept c = place == null ? null : places.get(place);
    return c == null ? Optional.empty() : Optional.of(c.isTrue("telehealth"));
  }

  /** The places of service marked {@code telehealth} (02, 10), sorted. */
  public List<String> telehealthPlaces() {
    return places.values().stream().filter(c -> c.isTrue("telehealth")).map(IndexedConcept::code).sorted().toList();
  }

  public Optional<String> placeDisplay(String place) {
    IndexedConcept c = place == null ? null : places.get(place);
    return c == null ? Optional.empty() : Optional.ofNullable(c.display());
  }

  /** Whether a NUCC taxonomy may prescribe; empty when the taxonomy is not in the published fragment. */
  public Optional<Boolean> prescriber(String taxonomy) {
    IndexedConcept c = taxonomy == null ? null : taxonomies.get(taxonomy);
    return c == null ? Optional.empty() : Optional.of(c.isTrue("prescriber"));
  }

  /** Whether a NUCC taxonomy may prescribe medication; empty when not in the published fragment. */
  public Optional<Boolean> prescriptiveAuthority(String taxonomy) {
    IndexedConcept c = taxonomy == null ? null : taxonomies.get(taxonomy);
    return c == null ? Optional.empty() : Optional.of(c.isTrue("prescriptive-authority"));
  }

  /** Taxonomies of the fragment with prescriptive authority that are not E/M prescribers. */
  public Set<String> nonPrescriberAuthorities() {
    Set<String> result = new LinkedHashSet<>();
    taxonomies.values().stream()
        .filter(c -> c.isTrue("prescriptive-authority") && !c.isTrue("prescriber"))
        .map(IndexedConcept::code)
        .sorted()
        .forEach(result::add);
    return result;
  }

  public Optional<String> taxonomyDisplay(String taxonomy) {
    IndexedConcept c = taxonomy == null ? null : taxonomies.get(taxonomy);
    return c == null ? Optional.empty() : Optional.ofNullable(c.display());
  }

  /** Taxonomies of the fragment marked {@code prescriber}, for naming who may bill a code. */
  public Set<String> prescriberTaxonomies() {
    Set<String> result = new LinkedHashSet<>();
    taxonomies.values().stream()
        .filter(c -> c.isTrue("prescriber"))
        .map(IndexedConcept::code)
        .sorted()
        .forEach(result::add);
    return result;
  }

  public Diagnoses diagnoses() {
    return diagnoses;
  }

  /**
   * Whether a provider with this taxonomy may bill the code: {@code requires-prescriber} needs a {@code prescriber},
   * {@code requires-prescriptive-authority} needs {@code prescriptive-authority}, and {@code excludes-prescriber}
   * refuses a {@code prescriber} (who bills E/M with a psychotherapy add-on instead).
   */
  public boolean mayBill(BillingCode code, String taxonomy) {
    boolean prescriber = prescriber(taxonomy).orElse(false);
    boolean authority = prescriptiveAuthority(taxonomy).orElse(false);
    return (!code.requiresPrescriber() || prescriber)
        && (!code.requiresPrescriptiveAuthority() || authority)
        && (!code.excludesPrescriber() || !prescriber);
  }

  /** The telehealth place of service for a patient at home (10) or elsewhere (02), as the places are marked. */
  public Optional<String> telehealthPlace(boolean patientHome) {
    return places.values().stream()
        .filter(c -> c.isTrue("telehealth") && c.isTrue("patient-home") == patientHome)
        .map(IndexedConcept::code)
        .sorted()
        .findFirst();
  }

  /** {@code true} for the patient's home (12) and telehealth to it (10), as the places are marked. */
  public boolean placeIsPatientHome(String place) {
    IndexedConcept c = place == null ? null : places.get(place);
    return c != null && c.isTrue("patient-home");
  }

  /** The telehealth modifier of a modality ({@code audio-video}: 95), CPT before HCPCS. */
  public Optional<BillingCode> telehealthModifier(String modality) {
    return procedures.values().stream()
        .filter(c -> c.modifier() && c.telehealth().orElse(false) && c.telehealthModality().filter(modality::equals).isPresent())
        .min(Comparator.comparing((BillingCode c) -> Systems.CPT.equals(c.system()) ? 0 : 1).thenComparing(BillingCode::code));
  }

  public boolean isSessionType(String code) {
    return code != null && sessionTypes.containsKey(code);
  }
}
