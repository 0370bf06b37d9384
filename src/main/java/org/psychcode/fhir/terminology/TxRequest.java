package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * One terminology operation call as the engine sees it: the parameters (from the query string or a Parameters
 * body, already merged) and the Accept-Language header. Typed accessors read a parameter whatever primitive type
 * the client chose for it.
 */
public final class TxRequest {

  private final Parameters parameters;
  private final String acceptLanguage;
  private final Diagnostics diagnostics;

  public TxRequest(Parameters parameters, String acceptLanguage) {
    this.parameters = parameters;
    this.acceptLanguage = acceptLanguage;
    this.diagnostics =
        "true".equals(string("diagnostics"))
            ? new Diagnostics(string("profile-url"), resources("tx-resource").size())
            : null;
  }

  /** A request from query-string parameters, each a string (a {@code true}/{@code false} a boolean). */
  public static TxRequest fromQuery(Map<String, String[]> query, String acceptLanguage) {
    Parameters p = new Parameters();
    for (Map.Entry<String, String[]> e : query.entrySet()) {
      if (e.getKey().startsWith("_")) {
        continue;
      }
      for (String v : e.getValue()) {
        p.addParameter().setName(e.getKey()).setValue(new StringType(v));
      }
    }
    return new TxRequest(p, acceptLanguage);
  }

  public Parameters parameters() {
    return parameters;
  }

  public String acceptLanguage() {
    return acceptLanguage;
  }

  ParametersParameterComponent first(String name) {
    for (ParametersParameterComponent p : parameters.getParameter()) {
      if (name.equals(p.getName())) {
        return p;
      }
    }
    return null;
  }

  boolean has(String name) {
    return first(name) != null;
  }

  String string(String name) {
    ParametersParameterComponent p = first(name);
    if (p == null || p.getValue() == null || !p.getValue().isPrimitive()) {
      return null;
    }
    String v = p.getValue().primitiveValue();
    return v == null || v.isEmpty() ? null : v;
  }

  /** A Coding parameter; in a query string written {@code system|code}. */
  Coding coding(String name) {
    ParametersParameterComponent p = first(name);
    if (p == null) {
      return null;
    }
    Type v = p.getValue();
    if (v instanceof Coding c) {
      return c;
    }
    if (v != null && v.isPrimitive() && v.primitiveValue() != null) {
      String s = v.primitiveValue();
      int bar = s.lastIndexOf('|');
      Coding c = new Coding();
      if (bar >= 0) {
        c.setSystem(bar > 0 ? s.substring(0, bar) : null);
        c.setCode(s.substring(bar + 1));
      } else {
        c.setCode(s);
      }
      return c;
    }
    throw wrongType(name, "Coding");
  }

  CodeableConcept codeableConcept(String name) {
    ParametersParameterComponent p = first(name);
    if (p == null) {
      return null;
    }
    if (p.getValue() instanceof CodeableConcept cc) {
      return cc;
    }
    if (p.getValue() != null && p.getValue().isPrimitive()) {
      Coding c = coding(name);
      return new CodeableConcept().addCoding(c);
    }
    throw wrongType(name, "CodeableConcept");
  }

  Resource resource(String name) {
    ParametersParameterComponent p = first(name);
    return p == null ? null : p.getResource();
  }

  List<Resource> resources(String name) {
    List<Resource> out = new ArrayList<>();
    for (ParametersParameterComponent p : parameters.getParameter()) {
      if (name.equals(p.getName()) && p.getResource() != null) {
        out.add(p.getResource());
      }
    }
    return out;
  }

  static TxException wrongType(String name, String expected) {
    return TxException.invalid(
        TxIssue.error(
            IssueType.INVALID,
            null,
            null,
            "The parameter '" + name + "' must be a " + expected,
            "invalid-data"));
  }

  /** The terminology this request works on: the published one, or it with the request's resources over it. */
  TerminologySource terminology(TerminologySource published, IBaseResource... primary) {
    List<Resource> extra = resources("tx-resource");
    List<IBaseResource> all = new ArrayList<>(extra);
    for (IBaseResource r : primary) {
      if (r != null) {
        all.add(r);
      }
    }
    TerminologySource source = all.isEmpty() ? published : new RequestTerminology(published, all);
    return diagnostics == null ? source : diagnostics.record(source);
  }

  /** The trace this request asked for with {@code diagnostics=true}; {@code null} when it did not. */
  Diagnostics diagnostics() {
    return diagnostics;
  }
}
