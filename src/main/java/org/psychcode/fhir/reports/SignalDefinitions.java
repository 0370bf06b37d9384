package org.psychcode.fhir.reports;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Type;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyRegistry;

/**
 * The coding-signal CodeSystem ({@code terminology/CodeSystem-coding-signal.json}) read into the thresholds the
 * profiles use: a threshold is changed in that file, never here, and the published CodeSystem says what the server does.
 */
final class SignalDefinitions {

  static final String SYSTEM = "http://psychcode.org/fhir/CodeSystem/coding-signal";

  /** One signal: its severity, the codes it watches and its numeric thresholds by property code. */
  record Definition(String id, String display, String severity, List<String> codes, Map<String, BigDecimal> numbers) {

    BigDecimal number(String property) {
      BigDecimal n = numbers.get(property);
      if (n == null) {
        throw new IllegalStateException("coding signal " + id + " has no " + property + " in " + SYSTEM);
      }
      return n;
    }

    int integer(String property) {
      return number(property).intValueExact();
    }

    double decimal(String property) {
      return number(property).doubleValue();
    }
  }

  private final Map<String, Definition> definitions;

  private SignalDefinitions(Map<String, Definition> definitions) {
    this.definitions = Map.copyOf(definitions);
  }

  static SignalDefinitions from(TerminologyRegistry registry) {
    Map<String, Definition> all = new LinkedHashMap<>();
    registry
        .codeSystem(SYSTEM)
        .orElseThrow(() -> new IllegalStateException("the coding-signal CodeSystem " + SYSTEM + " is not loaded"))
        .concepts()
        .forEach(c -> all.put(c.code(), definition(c)));
    return new SignalDefinitions(all);
  }

  private static Definition definition(IndexedConcept c) {
    Map<String, BigDecimal> numbers = new LinkedHashMap<>();
    c.properties().forEach((code, values) -> {
      for (Type t : values) {
        if (t instanceof DecimalType d && d.getValue() != null) {
          numbers.put(code, d.getValue());
        } else if (t instanceof IntegerType i && i.getValue() != null) {
          numbers.put(code, BigDecimal.valueOf(i.getValue()));
        }
      }
    });
    String severity = c.codeProperty("severity").orElseThrow(() -> new IllegalStateException("coding signal " + c.code() + " has no severity"));
    return new Definition(c.code(), c.display(), severity, List.copyOf(c.codeProperties("watched-code")), numbers);
  }

  Definition require(String id) {
    Definition d = definitions.get(id);
    if (d == null) {
      throw new IllegalStateException("coding signal " + id + " is not published in " + SYSTEM);
    }
    return d;
  }
}
