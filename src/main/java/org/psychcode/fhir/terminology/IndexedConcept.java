package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionDesignationComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * One concept of a loaded CodeSystem with its properties gathered by property code, and its place in the
 * hierarchy. Immutable after the index is built; the billing rules read their numbers and relations here.
 */
public final class IndexedConcept {

  private final ConceptDefinitionComponent source;
  private final Map<String, List<Type>> properties;
  private final List<ConceptPropertyComponent> propertyList;
  private final Map<String, String> propertyUris;
  private final List<String> parents;
  private final List<String> children;
  private final List<Supplemented> supplements;

  /** A concept's entry in a supplement, and the supplement's canonical ({@code url|version}). */
  record Supplemented(String source, ConceptDefinitionComponent concept) {}

  IndexedConcept(
      ConceptDefinitionComponent source,
      Map<String, List<Type>> properties,
      List<ConceptPropertyComponent> propertyList,
      Map<String, String> propertyUris,
      List<String> parents,
      List<String> children,
      List<Supplemented> supplements) {
    this.source = source;
    this.properties = properties;
    this.propertyList = propertyList;
    this.propertyUris = propertyUris;
    this.parents = parents;
    this.children = children;
    this.supplements = List.copyOf(supplements);
  }

  public String code() {
    return source.getCode();
  }

  public String display() {
    return source.getDisplay();
  }

  public String definition() {
    return source.getDefinition();
  }

  /** The concept as authored; callers must not modify it. */
  public ConceptDefinitionComponent source() {
    return source;
  }

  public List<String> parents() {
    return parents;
  }

  public List<String> children() {
    return children;
  }

  public Map<String, List<Type>> properties() {
    return properties;
  }

  /** Every property value in file order (the concept's own, then those its supplements add). */
  List<ConceptPropertyComponent> propertyList() {
    return propertyList;
  }

  public List<Type> property(String code) {
    return properties.getOrDefault(code, List.of());
  }

  public boolean hasProperty(String code) {
    return properties.containsKey(code);
  }

  public OptionalInt integerProperty(String code) {
    for (Type t : property(code)) {
      if (t instanceof IntegerType i && i.getValue() != null) {
        return OptionalInt.of(i.getValue());
      }
    }
    return OptionalInt.empty();
  }

  public Optional<Boolean> booleanProperty(String code) {
    for (Type t : property(code)) {
      if (t instanceof BooleanType b && b.getValue() != null) {
        return Optional.of(b.getValue());
      }
    }
    return Optional.empty();
  }

  public boolean isTrue(String code) {
    return booleanProperty(code).orElse(false);
  }

  /** Values of a property of type code, string or Coding, as plain strings (a Coding gives its code). */
  public List<String> codeProperties(String code) {
    return property(code).stream().map(IndexedConcept::asString).filter(s -> s != null).toList();
  }

  public Optional<String> codeProperty(String code) {
    List<String> values = codeProperties(code);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The concept's status as the ecosystem reads it: the {@code status} property, else {@code deprecated},
   * {@code inactive} or {@code retired} flags, else the standards-status extension; {@code null} when nothing
   * says.
   */
  public String status() {
    for (ConceptPropertyComponent p : propertyList) {
      if (is(p, "status")) {
        return asString(p.getValue());
      }
    }
    for (ConceptPropertyComponent p : propertyList) {
      String v = asString(p.getValue());
      if (is(p, "deprecated") && "true".equals(v)) {
        return "deprecated";
      }
      if (is(p, "deprecationDate") && p.getValue() instanceof DateTimeType) {
        return "deprecated";
      }
      if (is(p, "inactive") && "true".equals(v)) {
        return "inactive";
      }
      if (is(p, "retired") && "true".equals(v)) {
        return "retired";
      }
    }
    Extension e = source.getExtensionByUrl(CodeSystemIndex.STANDARDS_STATUS);
    return e != null && e.getValue() != null ? e.getValue().primitiveValue() : null;
  }

  /** Inactive when the {@code inactive} property is true or {@code status} is retired or inactive. */
  public boolean isInactive() {
    for (ConceptPropertyComponent p : propertyList) {
      String v = asString(p.getValue());
      if (is(p, "inactive") && "true".equals(v)) {
        return true;
      }
      if (is(p, "status") && ("inactive".equals(v) || "retired".equals(v))) {
        return true;
      }
    }
    Extension e = source.getExtensionByUrl(CodeSystemIndex.STANDARDS_STATUS);
    return e != null && e.getValue() != null && "withdrawn".equalsIgnoreCase(e.getValue().primitiveValue());
  }

  boolean isDeprecated() {
    for (ConceptPropertyComponent p : propertyList) {
      String v = asString(p.getValue());
      if (is(p, "deprecated") && "true".equals(v)) {
        return true;
      }
      if (is(p, "status") && ("deprecated".equals(v) || "retired".equals(v))) {
        return true;
      }
    }
    return false;
  }

  public boolean isAbstract() {
    for (ConceptPropertyComponent p : propertyList) {
      if ((is(p, "notSelectable") || is(p, "abstract") || "not-selectable".equals(p.getCode()))
          && p.getValue() instanceof BooleanType b
          && Boolean.TRUE.equals(b.getValue())) {
        return true;
      }
    }
    return false;
  }

  private boolean is(ConceptPropertyComponent p, String kind) {
    if (kind.equals(p.getCode())) {
      return true;
    }
    String uri = propertyUris.get(p.getCode());
    return uri != null && uri.equals(CodeSystemIndex.CONCEPT_PROPERTIES + kind);
  }

  /** Adds the display (in the CodeSystem's language) and every designation, supplements' included. */
  void addDesignations(Designations into, Language codeSystemLanguage) {
    into.setBaseLang(codeSystemLanguage);
    if (source.hasDisplay()) {
      into.add(true, "active", codeSystemLanguage, null, source.getDisplay().trim(), null);
    }
    addDesignations(into, source.getDesignation(), null);
    for (Supplemented s : supplements) {
      if (s.concept().hasDisplay()) {
        into.add(false, "active", null, Designation.displayUse(), s.concept().getDisplay(), null, s.source());
      }
      addDesignations(into, s.concept().getDesignation(), s.source());
    }
  }

  private static void addDesignations(
      Designations into, List<ConceptDefinitionDesignationComponent> list, String supplement) {
    for (ConceptDefinitionDesignationComponent d : list) {
      Extension st = d.getExtensionByUrl(CodeSystemIndex.STANDARDS_STATUS);
      String status = st != null && st.getValue() != null ? st.getValue().primitiveValue() : "active";
      into.add(
          false,
          status,
          d.hasLanguage() ? new Language(d.getLanguage()) : null,
          d.hasUse() ? d.getUse() : null,
          d.getValue(),
          d.getExtension(),
          supplement);
    }
  }

  List<Extension> extensions() {
    if (supplements.isEmpty()) {
      return source.getExtension();
    }
    List<Extension> out = new ArrayList<>(source.getExtension());
    supplements.forEach(s -> out.addAll(s.concept().getExtension()));
    return out;
  }

  static String asString(Type t) {
    if (t == null) {
      return null;
    }
    if (t instanceof CodeType c) {
      return c.getValue();
    }
    if (t instanceof StringType s) {
      return s.getValue();
    }
    if (t instanceof Coding c) {
      return c.getCode();
    }
    return t.isPrimitive() ? t.primitiveValue() : null;
  }
}
