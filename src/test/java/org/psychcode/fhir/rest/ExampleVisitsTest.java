package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * The golden scenarios: every Bundle of {@code fhir-resources/examples} posted to the running server.
 * {@code valid-*.json} must raise no billing rule, {@code rule-<id>.json} exactly that rule, in JSON over
 * plain HTTP, in XML, and through HAPI's generic client.
 */
class ExampleVisitsTest extends ServerTestBase {

  static final String BILLING_RULE = "http://psychcode.org/fhir/CodeSystem/billing-rule";

  static Stream<Path> examples() throws IOException {
    return Files.list(Path.of("fhir-resources/examples")).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  static Set<String> expected(Path example) {
    String name = example.getFileName().toString().replace(".json", "");
    return name.startsWith("rule-") ? Set.of(name.substring("rule-".length())) : Set.of();
  }

  static Set<String> ruleIds(OperationOutcome oo) {
    Set<String> ids = new TreeSet<>();
    oo.getIssue().stream()
        .filter(i -> i.getDetails().hasCoding() && BILLING_RULE.equals(i.getDetails().getCodingFirstRep().getSystem()))
        .forEach(i -> ids.add(i.getDetails().getCodingFirstRep().getCode()));
    return ids;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void raisesExactlyTheRuleTheExampleIsNamedAfterInJson(Path example) throws Exception {
    HttpResponse<String> r = post("/Bundle/$validate", "application/fhir+json", Files.readString(example));
    assertThat(r.statusCode()).isEqualTo(200);
    OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(ruleIds(oo)).isEqualTo(expected(example));
    if (expected(example).isEmpty()) {
      assertThat(oo.getIssue()).extracting(i -> i.getSeverity().toCode()).containsOnly("information");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void raisesTheSameRulesInXml(Path example) throws Exception {
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(example));
    String xml = FHIR.newXmlParser().encodeResourceToString(bundle);
    HttpResponse<String> r = post("/Bundle/$validate?_format=xml", "application/fhir+xml", xml);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().contains("xml");
    assertThat(ruleIds(FHIR.newXmlParser().parseResource(OperationOutcome.class, r.body()))).isEqualTo(expected(example));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void raisesTheSameRulesThroughTheGenericClient(Path example) throws Exception {
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(example));
    MethodOutcome outcome = client().validate().resource(bundle).execute();
    assertThat(ruleIds((OperationOutcome) outcome.getOperationOutcome())).isEqualTo(expected(example));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void raisesTheSameRulesThroughTheGenericClientInXml(Path example) throws Exception {
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(example));
    var client = client();
    client.setEncoding(ca.uhn.fhir.rest.api.EncodingEnum.XML);
    MethodOutcome outcome = client.validate().resource(bundle).execute();
    assertThat(ruleIds((OperationOutcome) outcome.getOperationOutcome())).isEqualTo(expected(example));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void raisesTheSameRulesForEveryBundleType(Path example) throws Exception {
    for (Bundle.BundleType type : List.of(Bundle.BundleType.TRANSACTION, Bundle.BundleType.BATCH, Bundle.BundleType.DOCUMENT)) {
      Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(example));
      bundle.setType(type);
      if (type != Bundle.BundleType.DOCUMENT) {
        bundle.getEntry().forEach(e -> e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(e.getResource().fhirType()));
      }
      HttpResponse<String> r = post("/Bundle/$validate", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(bundle));
      assertThat(r.statusCode()).as(type.toCode()).isEqualTo(200);
      assertThat(ruleIds(FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body()))).as(type.toCode()).isEqualTo(expected(example));
    }
  }
}
