package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;

/**
 * A {@code ValueSet.compose.include.filter} evaluated against one CodeSystem: which concepts it selects, in the
 * order an expansion lists them, and a membership test for validation.
 */
final class ConceptFilter {

  private static final Set<String> KNOWN = Set.of("notSelectable", "status", "inactive", "deprecated");

  private final CodeSystemIndex cs;
  private final Predicate<IndexedConcept> test;
  private final List<IndexedConcept> candidates;

  private ConceptFilter(CodeSystemIndex cs, Predicate<IndexedConcept> test, List<IndexedConcept> candidates) {
    this.cs = cs;
    this.test = test;
    this.candidates = candidates;
  }

  static final String R5_OPERATOR =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op";

  /**
   * The filter's operator: R4's code, or an R5 operator ({@code child-of}, {@code descendent-leaf}) that an R4 client
   * either wrote as is or carried in the cross-version extension.
   */
  static String operator(org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent f) {
    String op = f.getOpElement().getValueAsString();
    if (op == null) {
      org.hl7.fhir.r4.model.Extension e = f.getOpElement().getExtensionByUrl(R5_OPERATOR);
      if (e != null && e.getValue() != null) {
        op = e.getValue().primitiveValue();
      }
    }
    return op;
  }

  /** Whether a CodeSystem can evaluate this filter at all. */
  static boolean supported(CodeSystemIndex cs, String property, String op) {
    if (("concept".equals(property) || "code".equals(property))
        && List.of("is-a", "descendent-of", "is-not-a", "in", "not-in", "=", "regex", "generalizes", "child-of")
            .contains(op)) {
      return true;
    }
    if ("child".equals(property) && "exists".equals(op)) {
      return true;
    }
    boolean declared = cs.declaredProperties().containsKey(property) || KNOWN.contains(property);
    return declared && List.of("=", "in", "not-in", "regex", "exists").contains(op);
  }

  static ConceptFilter of(CodeSystemIndex cs, String property, String op, String value) {
    if ("concept".equals(property) || "code".equals(property)) {
      return conceptFilter(cs, op, value);
    }
    if ("child".equals(property) && "exists".equals(op)) {
      boolean want = "true".equals(value);
      return all(cs, c -> c.children().isEmpty() != want);
    }
    if ("exists".equals(op)) {
      boolean want = "true".equals(value);
      return all(cs, c -> !values(c, property).isEmpty() == want);
    }
    Predicate<String> valueTest = valueTest(op, value);
    return all(cs, c -> {
      List<String> vs = values(c, property);
      if ("not-in".equals(op)) {
        return vs.stream().noneMatch(v -> valueTest.negate().test(v));
      }
      return vs.stream().anyMatch(valueTest);
    });
  }

  private static Predicate<String> valueTest(String op, String value) {
    return switch (op) {
      case "=" -> v -> v.equals(value);
      case "in" -> {
        List<String> list = split(value);
        yield list::contains;
      }
      case "not-in" -> {
        List<String> list = split(value);
        yield v -> !list.contains(v);
      }
      case "regex" -> {
        SafeRegex p = SafeRegex.compile(value);
        yield p::matches;
      }
      default -> v -> false;
    };
  }

  private static List<String> values(IndexedConcept c, String property) {
    if (KNOWN.contains(property) && !c.hasProperty(property)) {
      return switch (property) {
        case "status" -> c.status() == null ? List.of() : List.of(c.status());
        case "inactive" -> List.of(Boolean.toString(c.isInactive()));
        case "deprecated" -> List.of(Boolean.toString(c.isDeprecated()));
        default -> List.of();
      };
    }
    List<String> out = new ArrayList<>();
    for (ConceptPropertyComponent p : c.propertyList()) {
      if (property.equals(p.getCode())) {
        String s = IndexedConcept.asString(p.getValue());
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static ConceptFilter conceptFilter(CodeSystemIndex cs, String op, String value) {
    switch (op) {
      case "is-a", "descendent-of" -> {
        List<IndexedConcept> list = new ArrayList<>();
        IndexedConcept root = cs.concept(value).orElse(null);
        Set<String> codes = new LinkedHashSet<>();
        if (root != null) {
          if (op.equals("is-a")) {
            codes.add(root.code());
          }
          codes.addAll(cs.descendants(root.code()));
        }
        for (String code : codes) {
          cs.concept(code).ifPresent(list::add);
        }
        Set<String> members = Set.copyOf(codes);
        return new ConceptFilter(cs, c -> members.contains(c.code()), list);
      }
      case "child-of" -> {
        IndexedConcept root = cs.concept(value).orElse(null);
        List<IndexedConcept> list = root == null ? List.of() : cs.children(root);
        return new ConceptFilter(cs, list::contains, list);
      }
      case "generalizes" -> {
        return all(cs, c -> cs.subsumes(c.code(), value));
      }
      case "is-not-a" -> {
        Set<String> excluded = new LinkedHashSet<>(cs.descendants(value));
        excluded.add(value);
        return all(cs, c -> !excluded.contains(c.code()));
      }
      case "in" -> {
        List<String> codes = split(value);
        return all(cs, c -> codes.contains(c.code()));
      }
      case "not-in" -> {
        List<String> codes = split(value);
        return all(cs, c -> !codes.contains(c.code()));
      }
      case "=" -> {
        return all(cs, c -> c.code().equals(value));
      }
      case "regex" -> {
        SafeRegex p = SafeRegex.compile(value);
        return all(cs, c -> p.matches(c.code()));
      }
      default -> {
        return all(cs, c -> false);
      }
    }
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  private static ConceptFilter all(CodeSystemIndex cs, Predicate<IndexedConcept> test) {
    List<IndexedConcept> list = new ArrayList<>();
    for (IndexedConcept c : cs.concepts()) {
      if (test.test(c)) {
        list.add(c);
      }
    }
    return new ConceptFilter(cs, test, list);
  }

  List<IndexedConcept> concepts() {
    return candidates;
  }

  boolean includes(IndexedConcept c) {
    return test.test(c);
  }

  CodeSystemIndex codeSystem() {
    return cs;
  }
}
