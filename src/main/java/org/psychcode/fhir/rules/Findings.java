package org.psychcode.fhir.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Collects the findings of one request; the severity of each comes from the rule's published definition. */
public final class Findings {

  private final RuleCatalog catalog;
  private final List<Finding> list = new ArrayList<>();

  public Findings(RuleCatalog catalog) {
    this.catalog = catalog;
  }

  public void add(String ruleId, String message, String... expressions) {
    list.add(
        new Finding(
            catalog.require(ruleId),
            message,
            Arrays.stream(expressions).filter(Objects::nonNull).distinct().toList()));
  }

  public List<Finding> list() {
    return List.copyOf(list);
  }
}
