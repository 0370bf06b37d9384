package org.psychcode.fhir.rules;

/**
 * One rule of the billing-rule CodeSystem. Each implementation checks exactly one rule id, reads every
 * number and relation from {@link CodeBook}, and reports in a biller's words where the request is wrong.
 */
public interface BillingRule {

  /** The rule id, a code of {@value Systems#BILLING_RULE}. */
  String id();

  void evaluate(VisitContext visit, Findings findings);
}
