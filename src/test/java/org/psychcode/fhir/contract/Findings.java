package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * A validation answer read the way DESIGN.md's "Validation answer" section defines it: the set of billing-rule ids
 * is what an outside tester compares, and every billing issue must carry the rule's severity from the DESIGN table,
 * {@code business-rule}, a sentence and an expression into what was posted.
 */
final class Findings {

  static final String BILLING_RULE = "http://psychcode.org/fhir/CodeSystem/billing-rule";

  /** Severities as the DESIGN table states them. */
  static final Map<String, IssueSeverity> SEVERITY = Map.ofEntries(
      Map.entry("time-missing", IssueSeverity.ERROR),
      Map.entry("time-below-minimum", IssueSeverity.ERROR),
      Map.entry("time-code-mismatch", IssueSeverity.ERROR),
      Map.entry("session-type-missing", IssueSeverity.WARNING),
      Map.entry("session-type-mismatch", IssueSeverity.ERROR),
      Map.entry("addon-without-primary", IssueSeverity.ERROR),
      Map.entry("addon-invalid-primary", IssueSeverity.ERROR),
      Map.entry("crisis-units-mismatch", IssueSeverity.ERROR),
      Map.entry("same-day-conflict", IssueSeverity.ERROR),
      Map.entry("units-exceed-max", IssueSeverity.ERROR),
      Map.entry("telehealth-mismatch", IssueSeverity.ERROR),
      Map.entry("provider-scope", IssueSeverity.ERROR),
      Map.entry("diagnosis-missing", IssueSeverity.ERROR),
      Map.entry("diagnosis-not-behavioral", IssueSeverity.WARNING),
      Map.entry("diagnosis-not-billable", IssueSeverity.ERROR),
      Map.entry("encounter-missing", IssueSeverity.ERROR),
      Map.entry("encounter-unresolved", IssueSeverity.ERROR),
      Map.entry("encounter-claim-mismatch", IssueSeverity.ERROR),
      Map.entry("duration-inconsistent", IssueSeverity.WARNING));

  private final OperationOutcome outcome;
  private final String root;

  /** {@code root} is what every expression must start with: {@code Bundle.entry[}, {@code Claim.}, .... */
  Findings(OperationOutcome outcome, String root) {
    this.outcome = outcome;
    this.root = root;
  }

  OperationOutcome outcome() {
    return outcome;
  }

  Set<String> ids() {
    return billingIssues().stream().map(Findings::ruleId).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The answer's billing-rule ids are exactly these, and every billing issue has the contract's shape. */
  Findings exactly(String... ruleIds) {
    assertThat(ids()).as(summary()).containsExactlyInAnyOrder(ruleIds);
    billingIssues().forEach(this::hasContractShape);
    return this;
  }

  /** A clean visit: no billing finding, nothing above information, and an information issue saying so. */
  Findings clean() {
    exactly();
    assertThat(outcome.getIssue()).as(summary())
        .allSatisfy(i -> assertThat(i.getSeverity()).isEqualTo(IssueSeverity.INFORMATION))
        .isNotEmpty();
    return this;
  }

  /** No billing finding; profile issues (warnings about codes, say) are allowed. */
  Findings noBillingFinding() {
    return exactly();
  }

  List<OperationOutcomeIssueComponent> issues(String ruleId) {
    List<OperationOutcomeIssueComponent> found = billingIssues().stream().filter(i -> ruleId.equals(ruleId(i))).toList();
    assertThat(found).as("issues of " + ruleId + " in " + summary()).isNotEmpty();
    return found;
  }

  /** Some issue of the rule points at one of these expressions. */
  Findings at(String ruleId, String... anyOf) {
    Set<String> expressions = issues(ruleId).stream()
        .flatMap(i -> i.getExpression().stream()).map(StringType::getValue).collect(Collectors.toSet());
    assertThat(expressions).as(ruleId + " expressions in " + summary()).containsAnyOf(anyOf);
    return this;
  }

  /** Some issue of the rule names this code in its sentence. */
  Findings naming(String ruleId, String code) {
    assertThat(issues(ruleId)).as(summary()).anySatisfy(i -> {
      assertThat(i.getDetails().getText()).contains(code);
      assertThat(i.getDiagnostics()).contains(code);
    });
    return this;
  }

  /** No issue of the rule names this code in its sentence. */
  Findings notNaming(String ruleId, String code) {
    assertThat(issues(ruleId)).as(summary()).noneSatisfy(i -> assertThat(i.getDetails().getText()).contains(code));
    return this;
  }

  String summary() {
    return outcome.getIssue().stream()
        .map(i -> i.getSeverity() + " " + i.getCode() + " " + (ruleId(i) == null ? "" : ruleId(i) + " ")
            + i.getExpression().stream().map(StringType::getValue).toList() + " " + i.getDiagnostics())
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  private void hasContractShape(OperationOutcomeIssueComponent issue) {
    String id = ruleId(issue);
    assertThat(SEVERITY).as("rule id %s is one of DESIGN's", id).containsKey(id);
    assertThat(issue.getSeverity()).as("severity of %s", id).isEqualTo(SEVERITY.get(id));
    assertThat(issue.getCode()).as("code of %s", id).isEqualTo(OperationOutcome.IssueType.BUSINESSRULE);
    Coding first = issue.getDetails().getCodingFirstRep();
    assertThat(first.getSystem()).as("details.coding[0] of %s", id).isEqualTo(BILLING_RULE);
    assertThat(issue.getDetails().getText()).as("sentence of %s", id).isNotBlank();
    assertThat(issue.getDiagnostics()).as("diagnostics of %s", id).isNotBlank();
    assertThat(issue.getExpression()).as("expression of %s", id).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getValue()).startsWith(root));
  }

  private List<OperationOutcomeIssueComponent> billingIssues() {
    return outcome.getIssue().stream().filter(i -> ruleId(i) != null).toList();
  }

  private static String ruleId(OperationOutcomeIssueComponent issue) {
    return issue.getDetails().getCoding().stream()
        .filter(c -> BILLING_RULE.equals(c.getSystem())).map(Coding::getCode).findFirst().orElse(null);
  }
}
