package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.psychcode.fhir.support.ServerTestBase;

/** Calls terminology operations over HTTP and reads their answers, for the tests of this package. */
abstract class TerminologyTestSupport extends ServerTestBase {

  static final String CPT = "http://www.ama-assn.org/go/cpt";
  static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  static final String SESSION_TYPE = "http://psychcode.org/fhir/CodeSystem/session-type";
  static final String VS = "http://psychcode.org/fhir/ValueSet/";
  static final String HIERARCHY = "http://psychcode.org/fhir/test/CodeSystem/hierarchy";
  static final String THERAPIES = "http://psychcode.org/fhir/test/ValueSet/therapies";
  static final String FHIR_JSON = "application/fhir+json";
  static final String FHIR_XML = "application/fhir+xml";

  record Answer(int status, IBaseResource resource, String body) {
    Parameters parameters() {
      assertThat(resource).as(body).isInstanceOf(Parameters.class);
      return (Parameters) resource;
    }

    OperationOutcome outcome() {
      assertThat(resource).as(body).isInstanceOf(OperationOutcome.class);
      return (OperationOutcome) resource;
    }

    <T extends IBaseResource> T as(Class<T> type) {
      assertThat(resource).as(body).isInstanceOf(type);
      return type.cast(resource);
    }
  }

  Answer getJson(String pathAndQuery) throws Exception {
    return read(get(pathAndQuery, FHIR_JSON));
  }

  Answer postJson(String path, Resource body) throws Exception {
    return read(post(path, FHIR_JSON, FHIR.newJsonParser().encodeResourceToString(body)));
  }

  Answer postRaw(String path, String contentType, String body) throws Exception {
    return read(post(path, contentType, body));
  }

  static Answer read(HttpResponse<String> r) {
    String body = r.body();
    IBaseResource resource = null;
    if (body != null && !body.isBlank()) {
      String trimmed = body.trim();
      resource =
          trimmed.startsWith("<")
              ? FHIR.newXmlParser().parseResource(trimmed)
              : FHIR.newJsonParser().parseResource(trimmed);
    }
    return new Answer(r.statusCode(), resource, body);
  }

  static <T extends Resource> T testResource(Class<T> type, String file) {
    try (InputStream in = TerminologyTestSupport.class.getResourceAsStream("/tx/" + file)) {
      return FHIR.newJsonParser().parseResource(type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Parameters params(Object... nameValues) {
    Parameters p = new Parameters();
    for (int i = 0; i < nameValues.length; i += 2) {
      String name = (String) nameValues[i];
      Object v = nameValues[i + 1];
      if (v instanceof Type t) {
        p.addParameter().setName(name).setValue(t);
      } else if (v instanceof Resource r) {
        p.addParameter().setName(name).setResource(r);
      } else {
        p.addParameter().setName(name).setValue(new org.hl7.fhir.r4.model.StringType(v.toString()));
      }
    }
    return p;
  }

  static ParametersParameterComponent param(Parameters p, String name) {
    return p.getParameter().stream().filter(x -> x.getName().equals(name)).findFirst().orElse(null);
  }

  static String value(Parameters p, String name) {
    ParametersParameterComponent c = param(p, name);
    return c == null || c.getValue() == null ? null : c.getValue().primitiveValue();
  }

  static boolean result(Parameters p) {
    return Boolean.parseBoolean(value(p, "result"));
  }

  static List<OperationOutcomeIssueComponent> issues(Parameters p) {
    ParametersParameterComponent c = param(p, "issues");
    return c == null ? List.of() : ((OperationOutcome) c.getResource()).getIssue();
  }

  static String txType(OperationOutcomeIssueComponent issue) {
    return issue.getDetails().getCoding().isEmpty() ? null : issue.getDetails().getCodingFirstRep().getCode();
  }

  static String expression(OperationOutcomeIssueComponent issue) {
    return issue.getExpression().isEmpty() ? null : issue.getExpression().get(0).getValue();
  }

  /** Every error answer is a 4xx carrying an OperationOutcome with an error issue that says something. */
  static OperationOutcome assertClientError(Answer a, int status) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    OperationOutcome oo = a.outcome();
    assertThat(oo.getIssue()).isNotEmpty();
    assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(oo.getIssueFirstRep().getDetails().getText()).isNotBlank();
    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return oo;
  }
}
