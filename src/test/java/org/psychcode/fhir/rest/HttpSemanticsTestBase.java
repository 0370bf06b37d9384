package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.support.RawHttp;
import org.psychcode.fhir.support.RawHttp.Answer;
import org.psychcode.fhir.support.ServerTestBase;

/** What the tests of HTTP semantics (HEAD, 405, error pages) share: raw requests and the checks of their answers. */
abstract class HttpSemanticsTestBase extends ServerTestBase {

  static final String CPT = "http://www.ama-assn.org/go/cpt";
  static final String CRISIS = "http://psychcode.org/fhir/ValueSet/crisis";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static OperationOutcome outcome(Answer a, int status, IssueType code) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/fhir+json");
    assertThat(a.body()).doesNotContain("<html").doesNotContain("<!doctype").doesNotContain("at org.");
    OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, a.body());
    assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.ERROR);
    assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(code);
    assertThat(oo.getIssueFirstRep().getDetails().getText()).endsWith(".");
    return oo;
  }

  static Set<String> allow(Answer a) {
    String allow = a.header("Allow");
    assertThat(allow).as("Allow header").isNotNull();
    return Arrays.stream(allow.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  Answer raw(String method, String pathAndQuery, String... headers) throws Exception {
    return RawHttp.send(port, method + " /fhir" + pathAndQuery + " HTTP/1.1", headers);
  }
}
