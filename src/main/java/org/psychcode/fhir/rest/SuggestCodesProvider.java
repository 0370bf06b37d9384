package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.psychcode.fhir.rules.BillingCode;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.Suggestion;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.validation.CodeSuggestions;
import org.springframework.stereotype.Component;

/**
 * {@code POST /fhir/Encounter/$suggest-codes} (DESIGN, "Suggesting the billing"): the body is an Encounter, a Bundle
 * holding the Encounters and what they reference, or a Parameters with {@code resource} (and {@code taxonomy});
 * {@code taxonomy} may also be given in the query. {@code GET /fhir/Encounter/<id>/$suggest-codes} does the same for a
 * stored Encounter (what it references read from the store). The answer is a Parameters with one {@code suggestion}
 * per patient and date.
 */
@Component
@PlainProvider
class SuggestCodesProvider {

  private static final Set<String> QUERY = Set.of("taxonomy", "_format", "_pretty");

  private final CodeSuggestions suggestions;
  private final CodeBook book;
  private final TerminologyRequests requests;
  private final ResourceStore store;

  SuggestCodesProvider(CodeSuggestions suggestions, CodeBook book, TerminologyRequests requests, ResourceStore store) {
    this.suggestions = suggestions;
    this.book = book;
    this.requests = requests;
    this.store = store;
  }

  /**
   * The instance form: the stored Encounter (404 when unknown, 410 when deleted, read as any read is, access checks
   * included), with {@code taxonomy} in the query.
   */
  @Operation(name = "$suggest-codes", typeName = "Encounter", idempotent = true, manualRequest = true)
  public Parameters suggestStored(@IdParam IdType id, RequestDetails rd) {
    Optional<String> taxonomy = queryTaxonomy(rd, "it takes an optional taxonomy; the encounter is the stored one");
    if (rd.getRequestType() == RequestTypeEnum.POST && requests.body(rd) != null) {
      throw TerminologyRequests.invalid(
          "Encounter/" + id.getIdPart() + "/$suggest-codes suggests codes for the stored Encounter: send no body (taxonomy goes in the query),"
              + " or POST the visit to Encounter/$suggest-codes.");
    }
    IBaseResource encounter = store.read("Encounter", id.getIdPart(), null, rd);
    encounter.setId(new IdType("Encounter", id.getIdPart()));
    return answer(suggestions.suggest(encounter, taxonomy));
  }

  private static Optional<String> queryTaxonomy(RequestDetails rd, String takes) {
    for (String name : rd.getParameters().keySet()) {
      if (!QUERY.contains(name)) {
        throw TerminologyRequests.invalid("$suggest-codes has no parameter '" + name + "': " + takes + ".");
      }
    }
    String[] given = rd.getParameters().get("taxonomy");
    return given == null || given.length == 0 || given[0].isBlank() ? Optional.empty() : Optional.of(given[0].trim());
  }

  @Operation(name = "$suggest-codes", typeName = "Encounter", manualRequest = true)
  public Parameters suggest(RequestDetails rd) {
    Optional<String> taxonomy = queryTaxonomy(rd, "it takes the encounters in the body and an optional taxonomy");
    IBaseResource body = rd.getRequestType() == RequestTypeEnum.POST ? requests.body(rd) : null;
    if (body == null) {
      throw TerminologyRequests.invalid(
          "$suggest-codes needs the visit: POST an Encounter, a Bundle holding the Encounters and what they reference, or a"
              + " Parameters with a resource parameter.");
    }
    IBaseResource visit = body;
    if (body instanceof Parameters p) {
      visit = null;
      for (ParametersParameterComponent part : p.getParameter()) {
        switch (part.getName()) {
          case "resource" -> {
            if (visit != null || part.getResource() == null) {
              throw TerminologyRequests.invalid("$suggest-codes takes one resource parameter holding an Encounter or a Bundle.");
            }
            visit = part.getResource();
          }
          case "taxonomy" -> taxonomy = Optional.of(taxonomyOf(part));
          default -> throw TerminologyRequests.invalid("$suggest-codes has no parameter '" + part.getName() + "': it takes resource and taxonomy.");
        }
      }
      if (visit == null) {
        throw TerminologyRequests.invalid("The Parameters holds no resource parameter with the Encounter or Bundle to suggest codes for.");
      }
    }
    if (!(visit instanceof Encounter) && !(visit instanceof Bundle)) {
      throw TerminologyRequests.invalid("Codes are suggested for an Encounter or a Bundle holding Encounters, not for a " + visit.fhirType() + ".");
    }
    return answer(suggestions.suggest(visit, taxonomy.filter(t -> !t.isBlank())));
  }

  private static String taxonomyOf(ParametersParameterComponent part) {
    if (part.getValue() instanceof Coding c && c.hasCode()) {
      if (c.hasSystem() && !Systems.NUCC.equals(c.getSystem())) {
        throw TerminologyRequests.invalid("taxonomy is a NUCC provider taxonomy code (" + Systems.NUCC + "), not a code of " + c.getSystem() + ".");
      }
      return c.getCode();
    }
    if (part.getValue() instanceof PrimitiveType<?> v && v.hasValue() && (v instanceof CodeType || v instanceof StringType)) {
      return v.getValueAsString();
    }
    throw TerminologyRequests.invalid("taxonomy is a NUCC provider taxonomy code, given as valueCode, valueString or valueCoding.");
  }

  Parameters answer(List<Suggestion> list) {
    Parameters out = new Parameters();
    for (Suggestion s : list) {
      ParametersParameterComponent p = out.addParameter().setName("suggestion");
      if (s.date() != null) {
        p.addPart().setName("date").setValue(new DateType(s.date().toString()));
      }
      if (s.patient() != null && s.patient().label() != null) {
        String who = s.patient().label();
        boolean reference = who.startsWith("urn:") || who.contains("/");
        p.addPart().setName("patient").setValue(reference ? new Reference(who) : new Reference().setDisplay(who));
      }
      s.encounters().forEach(e -> p.addPart().setName("encounter").setValue(new StringType(e)));
      for (Suggestion.Line line : s.lines()) {
        ParametersParameterComponent l = p.addPart().setName("line");
        l.addPart().setName("code").setValue(coding(line.code()));
        l.addPart().setName("units").setValue(new IntegerType(line.units()));
        line.modifiers().forEach(m -> l.addPart().setName("modifier").setValue(coding(m)));
        line.placeOfService()
            .ifPresent(
                pos ->
                    l.addPart()
                        .setName("placeOfService")
                        .setValue(new Coding(Systems.PLACE_OF_SERVICE, pos, book.placeDisplay(pos).orElse(null))));
        l.addPart().setName("reason").setValue(new StringType(line.reason()));
        line.encounters().forEach(e -> l.addPart().setName("encounter").setValue(new StringType(e)));
      }
      s.issues().forEach(i -> p.addPart().setName("issue").setValue(new StringType(i)));
    }
    return out;
  }

  private static Coding coding(BillingCode code) {
    return new Coding(code.system(), code.code(), code.display());
  }
}
