package org.psychcode.fhir.rules;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs every billing rule over one request. At construction it checks that each rule is published in the
 * billing-rule CodeSystem and that each published rule is implemented, so a rule cannot be added to one
 * place and forgotten in the other.
 */
public final class BillingRuleEngine {

  private final List<BillingRule> rules;
  private final RuleCatalog catalog;

  public BillingRuleEngine(List<BillingRule> rules, RuleCatalog catalog) {
    this.rules = List.copyOf(rules);
    this.catalog = catalog;
    Set<String> implemented = new LinkedHashSet<>();
    for (BillingRule r : rules) {
      catalog.require(r.id());
      if (!implemented.add(r.id())) {
        throw new IllegalStateException("billing rule " + r.id() + " is implemented twice");
      }
    }
    Set<String> missing = new LinkedHashSet<>(catalog.all().keySet());
    missing.removeAll(implemented);
    if (!missing.isEmpty()) {
      throw new IllegalStateException("published billing rules without an implementation: " + missing);
    }
  }

  /** The standard rule set over one code book. */
  public static BillingRuleEngine standard(CodeBook book, RuleCatalog catalog) {
    return new BillingRuleEngine(
        List.of(
            new EncounterMissingRule(),
            new EncounterUnresolvedRule(),
            new EncounterClaimMismatchRule(),
            new DurationInconsistentRule(),
            new TimeMissingRule(),
            new TimeBelowMinimumRule(book),
            new TimeCodeMismatchRule(book),
            new SessionTypeMissingRule(),
            new SessionTypeMismatchRule(book),
            new AddonWithoutPrimaryRule(),
            new AddonInvalidPrimaryRule(),
            new CrisisUnitsMismatchRule(book),
            new SameDayConflictRule(),
            new UnitsExceedMaxRule(book),
            new TelehealthMismatchRule(book),
            new ProviderScopeRule(book),
            new DiagnosisMissingRule(),
            new DiagnosisNotBehavioralRule(book),
            new DiagnosisNotBillableRule(book)),
        catalog);
  }

  public List<Finding> evaluate(VisitContext visit) {
    Findings findings = new Findings(catalog);
    for (BillingRule rule : rules) {
      rule.evaluate(visit, findings);
    }
    return findings.list();
  }

  public List<BillingRule> rules() {
    return rules;
  }

  public RuleCatalog catalog() {
    return catalog;
  }
}
