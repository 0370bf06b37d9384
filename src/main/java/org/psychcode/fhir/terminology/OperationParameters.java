package org.psychcode.fhir.terminology;

import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * The input parameters each terminology operation accepts: one table per operation, so an unknown or unsupported
 * parameter is refused with a 400 in one place instead of being silently ignored. Parameters every HL7 terminology
 * client sends with each call ({@code tx-resource}, the runner's {@code uuid}, a nested {@code profile}) are common to
 * all of them.
 */
public enum OperationParameters {
  CODESYSTEM_VALIDATE_CODE(
      "url", "codeSystem", "code", "version", "display", "coding", "codeableConcept", "abstract", "displayLanguage",
      "system", "systemVersion", "inferSystem", "activeOnly", "lenient-display-validation", "default-to-latest-version",
      "system-version", "check-system-version", "force-system-version", "useSupplement", "valueset-membership-only",
      "diagnostics"),
  VALUESET_VALIDATE_CODE(
      "url", "valueSet", "valueSetVersion", "code", "system", "systemVersion", "version", "display", "coding",
      "codeableConcept", "abstract", "displayLanguage", "inferSystem", "activeOnly", "lenient-display-validation",
      "default-to-latest-version", "system-version", "check-system-version", "force-system-version",
      "default-valueset-version", "force-valueset-version", "check-valueset-version", "useSupplement",
      "valueset-membership-only", "diagnostics", "profile-url"),
  BATCH_VALIDATE_CODE(
      "validation", "url", "valueSet", "valueSetVersion", "abstract", "displayLanguage", "inferSystem", "activeOnly",
      "lenient-display-validation", "default-to-latest-version", "system-version", "check-system-version",
      "force-system-version", "default-valueset-version", "useSupplement", "valueset-membership-only", "diagnostics"),
  EXPAND(
      "url", "valueSet", "valueSetVersion", "filter", "offset", "count", "includeDesignations", "designation",
      "includeDefinition", "activeOnly", "excludeNested", "excludeNotForUI", "excludePostCoordinated",
      "displayLanguage", "property", "system-version", "check-system-version", "force-system-version",
      "default-valueset-version", "force-valueset-version", "useSupplement", "limit", "_limit", "versionsMatch",
      "default-to-latest-version", "diagnostics", "allowMaximumSizeExpansion"),
  LOOKUP("code", "system", "version", "coding", "displayLanguage", "property", "useSupplement", "diagnostics"),
  SUBSUMES("codeA", "codeB", "system", "version", "codingA", "codingB", "diagnostics"),
  TRANSLATE(
      "url", "conceptMap", "conceptMapVersion", "code", "system", "version", "source", "coding", "codeableConcept",
      "target", "targetsystem", "reverse", "sourceCode", "sourceSystem", "sourceVersion", "sourceCoding",
      "sourceCodeableConcept", "targetCode", "targetCoding", "targetCodeableConcept", "targetSystem",
      "targetScope", "sourceScope", "diagnostics");

  private static final Set<String> COMMON = Set.of("tx-resource", "uuid", "profile");
  private static final Map<String, String> UNSUPPORTED =
      Map.of(
          "context", "value set context is not supported",
          "contextDirection", "value set context is not supported",
          "date", "the server holds one version of each code system, so a date cannot select another",
          "exclude-system", "exclude-system is not supported",
          "dependency", "dependencies of a ConceptMap element are not supported");

  private final Set<String> names;

  OperationParameters(String... names) {
    this.names = Set.of(names);
  }

  public Set<String> names() {
    return names;
  }

  private static final Set<String> BOOLEANS =
      Set.of(
          "abstract", "inferSystem", "activeOnly", "lenient-display-validation", "default-to-latest-version",
          "valueset-membership-only", "diagnostics", "includeDesignations", "includeDefinition", "excludeNested",
          "excludeNotForUI", "excludePostCoordinated", "reverse");

  /**
   * Refuses the request (400) when it carries a parameter this operation does not support, or a boolean
   * parameter whose value is neither {@code true} nor {@code false}.
   */
  void check(TxRequest request) {
    for (ParametersParameterComponent p : request.parameters().getParameter()) {
      String n = p.getName();
      if (n != null && BOOLEANS.contains(n) && names.contains(n) && p.getValue() != null) {
        String v = p.getValue().primitiveValue();
        if (!"true".equals(v) && !"false".equals(v)) {
          throw TxException.invalid(
              TxIssue.error(IssueType.INVALID, null, null, "The parameter '" + n + "' is true or false, not '" + v + "'", "invalid-data"));
        }
      }
      if (n == null || names.contains(n) || COMMON.contains(n)) {
        continue;
      }
      String why = UNSUPPORTED.get(n);
      throw TxException.invalid(
          TxIssue.error(
              why == null ? IssueType.INVALID : IssueType.NOTSUPPORTED,
              null,
              null,
              why == null
                  ? "The parameter '" + n + "' is not a parameter of this operation"
                  : "The parameter '" + n + "' is not supported: " + why,
              "invalid-data"));
    }
  }
}
