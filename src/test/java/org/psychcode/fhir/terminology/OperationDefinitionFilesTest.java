package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The authored OperationDefinitions are the parameter tables the server runs on: each accepts every parameter HL7's
 * validator (6.10.x: its expansion parameters, {@code profile-url}, {@code mode}, {@code _limit}, ...) and HAPI's
 * remote terminology support ({@code language} on $lookup, ...) send, and documents each.
 */
class OperationDefinitionFilesTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /** What HL7's validator and IG publisher send with their calls, whatever the operation (BaseWorkerContext). */
  private static final Set<String> CLIENT_PARAMETERS =
      Set.of(
          "tx-resource", "profile", "profile-url", "cache-id", "mode", "diagnostics", "displayLanguage",
          "default-to-latest-version", "valueset-membership-only", "lenient-display-validation", "inferSystem",
          "activeOnly", "includeDefinition", "includeDesignations", "excludeNested", "excludeNotForUI",
          "excludePostCoordinated", "count", "offset", "_limit", "_incomplete", "incomplete-ok", "designation",
          "property", "filterProperty", "useSupplement", "system-version", "check-system-version",
          "force-system-version", "default-valueset-version", "check-valueset-version", "force-valueset-version",
          "exclude-system", "uuid", "language");

  private static OperationDefinition read(String id) throws Exception {
    return FHIR.newJsonParser()
        .parseResource(OperationDefinition.class, Files.readString(Path.of("fhir-resources", "OperationDefinition-" + id + ".json")));
  }

  private static List<OperationDefinitionParameterComponent> in(OperationDefinition od) {
    return od.getParameter().stream().filter(p -> p.getUse() == OperationParameterUse.IN).toList();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CodeSystem-validate-code", "ValueSet-validate-code", "ValueSet-batch-validate-code", "ValueSet-expand",
        "CodeSystem-lookup", "CodeSystem-subsumes", "ConceptMap-translate"
      })
  void acceptsEveryParameterHl7sValidatorAndHapiSendAndDocumentsEach(String id) throws Exception {
    OperationDefinition od = read(id);
    Set<String> accepted =
        in(od).stream().filter(p -> !"0".equals(p.getMax())).map(OperationDefinitionParameterComponent::getName).collect(Collectors.toSet());

    assertThat(od.getIdElement().getIdPart()).isEqualTo(id);
    assertThat(od.getUrl()).isEqualTo("http://psychcode.org/fhir/OperationDefinition/" + id);
    assertThat(accepted).containsAll(CLIENT_PARAMETERS);
    od.getParameter().forEach(p -> assertThat(p.getDocumentation()).as(p.getName()).isNotBlank());
    assertThat(in(od).stream().map(OperationDefinitionParameterComponent::getName)).doesNotHaveDuplicates();
    in(od).stream().filter(p -> "0".equals(p.getMax()))
        .forEach(p -> assertThat(p.getDocumentation()).as(p.getName()).startsWith("Not supported: "));
  }
}
