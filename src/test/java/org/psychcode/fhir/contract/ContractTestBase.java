package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpResponse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.psychcode.fhir.support.ServerTestBase;

/**
 * Posts visits to the three {@code $validate} endpoints as an outside tester would, over plain HTTP (the resource
 * as the body, JSON or XML) or HAPI's generic client (a {@code Parameters} with {@code resource}), and reads the
 * answer as {@link Findings}.
 */
abstract class ContractTestBase extends ServerTestBase {

  static final String JSON = "application/fhir+json";
  static final String XML = "application/fhir+xml";

  Findings validate(Visit visit) throws Exception {
    return validate(visit.bundle());
  }

  Findings validate(Bundle bundle) throws Exception {
    return viaHttp(bundle, JSON);
  }

  Findings viaHttp(Resource resource, String mime) throws Exception {
    IParser parser = parser(mime);
    HttpResponse<String> r = post("/" + resource.fhirType() + "/$validate", mime, parser.encodeResourceToString(resource));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith(mime);
    return new Findings(parser.parseResource(OperationOutcome.class, r.body()), root(resource));
  }

  Findings viaClient(Resource resource, EncodingEnum encoding) {
    IGenericClient client = client();
    client.setEncoding(encoding);
    OperationOutcome oo = client.operation()
        .onType(resource.getClass())
        .named("$validate")
        .withParameter(Parameters.class, "resource", resource)
        .returnResourceType(OperationOutcome.class)
        .execute();
    return new Findings(oo, root(resource));
  }

  Findings viaClientValidate(Resource resource) {
    OperationOutcome oo = (OperationOutcome) client().validate().resource(resource).execute().getOperationOutcome();
    return new Findings(oo, root(resource));
  }

  /** A refusal: the given 4xx status, an OperationOutcome with an error, no stack trace. */
  OperationOutcome refused(HttpResponse<String> r, String mime) {
    assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("at org.").doesNotContain("at ca.uhn")
        .doesNotContain("Exception:");
    IBaseResource parsed = parser(mime).parseResource(r.body());
    assertThat(parsed).isInstanceOf(OperationOutcome.class);
    OperationOutcome oo = (OperationOutcome) parsed;
    assertThat(oo.getIssue()).isNotEmpty();
    assertThat(oo.getIssueFirstRep().getSeverity()).isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
    return oo;
  }

  static IParser parser(String mime) {
    return mime.contains("xml") ? FHIR.newXmlParser() : FHIR.newJsonParser();
  }

  static String json(Resource r) {
    return FHIR.newJsonParser().encodeResourceToString(r);
  }

  private static String root(Resource resource) {
    return resource instanceof Bundle ? "Bundle.entry[" : resource.fhirType() + ".";
  }
}
