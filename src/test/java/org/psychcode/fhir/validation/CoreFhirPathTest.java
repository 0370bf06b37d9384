package org.psychcode.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The FHIRPath engine built on outlines of the core definitions answers as HAPI's default engine, built on all of
 * them: every R4 search parameter of every resource type in the example visits, evaluated on every such resource.
 */
class CoreFhirPathTest {

  private static final FhirContext CTX = FhirContext.forR4Cached();

  @Test
  void searchExpressionsEvaluateAsWithHapisEngine() {
    IFhirPath lazy = CoreFhirPath.newFhirPath(CTX);
    IFhirPath hapi = FhirContext.forR4().newFhirPath();
    List<Resource> resources = new ArrayList<>();
    for (String text : ConformanceResources.texts("examples/*.json")) {
      Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, text);
      bundle.getEntry().forEach(e -> resources.add(e.getResource()));
    }
    assertThat(resources).hasSizeGreaterThan(100);

    int expressions = 0;
    int values = 0;
    for (Resource resource : resources) {
      for (RuntimeSearchParam param : CTX.getResourceDefinition(resource.fhirType()).getSearchParams()) {
        String path = param.getPath();
        if (path == null || path.isBlank()) {
          continue;
        }
        List<IBase> expected = hapi.evaluate(resource, path, IBase.class);
        List<IBase> actual = lazy.evaluate(resource, path, IBase.class);
        assertThat(actual).as("%s on %s", path, resource.getIdElement()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
          assertThat(((Base) actual.get(i)).equalsDeep((Base) expected.get(i))).as("%s [%d] on %s", path, i, resource.getIdElement()).isTrue();
        }
        expressions++;
        values += expected.size();
      }
    }
    assertThat(expressions).isGreaterThan(1000);
    assertThat(values).as("the expressions found something to compare").isGreaterThan(500);
  }

  @Test
  void typeTestsAndResolveAnswerAsWithHapisEngine() {
    IBaseResource encounter =
        CTX.newJsonParser()
            .parseResource(
                "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"subject\":{\"reference\":\"Patient/p1\"},"
                    + "\"period\":{\"start\":\"2025-03-04T10:00:00-05:00\"},\"length\":{\"value\":50,\"unit\":\"min\"}}");
    IFhirPath lazy = CoreFhirPath.newFhirPath(CTX);
    IFhirPath hapi = FhirContext.forR4().newFhirPath();
    for (String expression :
        List.of(
            "Encounter.period.start is dateTime",
            "Encounter.length is Quantity",
            "Encounter.length is Duration",
            "Encounter.period.ofType(Period).start",
            "Encounter.subject.reference")) {
      List<IBase> expected = hapi.evaluate(encounter, expression, IBase.class);
      List<IBase> actual = lazy.evaluate(encounter, expression, IBase.class);
      assertThat(actual).as(expression).hasSameSizeAs(expected).isNotEmpty();
      for (int i = 0; i < expected.size(); i++) {
        assertThat(((Base) actual.get(i)).equalsDeep((Base) expected.get(i))).as(expression).isTrue();
      }
    }
  }
}
