package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.psychcode.fhir.rest.VisitFixtures.claim;
import static org.psychcode.fhir.rest.VisitFixtures.encounter;
import static org.psychcode.fhir.rest.VisitFixtures.json;
import static org.psychcode.fhir.rest.VisitFixtures.visit;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.psychcode.fhir.support.ServerTestBase;

/** {@code $validate} on Encounter, Claim and Bundle as clients call it, and the answer's contract shape. */
class ValidateOperationTest extends ServerTestBase {

  private OperationOutcome validate(String type, String body) throws Exception {
    HttpResponse<String> r = post("/" + type + "/$validate", "application/fhir+json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
  }

  private static List<OperationOutcomeIssueComponent> rule(OperationOutcome oo, String id) {
    return oo.getIssue().stream()
        .filter(i -> i.getDetails().hasCoding() && id.equals(i.getDetails().getCodingFirstRep().getCode()))
        .toList();
  }

  private static List<String> ruleIds(OperationOutcome oo) {
    return ExampleVisitsTest.ruleIds(oo).stream().toList();
  }

  @Nested
  class AnswerShape {

    @Test
    void reportsAMismatchInTheContractShape() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("90837");
      OperationOutcome oo = validate("Bundle", json(b));
      OperationOutcomeIssueComponent issue = rule(oo, "time-code-mismatch").get(0);
      assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.BUSINESSRULE);
      Coding coding = issue.getDetails().getCodingFirstRep();
      assertThat(coding.getSystem()).isEqualTo("http://psychcode.org/fhir/CodeSystem/billing-rule");
      assertThat(coding.getCode()).isEqualTo("time-code-mismatch");
      assertThat(issue.getDetails().getText()).startsWith("A 50-minute individual session is billed as 90834, not 90837");
      assertThat(issue.getDiagnostics()).isEqualTo(issue.getDetails().getText());
      assertThat(issue.getExpression()).extracting(StringType::getValue).containsExactly("Bundle.entry[5].resource.item[0].productOrService");
    }

    @Test
    void saysAllIsWellWithOneInformationIssue() throws Exception {
      OperationOutcome oo = validate("Bundle", json(visit()));
      assertThat(oo.getIssue()).singleElement().satisfies(i -> {
        assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
        assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.INFORMATIONAL);
      });
    }

    @Test
    void pointsIntoTheBundleWhereverTheEntriesSit() throws Exception {
      Bundle b = visit();
      java.util.Collections.reverse(b.getEntry());
      claim(b).getItemFirstRep().getQuantity().setValue(3);
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(rule(oo, "units-exceed-max").get(0).getExpression()).extracting(StringType::getValue).first().isEqualTo("Bundle.entry[0].resource.item[0].quantity");
    }

    @Test
    void reportsProfileIssuesWithoutBillingRuleCodings() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("99999");
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(ruleIds(oo)).isEmpty();
      assertThat(oo.getIssue())
          .anySatisfy(i -> {
            assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.CODEINVALID);
            assertThat(i.getDiagnostics()).contains("99999");
            assertThat(i.getExpression()).extracting(StringType::getValue).first().asString().startsWith("Bundle.entry[5].resource.item[0].productOrService");
            assertThat(i.getDetails().getCodingFirstRep().getSystem()).isNotEqualTo("http://psychcode.org/fhir/CodeSystem/billing-rule");
          });
    }

    @Test
    void reportsACodeOutsideTheBoundValueSet() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("95");
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("claim-procedure-codes").contains("95"));
    }

    @Test
    void reportsAnUnknownSessionTypeAsAProfileError() throws Exception {
      Bundle b = visit();
      encounter(b).getTypeFirstRep().getCodingFirstRep().setCode("couples");
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(oo.getIssue())
          .anySatisfy(i -> {
            assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(i.getDiagnostics()).contains("couples");
          });
    }
  }

  @Nested
  class ResourcesAlone {

    @Test
    void checksTheTypeCodeOfAnEncounterValidatedAlone() throws Exception {
      Encounter e = encounter(visit());
      e.addType().addCoding().setSystem("http://www.ama-assn.org/go/cpt").setCode("90837");
      OperationOutcome oo = validate("Encounter", json(e));
      assertThat(ruleIds(oo)).containsExactly("time-code-mismatch");
      assertThat(rule(oo, "time-code-mismatch").get(0).getExpression()).extracting(StringType::getValue).containsExactly("Encounter.type[1]");
    }

    @Test
    void reportsTheEncounterOfAClaimValidatedAloneAsUnresolved() throws Exception {
      OperationOutcome oo = validate("Claim", json(claim(visit())));
      assertThat(ruleIds(oo)).containsExactly("encounter-unresolved");
      assertThat(rule(oo, "encounter-unresolved").get(0).getExpression()).extracting(StringType::getValue).containsExactly("Claim.item[0].encounter[0]");
    }

    @Test
    void readsAnEncounterContainedInTheClaim() throws Exception {
      Bundle b = visit();
      Encounter e = encounter(b).copy();
      e.setId("enc");
      e.getLength().setValue(20);
      e.getPeriod().setEnd(null);
      Claim c = claim(b);
      c.addContained(e);
      c.getItemFirstRep().getEncounterFirstRep().setReference("#enc");
      OperationOutcome oo = validate("Claim", json(c));
      assertThat(ruleIds(oo)).contains("time-code-mismatch").doesNotContain("encounter-unresolved");
    }

    @Test
    void answersAnEncounterInABundleWithoutClaimByItsTypeCode() throws Exception {
      Bundle b = visit();
      b.getEntry().remove(5);
      encounter(b).addType().addCoding().setSystem("http://www.ama-assn.org/go/cpt").setCode("90847");
      assertThat(ruleIds(validate("Bundle", json(b)))).containsExactly("session-type-mismatch");
    }
  }

  @Nested
  class References {

    @Test
    void resolvesRelativeReferencesAgainstRestfulFullUrls() throws Exception {
      Bundle b = visit();
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        e.setFullUrl("http://example.org/fhir/" + e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart());
      }
      Claim c = claim(b);
      c.getItemFirstRep().getEncounterFirstRep().setReference("Encounter/" + encounter(b).getIdElement().getIdPart());
      c.getPatient().setReference("Patient/pat-1");
      encounter(b).getSubject().setReference("http://example.org/fhir/Patient/pat-1");
      encounter(b).getLength().setValue(20);
      encounter(b).getPeriod().setEnd(null);
      assertThat(ruleIds(validate("Bundle", json(b)))).containsExactly("time-code-mismatch");
    }

    @Test
    void matchesAPatientNamedByIdentifier() throws Exception {
      Bundle b = visit();
      claim(b).setPatient(new Reference().setIdentifier(new Identifier().setSystem("http://example.org/fhir/mrn").setValue("MRN-00001")));
      assertThat(ruleIds(validate("Bundle", json(b)))).isEmpty();
      claim(b).setPatient(new Reference().setIdentifier(new Identifier().setSystem("http://example.org/fhir/mrn").setValue("MRN-99999")));
      assertThat(ruleIds(validate("Bundle", json(b)))).containsExactly("encounter-claim-mismatch");
    }

    @Test
    void refusesAnEncounterReferenceThatPointsAtAnotherResourceType() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getEncounterFirstRep().setReference(b.getEntry().get(0).getFullUrl());
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(ruleIds(oo)).containsExactly("encounter-unresolved");
      assertThat(rule(oo, "encounter-unresolved").get(0).getDiagnostics()).contains("a Patient");
    }

    @Test
    void readsTheProviderFromAPractitionerRoleSpecialty() throws Exception {
      Bundle b = visit();
      Claim c = claim(b);
      org.hl7.fhir.r4.model.PractitionerRole role = new org.hl7.fhir.r4.model.PractitionerRole();
      role.setId("role-1");
      role.addSpecialty().addCoding().setSystem("http://nucc.org/provider-taxonomy").setCode("101YM0800X");
      b.addEntry().setFullUrl("urn:uuid:0d6c3f1a-2b4e-4f7a-9c1d-000000000099").setResource(role);
      c.getCareTeamFirstRep().setQualification(null).getProvider().setReference("urn:uuid:0d6c3f1a-2b4e-4f7a-9c1d-000000000099");
      c.getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("90792");
      encounter(b).getTypeFirstRep().getCodingFirstRep().setCode("diagnostic-evaluation");
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(ruleIds(oo)).containsExactly("provider-scope");
      assertThat(rule(oo, "provider-scope").get(0).getDiagnostics()).contains("101YM0800X");
    }

    @Test
    void readsTheProviderFromThePractitionerWhenTheCareTeamHasNoQualification() throws Exception {
      Bundle b = visit();
      Claim c = claim(b);
      c.getCareTeamFirstRep().setQualification(null);
      c.getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("90792");
      encounter(b).getTypeFirstRep().getCodingFirstRep().setCode("diagnostic-evaluation");
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(ruleIds(oo)).containsExactly("provider-scope");
      assertThat(rule(oo, "provider-scope").get(0).getExpression()).extracting(StringType::getValue).first().isEqualTo("Bundle.entry[5].resource.careTeam[0].provider");
    }
  }

  @Nested
  class Durations {

    @ParameterizedTest(name = "{0} {1} billed as 90834 -> [{2}]")
    @CsvSource({"0.75, h, ", "2700, s, ", "45, min, ", "37, min, time-code-mismatch", "2220, s, time-code-mismatch", "0.25, h, time-below-minimum"})
    void readsMinutesHoursAndSeconds(String value, String unit, String expected) throws Exception {
      Bundle b = visit();
      encounter(b).getLength().setValue(new BigDecimal(value)).setCode(unit).setUnit(unit);
      encounter(b).getPeriod().setEnd(null);
      assertThat(ruleIds(validate("Bundle", json(b)))).isEqualTo(expected == null ? List.of() : List.of(expected));
    }

    @Test
    void usesThePeriodWhenThereIsNoLength() throws Exception {
      Bundle b = visit();
      encounter(b).setLength(null);
      assertThat(ruleIds(validate("Bundle", json(b)))).isEmpty();
      encounter(b).getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T11:05:00-05:00"));
      assertThat(ruleIds(validate("Bundle", json(b)))).containsExactly("time-code-mismatch");
    }

    @Test
    void holdsAnAddOnsOwnServicedPeriodAgainstBothBounds() throws Exception {
      Bundle b = VisitFixtures.example("valid-em-with-psychotherapy");
      Claim.ItemComponent addOn = claim(b).getItem().get(1);
      assertThat(addOn.getProductOrService().getCodingFirstRep().getCode()).isEqualTo("90833");
      addOn.setServiced(
          new org.hl7.fhir.r4.model.Period()
              .setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T10:10:00-05:00"))
              .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-04T10:55:00-05:00")));
      OperationOutcome oo = validate("Bundle", json(b));
      assertThat(ruleIds(oo)).containsExactly("time-code-mismatch");
      assertThat(rule(oo, "time-code-mismatch").get(0).getDiagnostics()).contains("billed as 90836, not 90833");
    }

    @ParameterizedTest(name = "period end {0} with length 50 -> [{1}]")
    @CsvSource({"2025-03-04T10:55:00-05:00, ", "2025-03-04T10:56:00-05:00, duration-inconsistent", "2025-03-04T10:45:00-05:00, ", "2025-03-04T10:44:00-05:00, duration-inconsistent"})
    void toleratesFiveMinutesBetweenLengthAndPeriod(String end, String expected) throws Exception {
      Bundle b = visit();
      encounter(b).getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(end));
      assertThat(ruleIds(validate("Bundle", json(b)))).isEqualTo(expected == null ? List.of() : List.of(expected));
    }
  }

  @Nested
  class ParametersAndModes {

    @Test
    void readsTheResourceFromParameters() throws Exception {
      Bundle b = visit();
      claim(b).getItemFirstRep().getProductOrService().getCodingFirstRep().setCode("90837");
      Parameters p = new Parameters();
      p.addParameter().setName("resource").setResource(b);
      p.addParameter().setName("mode").setValue(new CodeType("create"));
      OperationOutcome oo = validate("Bundle", json(p));
      assertThat(ruleIds(oo)).containsExactly("time-code-mismatch");
      assertThat(rule(oo, "time-code-mismatch").get(0).getExpression()).extracting(StringType::getValue).containsExactly("Bundle.entry[5].resource.item[0].productOrService");
    }

    @Test
    void validatesThroughTheGenericClientOperation() {
      Encounter e = encounter(visit());
      e.addType().addCoding().setSystem("http://www.ama-assn.org/go/cpt").setCode("90832");
      Parameters in = new Parameters();
      in.addParameter().setName("resource").setResource(e);
      OperationOutcome oo =
          client().operation().onType(Encounter.class).named("$validate").withParameters(in).returnResourceType(OperationOutcome.class).execute();
      assertThat(ruleIds(oo)).containsExactly("time-code-mismatch");
    }

    @Test
    void validatesAClaimThroughTheGenericClient() {
      MethodOutcome outcome = client().validate().resource(claim(visit())).execute();
      assertThat(ruleIds((OperationOutcome) outcome.getOperationOutcome())).containsExactly("encounter-unresolved");
    }

    @Test
    void validatesAgainstTheRequestedProfile() throws Exception {
      HttpResponse<String> r =
          post("/Encounter/$validate?profile=http://hl7.org/fhir/StructureDefinition/Encounter", "application/fhir+json", json(encounter(visit())));
      assertThat(r.statusCode()).isEqualTo(200);
      HttpResponse<String> p =
          post("/Encounter/$validate?mode=profile&profile=http://psychcode.org/fhir/StructureDefinition/psychcode-encounter", "application/fhir+json", json(encounter(visit())));
      assertThat(p.statusCode()).isEqualTo(200);
    }

    @Test
    void appliesTheProfileToAnEncounterWithoutSubject() throws Exception {
      Encounter e = encounter(visit());
      e.setSubject(null);
      OperationOutcome oo = validate("Encounter", json(e));
      assertThat(oo.getIssue()).anySatisfy(i -> {
        assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(i.getExpression()).extracting(StringType::getValue).anyMatch(x -> x.startsWith("Encounter"));
        assertThat(i.getDiagnostics()).contains("subject");
      });
    }

    @Test
    void refusesAnUnknownProfile() throws Exception {
      HttpResponse<String> r = post("/Encounter/$validate?profile=http://example.org/nope", "application/fhir+json", json(encounter(visit())));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("OperationOutcome").contains("http://example.org/nope");
    }

    @Test
    void refusesProfileModeWithoutAProfile() throws Exception {
      HttpResponse<String> r = post("/Encounter/$validate?mode=profile", "application/fhir+json", json(encounter(visit())));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("OperationOutcome");
    }

    @Test
    void needsAnIdToValidateAnUpdate() throws Exception {
      Encounter e = encounter(visit());
      e.setId((String) null);
      HttpResponse<String> r = post("/Encounter/$validate?mode=update", "application/fhir+json", json(e));
      assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void answersADeleteCheckWithInformation() throws Exception {
      HttpResponse<String> r = post("/Encounter/enc-1/$validate?mode=delete", null, "");
      assertThat(r.statusCode()).isEqualTo(200);
      OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
      assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
    }

    @Test
    void refusesAnUnknownModeThroughTheClientWithA400() {
      Parameters in = new Parameters();
      in.addParameter().setName("resource").setResource(encounter(visit()));
      in.addParameter().setName("mode").setValue(new CodeType("sideways"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client().operation().onType(Encounter.class).named("$validate").withParameters(in).execute())
          .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void answersInXmlWhenAsked() throws Exception {
      HttpResponse<String> r = post("/Bundle/$validate", "application/fhir+json", json(visit()));
      HttpResponse<String> x = postAccept("/Bundle/$validate", "application/fhir+json", "application/fhir+xml", json(visit()));
      assertThat(r.headers().firstValue("Content-Type")).get().asString().contains("json");
      assertThat(x.headers().firstValue("Content-Type")).get().asString().contains("xml");
      assertThat(x.body()).startsWith("<OperationOutcome");
    }
  }

  private HttpResponse<String> postAccept(String path, String contentType, String accept, String body) throws Exception {
    java.net.http.HttpRequest req =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
            .header("Content-Type", contentType)
            .header("Accept", accept)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    return java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }
}
