package org.psychcode.fhir.pages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionDesignationComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.terminology.CodeSystemIndex;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TxRequest;
import org.springframework.stereotype.Component;

/**
 * The codes of {@code behavioral-health-codes} as the pages show them, built once at start-up from the published
 * terminology: each code's words from its CodeSystem properties and designations (the same ones {@code $lookup}
 * answers), its billing facts from the properties the rules read, and a search over them that forgives a typo.
 */
@Component
public class CodeCatalog {

  static final String CODES = "http://psychcode.org/fhir/ValueSet/behavioral-health-codes";
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CodeCatalog.class);
  private static final Map<String, String> SETTINGS =
      Map.of(
          "office", "An office or clinic",
          "facility", "A hospital, residential or partial-hospitalization facility",
          "home", "The patient's home or another place in the community",
          "telehealth", "Telehealth (place of service 02 or 10)");

  private final Map<String, CodeEntry> entries;
  private final Map<String, String> sessionTypes;
  private final CodeSearch search;

  CodeCatalog(TerminologyService terminology, CodeBook book) {
    TerminologyRegistry registry = terminology.registry();
    this.sessionTypes = new LinkedHashMap<>();
    registry.codeSystem(Systems.SESSION_TYPE).ifPresent(cs -> cs.concepts().forEach(c -> sessionTypes.put(c.code(), c.display())));
    Map<String, List<CodeEntry.Labelled>> memberships = memberships(terminology);
    Map<String, CodeEntry> built = new LinkedHashMap<>();
    for (String code : expansion(terminology, CODES)) {
      book.procedure(code).ifPresent(b -> built.put(code, entry(registry, book, b, memberships.getOrDefault(code, List.of()))));
    }
    this.entries = built;
    this.search = new CodeSearch(List.copyOf(built.values()));
    log.info("Pages: {} codes of {} at /codes/<code>, searchable at /", built.size(), CODES);
  }

  public List<CodeEntry> all() {
    return List.copyOf(entries.values());
  }

  public Optional<CodeEntry> get(String code) {
    return Optional.ofNullable(code == null ? null : entries.get(code.trim().toUpperCase(Locale.ROOT)));
  }

  /** Session type code to its title, in the session-type CodeSystem's order. */
  public Map<String, String> sessionTypes() {
    return sessionTypes;
  }

  /** Codes matching the words or code, best first; an empty query lists every code. */
  public List<CodeEntry> search(String query, String sessionType) {
    return search.find(query == null ? "" : query, sessionType == null || sessionType.isBlank() ? null : sessionType);
  }

  /** Codes close to one that is not published (a digit off, a prefix) or, for words, what a search finds. */
  public List<CodeEntry> closeTo(String code) {
    return search.closeTo(code == null ? "" : code);
  }

  // ---- building ----------------------------------------------------------------------------------------------

  private static List<String> expansion(TerminologyService terminology, String url) {
    ValueSet vs = terminology.expand(TxRequest.fromQuery(Map.of("url", new String[] {url}, "count", new String[] {"1000"}), null), null);
    return vs.getExpansion().getContains().stream().map(ValueSet.ValueSetExpansionContainsComponent::getCode).toList();
  }

  /** For each code, the published value sets whose expansion holds it. */
  private static Map<String, List<CodeEntry.Labelled>> memberships(TerminologyService terminology) {
    Map<String, List<CodeEntry.Labelled>> out = new HashMap<>();
    for (ValueSet vs : terminology.registry().valueSets()) {
      ValueSet expanded = terminology.expand(TxRequest.fromQuery(Map.of("url", new String[] {vs.getUrl()}, "count", new String[] {"1000"}), null), null);
      for (ValueSet.ValueSetExpansionContainsComponent c : expanded.getExpansion().getContains()) {
        if (Systems.isProcedureSystem(c.getSystem())) {
          out.computeIfAbsent(c.getCode(), k -> new ArrayList<>()).add(new CodeEntry.Labelled(vs.getUrl(), vs.hasTitle() ? vs.getTitle() : vs.getName()));
        }
      }
    }
    return out;
  }

  private CodeEntry entry(TerminologyRegistry registry, CodeBook book, BillingCode code, List<CodeEntry.Labelled> valueSets) {
    IndexedConcept c = registry.codeSystem(code.system()).flatMap(cs -> cs.concept(code.code())).orElseThrow();
    List<String> names = c.source().getDesignation().stream().map(ConceptDefinitionDesignationComponent::getValue).toList();
    Optional<String> typeTitle = code.sessionType().map(t -> sessionTypes.getOrDefault(t, t));
    Optional<CodeSystemIndex> icd = registry.codeSystem(Systems.ICD_10_CM);
    List<CodeEntry.Labelled> indications =
        code.typicalIndications().stream()
            .sorted()
            .map(i -> new CodeEntry.Labelled(i, icd.flatMap(cs -> cs.concept(i)).map(IndexedConcept::display).orElse("")))
            .toList();
    List<CodeEntry.Similar> similar = new ArrayList<>();
    Map<String, String> differences = new HashMap<>();
    for (String d : c.codeProperties("similar-code-difference")) {
      int colon = d.indexOf(": ");
      if (colon > 0) {
        differences.put(d.substring(0, colon), d.substring(colon + 2));
      }
    }
    for (String s : c.codeProperties("similar-code")) {
      similar.add(new CodeEntry.Similar(s, book.procedure(s).map(BillingCode::display).orElse(s), differences.getOrDefault(s, "")));
    }
    List<CodeEntry.Labelled> settings =
        c.codeProperties("setting").stream().map(s -> new CodeEntry.Labelled(s, SETTINGS.getOrDefault(s, s))).toList();
    StringBuilder text = new StringBuilder();
    for (String p : List.of("purpose", "indication")) {
      c.codeProperty(p).ifPresent(v -> text.append(v).append(' '));
    }
    text.append(c.definition() == null ? "" : c.definition());
    return new CodeEntry(
        code,
        c.definition(),
        names,
        code.sessionType(),
        typeTitle,
        c.codeProperty("purpose").orElse(""),
        c.codeProperty("indication").orElse(""),
        indications,
        c.codeProperty("preparation").orElse(""),
        c.codeProperties("step"),
        durations(book, code, c),
        settings,
        whoMayBill(registry, book, code),
        c.codeProperty("provider-note"),
        c.codeProperties("risk"),
        c.codeProperties("benefit"),
        c.codeProperty("recovery").orElse(""),
        c.codeProperties("alternative"),
        c.codeProperty("patient-experience").orElse(""),
        List.copyOf(similar),
        BillingFacts.of(book, code, typeTitle),
        List.copyOf(valueSets),
        text.toString());
  }

  private static List<String> durations(CodeBook book, BillingCode code, IndexedConcept c) {
    List<String> out = new ArrayList<>();
    if (code.perUnit()) {
      out.add(
          "1 unit once the date's time reaches "
              + code.minimumMinutes().orElse(0)
              + " minutes, and 1 more for each further "
              + code.minutesPerUnit().getAsInt()
              + " minutes.");
    } else if (code.timed()) {
      out.add(
          "Billed for "
              + (code.addOn() ? "psychotherapy time of " : "a session of ")
              + code.rangeText()
              + (book.family(code).size() > 1
                  ? "; longer or shorter sessions of the same kind are billed as "
                      + String.join(", ", book.family(code).stream().filter(f -> !f.code().equals(code.code())).map(BillingCode::code).toList())
                  : "")
              + ".");
    }
    c.codeProperty("typical-duration").ifPresent(out::add);
    return List.copyOf(out);
  }

  private static List<CodeEntry.Labelled> whoMayBill(TerminologyRegistry registry, CodeBook book, BillingCode code) {
    List<CodeEntry.Labelled> out = new ArrayList<>();
    registry
        .codeSystem(Systems.NUCC)
        .ifPresent(
            cs ->
                cs.concepts().stream()
                    .filter(t -> book.mayBill(code, t.code()))
                    .sorted(Comparator.comparing(IndexedConcept::code))
                    .forEach(t -> out.add(new CodeEntry.Labelled(t.code(), t.display()))));
    return List.copyOf(out);
  }
}
