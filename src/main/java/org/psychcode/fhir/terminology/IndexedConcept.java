package org.psychcode.fhir.terminology;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
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
  private final List<String> parents;
  private final List<String> children;

  IndexedConcept(
      ConceptDefinitionComponent source,
      Map<String, List<Type>> properties,
      List<String> parents,
      List<String> children) {
    this.source = source;
    this.properties = properties;
    this.parents = parents;
    this.children = children;
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

  /** Inactive when the {@code inactive} property is true or {@code status} is retired or inactive. */
  public boolean isInactive() {
    if (isTrue("inactive")) {
      return true;
    }
    return codeProperties("status").stream().anyMatch(s -> s.equals("retired") || s.equals("inactive"));
  }

  public boolean isAbstract() {
    return isTrue("notSelectable") || isTrue("abstract");
  }

  private static String asString(Type t) {
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
