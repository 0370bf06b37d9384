package org.psychcode.fhir.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyRegistry;

/**
 * The billing-rule CodeSystem read into definitions. A finding's severity and the rule's wording come from
 * here, so the published CodeSystem and the server's behaviour cannot drift apart.
 */
public final class RuleCatalog {

  private final Map<String, RuleDefinition> rules;

  RuleCatalog(Map<String, RuleDefinition> rules) {
    this.rules = Map.copyOf(rules);
  }

  public static RuleCatalog from(TerminologyRegistry registry) {
    Map<String, RuleDefinition> rules = new LinkedHashMap<>();
    registry
        .codeSystem(Systems.BILLING_RULE)
        .orElseThrow(() -> new IllegalStateException("the billing-rule CodeSystem " + Systems.BILLING_RULE + " is not loaded"))
        .concepts()
        .forEach(c -> rules.put(c.code(), definition(c)));
    return new RuleCatalog(rules);
  }

  private static RuleDefinition definition(IndexedConcept c) {
    String severity =
        c.codeProperty("severity")
            .orElseThrow(() -> new IllegalStateException("billing rule " + c.code() + " has no severity property"));
    return new RuleDefinition(c.code(), c.display(), c.definition(), Severity.of(severity), List.copyOf(c.codeProperties("source")));
  }

  public Optional<RuleDefinition> rule(String id) {
    return Optional.ofNullable(rules.get(id));
  }

  public RuleDefinition require(String id) {
    RuleDefinition r = rules.get(id);
    if (r == null) {
      throw new IllegalStateException("billing rule " + id + " is not published in " + Systems.BILLING_RULE);
    }
    return r;
  }

  public Map<String, RuleDefinition> all() {
    return rules;
  }
}
