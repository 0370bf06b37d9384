package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The authored OperationDefinitions say exactly what each operation's parameter table accepts. */
class OperationDefinitionFilesTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Map<OperationParameters, String> FILES =
      Map.of(
          OperationParameters.CODESYSTEM_VALIDATE_CODE, "CodeSystem-validate-code",
          OperationParameters.VALUESET_VALIDATE_CODE, "ValueSet-validate-code",
          OperationParameters.BATCH_VALIDATE_CODE, "ValueSet-batch-validate-code",
          OperationParameters.EXPAND, "ValueSet-expand",
          OperationParameters.LOOKUP, "CodeSystem-lookup",
          OperationParameters.SUBSUMES, "CodeSystem-subsumes",
          OperationParameters.TRANSLATE, "ConceptMap-translate");

  @ParameterizedTest
  @EnumSource(OperationParameters.class)
  void documentsEveryAcceptedParameterAndNoOther(OperationParameters table) throws Exception {
    String id = FILES.get(table);
    OperationDefinition od =
        FHIR.newJsonParser()
            .parseResource(
                OperationDefinition.class, Files.readString(Path.of("fhir-resources", "OperationDefinition-" + id + ".json")));

    Set<String> in = new LinkedHashSet<>();
    od.getParameter().stream().filter(p -> p.getUse() == OperationParameterUse.IN).forEach(p -> in.add(p.getName()));
    Set<String> expected = new LinkedHashSet<>(table.names());
    expected.addAll(Set.of("tx-resource", "uuid", "profile"));

    assertThat(od.getIdElement().getIdPart()).isEqualTo(id);
    assertThat(od.getUrl()).isEqualTo("http://psychcode.org/fhir/OperationDefinition/" + id);
    assertThat(in).containsExactlyInAnyOrderElementsOf(expected);
    od.getParameter().forEach(p -> assertThat(p.getDocumentation()).as(p.getName()).isNotBlank());
  }
}
