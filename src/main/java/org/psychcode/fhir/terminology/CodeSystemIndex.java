package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeSystem.PropertyComponent;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Type;

/**
 * A CodeSystem made ready for look-ups: every concept by code (also case-folded when the system is not
 * case-sensitive), with parents and children from both nesting and {@code parent}/{@code child} properties, in the
 * order the file gives them. Built once per loaded CodeSystem (and once per request for a CodeSystem a client sends
 * inline); read concurrently without locks.
 */
public final class CodeSystemIndex {

  static final String CONCEPT_PROPERTIES = "http://hl7.org/fhir/concept-properties#";
  static final String STANDARDS_STATUS =
      "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status";

  private final CodeSystem codeSystem;
  private final Map<String, IndexedConcept> byCode;
  private final Map<String, IndexedConcept> byFoldedCode;
  private final Map<String, PropertyComponent> declaredProperties;
  private final List<IndexedConcept> roots;
  private final boolean hasHierarchy;
  private final Language language;
  private final List<CodeSystem> supplements;

  private CodeSystemIndex(CodeSystem codeSystem, Map<String, IndexedConcept> byCode, List<CodeSystem> supplements) {
    this.codeSystem = codeSystem;
    this.byCode = byCode;
    this.supplements = List.copyOf(supplements);
    Map<String, IndexedConcept> folded = new HashMap<>();
    if (!codeSystem.getCaseSensitive()) {
      byCode.forEach((code, concept) -> folded.putIfAbsent(code.toLowerCase(Locale.ROOT), concept));
    }
    this.byFoldedCode = folded;
    Map<String, PropertyComponent> declared = new LinkedHashMap<>();
    codeSystem.getProperty().forEach(p -> declared.put(p.getCode(), p));
    supplements.forEach(s -> s.getProperty().forEach(p -> declared.putIfAbsent(p.getCode(), p)));
    this.declaredProperties = declared;
    List<IndexedConcept> r = new ArrayList<>();
    boolean hierarchy = false;
    for (IndexedConcept c : byCode.values()) {
      if (c.parents().isEmpty()) {
        r.add(c);
      } else {
        hierarchy = true;
      }
    }
    this.roots = List.copyOf(r);
    this.hasHierarchy = hierarchy;
    Language lang = null;
    if (codeSystem.hasLanguage()) {
      lang = new Language(codeSystem.getLanguage());
    }
    this.language = lang;
  }

  public static CodeSystemIndex of(CodeSystem codeSystem) {
    return of(codeSystem, List.of());
  }

  /** Indexes a CodeSystem with the supplements that add designations and properties to its concepts. */
  public static CodeSystemIndex of(CodeSystem codeSystem, List<CodeSystem> supplements) {
    Map<String, ConceptDefinitionComponent> sources = new LinkedHashMap<>();
    Map<String, List<String>> parents = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    walk(codeSystem.getConcept(), null, sources, parents, children);
    Map<String, String> propertyUris = new HashMap<>();
    codeSystem.getProperty().forEach(p -> propertyUris.put(p.getCode(), p.getUri()));
    for (ConceptDefinitionComponent c : sources.values()) {
      for (ConceptPropertyComponent p : c.getProperty()) {
        if (!p.hasValueCodeType()) {
          continue;
        }
        String other = p.getValueCodeType().getValue();
        String kind = kind(p.getCode(), propertyUris.get(p.getCode()));
        if ("parent".equals(kind) || "subsumedBy".equals(kind)) {
          link(other, c.getCode(), parents, children);
        } else if ("child".equals(kind)) {
          link(c.getCode(), other, parents, children);
        }
      }
    }
    Map<String, ConceptDefinitionComponent> folded = new HashMap<>();
    if (!codeSystem.getCaseSensitive()) {
      sources.forEach((k, v) -> folded.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
    }
    Map<String, IndexedConcept> byCode = new LinkedHashMap<>();
    for (ConceptDefinitionComponent c : sources.values()) {
      Map<String, List<Type>> props = new LinkedHashMap<>();
      List<ConceptPropertyComponent> allProps = new ArrayList<>(c.getProperty());
      List<IndexedConcept.Supplemented> supplementConcepts = new ArrayList<>();
      for (CodeSystem s : supplements) {
        ConceptDefinitionComponent sc = find(s.getConcept(), c.getCode());
        if (sc != null) {
          supplementConcepts.add(
              new IndexedConcept.Supplemented(s.hasVersion() ? s.getUrl() + "|" + s.getVersion() : s.getUrl(), sc));
          allProps.addAll(sc.getProperty());
        }
      }
      for (ConceptPropertyComponent p : allProps) {
        props.computeIfAbsent(p.getCode(), k -> new ArrayList<>()).add(p.getValue());
      }
      props.replaceAll((k, v) -> List.copyOf(v));
      byCode.put(
          c.getCode(),
          new IndexedConcept(
              c,
              Map.copyOf(props),
              List.copyOf(allProps),
              propertyUris,
              List.copyOf(parents.getOrDefault(c.getCode(), List.of())),
              List.copyOf(children.getOrDefault(c.getCode(), List.of())),
              supplementConcepts));
    }
    return new CodeSystemIndex(codeSystem, byCode, supplements);
  }

  private static ConceptDefinitionComponent find(List<ConceptDefinitionComponent> list, String code) {
    for (ConceptDefinitionComponent c : list) {
      if (code.equals(c.getCode())) {
        return c;
      }
      ConceptDefinitionComponent f = find(c.getConcept(), code);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private static String kind(String code, String uri) {
    if (uri != null && uri.startsWith(CONCEPT_PROPERTIES)) {
      return uri.substring(CONCEPT_PROPERTIES.length());
    }
    return code;
  }

  private static void walk(
      List<ConceptDefinitionComponent> concepts,
      String parent,
      Map<String, ConceptDefinitionComponent> sources,
      Map<String, List<String>> parents,
      Map<String, List<String>> children) {
    for (ConceptDefinitionComponent c : concepts) {
      sources.putIfAbsent(c.getCode(), c);
      if (parent != null) {
        link(parent, c.getCode(), parents, children);
      }
      walk(c.getConcept(), c.getCode(), sources, parents, children);
    }
  }

  private static void link(
      String parent, String child, Map<String, List<String>> parents, Map<String, List<String>> children) {
    List<String> ps = parents.computeIfAbsent(child, k -> new ArrayList<>());
    if (!ps.contains(parent)) {
      ps.add(parent);
    }
    List<String> cs = children.computeIfAbsent(parent, k -> new ArrayList<>());
    if (!cs.contains(child)) {
      cs.add(child);
    }
  }

  public CodeSystem codeSystem() {
    return codeSystem;
  }

  public String url() {
    return codeSystem.getUrl();
  }

  public String version() {
    return codeSystem.getVersion();
  }

  /** {@code url|version}, or the url alone for an unversioned system. */
  public String versionedUrl() {
    return version() == null ? url() : url() + "|" + version();
  }

  public String name() {
    return codeSystem.getName();
  }

  public CodeSystem.CodeSystemContentMode content() {
    return codeSystem.getContent();
  }

  public boolean isComplete() {
    return codeSystem.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE;
  }

  public boolean caseSensitive() {
    return codeSystem.getCaseSensitive();
  }

  /** The language the displays are written in, when the CodeSystem says. */
  Language language() {
    return language;
  }

  PublicationStatus status() {
    return codeSystem.getStatus();
  }

  boolean experimental() {
    return codeSystem.getExperimental();
  }

  List<CodeSystem> supplements() {
    return supplements;
  }

  /** The concept with this exact code, or for a case-insensitive system the one that matches ignoring case. */
  public Optional<IndexedConcept> concept(String code) {
    if (code == null) {
      return Optional.empty();
    }
    IndexedConcept exact = byCode.get(code);
    if (exact != null || byFoldedCode.isEmpty()) {
      return Optional.ofNullable(exact);
    }
    return Optional.ofNullable(byFoldedCode.get(code.toLowerCase(Locale.ROOT)));
  }

  /** Every concept, depth first in file order. */
  public Collection<IndexedConcept> concepts() {
    return byCode.values();
  }

  public int size() {
    return byCode.size();
  }

  List<IndexedConcept> roots() {
    return roots;
  }

  List<IndexedConcept> children(IndexedConcept c) {
    List<IndexedConcept> out = new ArrayList<>(c.children().size());
    for (String code : c.children()) {
      IndexedConcept child = byCode.get(code);
      if (child != null) {
        out.add(child);
      }
    }
    return out;
  }

  boolean hasHierarchy() {
    return hasHierarchy;
  }

  /** Every concept below {@code code}, depth first, each once. */
  Set<String> descendants(String code) {
    Set<String> out = new LinkedHashSet<>();
    IndexedConcept c = byCode.get(code);
    if (c != null) {
      collect(c, out);
    }
    return out;
  }

  private void collect(IndexedConcept c, Set<String> out) {
    for (String child : c.children()) {
      if (out.add(child)) {
        IndexedConcept cc = byCode.get(child);
        if (cc != null) {
          collect(cc, out);
        }
      }
    }
  }

  public Map<String, PropertyComponent> declaredProperties() {
    return declaredProperties;
  }

  String propertyUri(String code) {
    PropertyComponent p = declaredProperties.get(code);
    return p == null ? null : p.getUri();
  }

  /** True when {@code descendant} is {@code ancestor} or lies below it. */
  public boolean subsumes(String ancestor, String descendant) {
    if (ancestor.equals(descendant)) {
      return true;
    }
    return isDescendant(ancestor, descendant, new java.util.HashSet<>());
  }

  private boolean isDescendant(String ancestor, String code, Set<String> seen) {
    IndexedConcept c = byCode.get(code);
    if (c == null || !seen.add(code)) {
      return false;
    }
    for (String p : c.parents()) {
      if (p.equals(ancestor) || isDescendant(ancestor, p, seen)) {
        return true;
      }
    }
    return false;
  }
}
