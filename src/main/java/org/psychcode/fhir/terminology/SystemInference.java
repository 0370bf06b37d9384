package org.psychcode.fhir.terminology;

import java.util.Set;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;

/**
 * {@code inferSystem}: the code system of a code given without one, read from the value set it is checked against,
 * from its includes where they say enough, else from its expansion.
 */
final class SystemInference {

  private final TxContext ctx;
  private final TxParameters params;
  private final ValueSet valueSet;

  SystemInference(TxContext ctx, ValueSet valueSet) {
    this.ctx = ctx;
    this.params = ctx.params;
    this.valueSet = valueSet;
  }

  /**
   * The one system in the value set that has this code; {@code ""} when none or several do ({@code systems} then
   * lists them).
   */
  String infer(String code, Set<String> systems) {
    String result = null;
    boolean needExpansion = false;
    boolean mayNeedExpansion = false;
    for (ConceptSetComponent inc : valueSet.getCompose().getExclude()) {
      if (inc.hasValueSet() || !inc.hasSystem() || inc.hasFilter()) {
        needExpansion = true;
      }
    }
    for (ConceptSetComponent inc : valueSet.getCompose().getInclude()) {
      if (inc.hasValueSet() || !inc.hasSystem()) {
        needExpansion = true;
      }
      if (inc.hasFilter()) {
        mayNeedExpansion = true;
      }
    }
    if (needExpansion) {
      return systemFromExpansion(code, systems);
    }
    for (ConceptSetComponent inc : valueSet.getCompose().getInclude()) {
      CodeSystemIndex cs = ctx.findCodeSystem(inc.getSystem(), null, false);
      if (cs == null) {
        return "";
      }
      if (inc.hasConcept()) {
        for (ConceptReferenceComponent cc : inc.getConcept()) {
          if (code.equals(cc.getCode())) {
            systems.add(inc.getSystem());
            if (result == null) {
              result = inc.getSystem();
            } else if (!result.equals(inc.getSystem())) {
              return "";
            }
          }
        }
      } else if (cs.concept(code).isPresent()) {
        systems.add(inc.getSystem());
        if (result == null) {
          result = inc.getSystem();
        } else if (!result.equals(inc.getSystem())) {
          if (mayNeedExpansion) {
            return systemFromExpansion(code, systems);
          }
          return "";
        }
      }
    }
    return result == null ? "" : result;
  }

  private String systemFromExpansion(String code, Set<String> systems) {
    TxParameters p = params.copy();
    p.limit = ValueSetExpander.INTERNAL_LIMIT;
    Expansion e = new ValueSetExpander(new TxContext(ctx.source, p), ValueSetExpander.INTERNAL_LIMIT, TextFilter.NONE)
        .expand(valueSet);
    String result = "";
    for (Expansion.Item i : e.all) {
      if (i.code.equals(code)) {
        systems.add(i.system);
        if (result.isEmpty()) {
          result = i.system;
        } else {
          return "";
        }
      }
    }
    return result;
  }
}
