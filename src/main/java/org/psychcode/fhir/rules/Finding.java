package org.psychcode.fhir.rules;

import java.util.List;

/**
 * One thing a billing rule found, in a biller's words.
 *
 * @param expressions FHIRPaths of the offending elements in the posted resource, the most specific first
 */
public record Finding(RuleDefinition rule, String message, List<String> expressions) {

  public String ruleId() {
    return rule.id();
  }

  public Severity severity() {
    return rule.severity();
  }
}
