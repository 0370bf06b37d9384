package org.psychcode.fhir.rules;

import java.util.List;

/** A rule as the billing-rule CodeSystem publishes it: id, name, definition, severity and sources. */
public record RuleDefinition(String id, String display, String definition, Severity severity, List<String> sources) {}
