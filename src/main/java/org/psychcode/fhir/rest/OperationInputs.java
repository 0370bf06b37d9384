package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.psychcode.fhir.store.StoreErrors;
import org.springframework.stereotype.Component;

/**
 * The inputs of an operation whose parameters are all primitive values: the query of a GET, or the
 * {@code Parameters} body of a POST (each {@code value[x]} as written). Read here rather than by HAPI's binding so that
 * a parameter the operation does not take, a repeated one, or a value that cannot be read is a 400 with a sentence
 * naming it, not a logged failure.
 */
@Component
class OperationInputs {

  /** Query parameters the server itself interprets on every request. */
  private static final Set<String> SERVER = Set.of("_format", "_pretty");

  private final TerminologyRequests requests;

  OperationInputs(TerminologyRequests requests) {
    this.requests = requests;
  }

  /**
   * The values of each parameter given, in order; a parameter outside {@code accepted}, or given twice when it is not
   * in {@code repeatable}, is refused.
   */
  Map<String, List<String>> read(RequestDetails rd, String operation, Set<String> accepted, Set<String> repeatable) {
    Map<String, List<String>> out = all(rd, operation);
    out.forEach((name, values) -> {
      if (!accepted.contains(name)) {
        throw StoreErrors.invalid(operation + " has no parameter '" + name + "': it takes " + String.join(", ", accepted.stream().sorted().toList()) + ".");
      }
      if (values.size() > 1 && !repeatable.contains(name)) {
        throw StoreErrors.invalid(operation + " takes one " + name + ", not " + values.size() + ".");
      }
    });
    return out;
  }

  /** Every parameter given, with its values in order (a Reference's value is its reference). */
  Map<String, List<String>> all(RequestDetails rd, String operation) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    rd.getParameters().forEach((name, values) -> {
      if (!SERVER.contains(name)) {
        for (String v : values) {
          out.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        }
      }
    });
    if (rd.getRequestType() == RequestTypeEnum.POST) {
      IBaseResource body = requests.body(rd);
      if (body instanceof Parameters p) {
        for (Parameters.ParametersParameterComponent part : p.getParameter()) {
          String value;
          if (part.getValue() instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
            value = primitive.getValueAsString();
          } else if (part.getValue() instanceof Reference ref && ref.hasReference()) {
            value = ref.getReference();
          } else {
            throw StoreErrors.invalid(operation + " takes its parameter '" + part.getName() + "' as a value (valueDate, valueString, valueReference, ...).");
          }
          out.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(value);
        }
      } else if (body != null) {
        throw StoreErrors.invalid(operation + " takes its parameters in the query or in a Parameters body, not in a " + body.fhirType() + ".");
      }
    }
    return out;
  }

  static String first(Map<String, List<String>> inputs, String name) {
    List<String> values = inputs.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
