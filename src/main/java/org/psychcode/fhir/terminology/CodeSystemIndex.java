package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeSystem.PropertyComponent;
import org.hl7.fhir.r4.model.Type;

/**
 * A CodeSystem made ready for look-ups: every concept by code (also case-folded when the system is not
 * case-sensitive), with parents and children from both nesting and {@code parent}/{@code child} properties.
 * Built once per loaded CodeSystem; read concurrently without locks.
 */
public final class CodeSystemIndex {

  private final CodeSystem codeSystem;
  private final Map<String, IndexedConcept> byCode;
  private final Map<String, IndexedConcept> byFoldedCode;
  private final Map<String, PropertyComponent> declaredProperties;

  private CodeSystemIndex(CodeSystem codeSystem, Map<String, IndexedConcept> byCode) {
    this.codeSystem = codeSystem;
    this.byCode = byCode;
    Map<String, IndexedConcept> folded = new HashMap<>();
    if (!codeSystem.getCaseSensitive()) {
      byCode.forEach((code, concept) -> folded.putIfAbsent(code.toLowerCase(Locale.ROOT), concept));
    }
    this.byFoldedCode = folded;
    Map<String, PropertyComponent> declared = new LinkedHashMap<>();
    codeSystem.getProperty().forEach(p -> declared.put(p.getCode(), p));
    this.declaredProperties = declared;
  }

  public static CodeSystemIndex of(CodeSystem codeSystem) {
    Map<String, ConceptDefinitionComponent> sources = new LinkedHashMap<>();
    Map<String, List<String>> parents = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    walk(codeSystem.getConcept(), null, sources, parents, children);
    for (ConceptDefinitionComponent c : sources.values()) {
      for (ConceptPropertyComponent p : c.getProperty()) {
        if (!p.hasValueCodeType()) {
          continue;
        }
        String other = p.getValueCodeType().getValue();
        if ("parent".equals(p.getCode()) || "subsumedBy".equals(p.getCode())) {
          link(other, c.getCode(), parents, children);
        } else if ("child".equals(p.getCode())) {
          link(c.getCode(), other, parents, children);
        }
      }
    }
    Map<String, IndexedConcept> byCode = new LinkedHashMap<>();
    for (ConceptDefinitionComponent c : sources.values()) {
      Map<String, List<Type>> props = new LinkedHashMap<>();
      for (ConceptPropertyComponent p : c.getProperty()) {
        props.computeIfAbsent(p.getCode(), k -> new ArrayList<>()).add(p.getValue());
      }
      props.replaceAll((k, v) -> List.copyOf(v));
      byCode.put(
          c.getCode(),
          new IndexedConcept(
              c,
              Map.copyOf(props),
              List.copyOf(parents.getOrDefault(c.getCode(), List.of())),
              List.copyOf(children.getOrDefault(c.getCode(), List.of()))));
    }
    return new CodeSystemIndex(codeSystem, byCode);
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

  public CodeSystem.CodeSystemContentMode content() {
    return codeSystem.getContent();
  }

  public boolean caseSensitive() {
    return codeSystem.getCaseSensitive();
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

  public Collection<IndexedConcept> concepts() {
    return byCode.values();
  }

  public Map<String, PropertyComponent> declaredProperties() {
    return declaredProperties;
  }

  /** True when {@code descendant} is {@code ancestor} or lies below it. */
  public boolean subsumes(String ancestor, String descendant) {
    if (ancestor.equals(descendant)) {
      return true;
    }
    IndexedConcept c = byCode.get(descendant);
    if (c == null) {
      return false;
    }
    for (String p : c.parents()) {
      if (subsumes(ancestor, p)) {
        return true;
      }
    }
    return false;
  }
}
