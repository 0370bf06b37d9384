package org.psychcode.fhir.terminology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * The input parameters one terminology operation accepts, read from the OperationDefinition the server publishes
 * for it ({@code fhir-resources/OperationDefinition-<id>.json}): what a client reads there is what the server
 * does. A parameter the definition does not name is refused with a 400, as is one it declares with
 * {@code max = 0} (with the definition's reason); a {@code boolean} must be {@code true} or {@code false}, an
 * {@code integer} a whole number of zero or more.
 */
public final class OperationParameters {

  private record Declared(String type, boolean supported, String documentation) {}

  private final String id;
  private final Map<String, Declared> declared;

  private OperationParameters(String id, Map<String, Declared> declared) {
    this.id = id;
    this.declared = Map.copyOf(declared);
  }

  static OperationParameters of(OperationDefinition definition) {
    Map<String, Declared> declared = new LinkedHashMap<>();
    for (OperationDefinitionParameterComponent p : definition.getParameter()) {
      if (p.getUse() == OperationParameterUse.IN) {
        declared.put(p.getName(), new Declared(p.getType(), !"0".equals(p.getMax()), p.getDocumentation()));
      }
    }
    return new OperationParameters(definition.getIdElement().getIdPart(), declared);
  }

  /** The id of the OperationDefinition this table was read from. */
  String id() {
    return id;
  }

  /** The parameters the operation accepts (those it declares as not supported left out). */
  public Set<String> names() {
    return declared.entrySet().stream()
        .filter(e -> e.getValue().supported())
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** Refuses the request (400) when one of its parameters is not accepted, or has a value of the wrong kind. */
  void check(TxRequest request) {
    for (ParametersParameterComponent p : request.parameters().getParameter()) {
      String name = p.getName();
      if (name == null) {
        continue;
      }
      Declared d = declared.get(name);
      if (d == null) {
        throw refused(IssueType.INVALID, "The parameter '" + name + "' is not a parameter of this operation");
      }
      if (!d.supported()) {
        throw refused(IssueType.NOTSUPPORTED, "The parameter '" + name + "' is not supported: " + reason(d));
      }
      String value = p.getValue() != null && p.getValue().isPrimitive() ? p.getValue().primitiveValue() : null;
      if (value == null) {
        continue;
      }
      if ("boolean".equals(d.type()) && !"true".equals(value) && !"false".equals(value)) {
        throw refused(IssueType.INVALID, "The parameter '" + name + "' is true or false, not '" + value + "'");
      }
      if ("integer".equals(d.type()) && !TxParameters.isWholeNumber(value)) {
        throw refused(
            IssueType.INVALID, "The parameter '" + name + "' is a whole number of zero or more, not '" + value + "'");
      }
    }
  }

  /** The definition's documentation of a parameter it does not support, without its "Not supported: " lead. */
  private static String reason(Declared d) {
    String doc = d.documentation() == null ? "" : d.documentation();
    return doc.startsWith("Not supported: ") ? doc.substring("Not supported: ".length()) : doc;
  }

  private static TxException refused(IssueType type, String text) {
    return TxException.invalid(TxIssue.error(type, null, null, text, "invalid-data"));
  }
}
