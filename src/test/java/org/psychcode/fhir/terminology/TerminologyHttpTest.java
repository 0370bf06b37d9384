package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TerminologyCapabilities;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TerminologyHttpTest extends TerminologyTestSupport {

  @Nested
  class BadInput {

    @Test
    void aMissingCodeIsABadRequest() throws Exception {
      var oo = assertClientError(getJson("/ValueSet/$validate-code?url=" + VS + "crisis&system=" + CPT), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).startsWith("Unable to find code to validate");
    }

    @Test
    void codingAndCodeTogetherAreABadRequest() throws Exception {
      Answer a =
          postJson(
              "/ValueSet/$validate-code",
              params(
                  "url", new UriType(VS + "crisis"),
                  "code", new CodeType("90839"),
                  "system", new UriType(CPT),
                  "coding", new Coding(CPT, "90840", null)));

      var oo = assertClientError(a, 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("Only one of code, coding or codeableConcept");
    }

    @Test
    void anUnknownParameterIsABadRequestThatNamesIt() throws Exception {
      var oo =
          assertClientError(
              getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90834&colour=blue"), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("'colour'");
    }

    @Test
    void anUnsupportedStandardParameterIsABadRequestThatSaysWhy() throws Exception {
      var oo = assertClientError(getJson("/ValueSet/$expand?url=" + VS + "crisis&date=2020-01-01"), 400);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTSUPPORTED);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("'date' is not supported");
    }

    @Test
    void aLimitThatIsNotAWholeNumberIsABadRequestNotIgnored() throws Exception {
      for (String limit : new String[] {"ten", "-1", "1.5"}) {
        var oo = assertClientError(getJson("/ValueSet/$expand?url=" + VS + "crisis&limit=" + limit), 400);
        assertThat(oo.getIssueFirstRep().getDetails().getText())
            .isEqualTo("The parameter 'limit' is a whole number of zero or more, not '" + limit + "'");
      }
      Answer inBody =
          postJson("/ValueSet/$expand", params("url", new UriType(VS + "crisis"), "_limit", new StringType("lots")));
      assertThat(assertClientError(inBody, 400).getIssueFirstRep().getDetails().getText()).contains("'_limit'");
    }

    @Test
    void malformedParametersAreABadRequest() throws Exception {
      var oo =
          assertClientError(postRaw("/ValueSet/$validate-code", FHIR_JSON, "{\"resourceType\":\"Parameters\",\"parameter\":["), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("not a valid FHIR resource");
    }

    @Test
    void malformedXmlParametersAreABadRequestAnsweredInXml() throws Exception {
      Answer a = postRaw("/CodeSystem/$lookup", FHIR_XML, "<Parameters xmlns=\"http://hl7.org/fhir\"><parameter>");

      assertClientError(a, 400);
      assertThat(a.body()).startsWith("<OperationOutcome");
    }

    @Test
    void anUnknownValueSetIsNotFoundInXmlToo() throws Exception {
      Answer a = read(get("/ValueSet/$validate-code?url=" + VS + "no-such-set&system=" + CPT + "&code=90834", FHIR_XML));

      var oo = assertClientError(a, 404);
      assertThat(a.body()).startsWith("<OperationOutcome");
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
    }

    @Test
    void aBodyThatIsNotParametersIsABadRequest() throws Exception {
      var oo = assertClientError(postJson("/CodeSystem/$lookup", new Patient()), 400);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("Expected Parameters but found Patient");
    }

    @Test
    void aNonFhirContentTypeIsUnsupported() throws Exception {
      var oo = assertClientError(postRaw("/CodeSystem/$lookup", "text/plain", "system=x&code=y"), 415);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTSUPPORTED);
    }

    @Test
    void aBadDisplayLanguageIsABadRequest() throws Exception {
      assertClientError(
          getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90834&displayLanguage=not%20a%20language"), 400);
    }

    @Test
    void aFilterWithoutAValueIsABadRequest() throws Exception {
      ValueSet vs = testResource(ValueSet.class, "ValueSet-therapies.json");
      vs.getCompose().getIncludeFirstRep().getFilterFirstRep().setValue(null);

      var oo =
          assertClientError(
              postJson(
                  "/ValueSet/$expand",
                  params("valueSet", vs, "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json"))),
              400);
      assertThat(oo.getIssueFirstRep().getExpression().get(0).getValue())
          .isEqualTo("ValueSet.compose.include[0].filter[0]");
    }
  }

  /** What HL7's validator (6.10.x) and HAPI's remote terminology support send, as they send it. */
  @Nested
  class ClientParameters {

    @Test
    void codeSystemValidateCodeTakesTheValidatorsExpansionParameters() throws Exception {
      Parameters p =
          postJson(
                  "/CodeSystem/$validate-code",
                  params(
                      "coding", new Coding(CPT, "90837", "Not the display"),
                      "profile-url", new StringType("http://hl7.org/fhir/ExpansionProfile/dc8fd4bc-091a-424a-8a3b-6198ef146891"),
                      "default-to-latest-version", new BooleanType(true),
                      "displayLanguage", new CodeType("en-US"),
                      "cache-id", new IdType("8b5a1c"),
                      "diagnostics", new BooleanType(true)))
              .parameters();

      assertThat(result(p)).isFalse();
      assertThat(issues(p)).singleElement().satisfies(i -> assertThat(expression(i)).isEqualTo("Coding.display"));
    }

    @Test
    void modeLenientDisplayValidationMakesAWrongDisplayAWarning() throws Exception {
      Parameters p =
          getJson("/CodeSystem/$validate-code?system=" + CPT + "&code=90837&display=Nope&mode=lenient-display-validation")
              .parameters();

      assertThat(result(p)).isTrue();
      assertThat(issues(p)).singleElement().satisfies(i -> assertThat(i.getSeverity()).isEqualTo(IssueSeverity.WARNING));
    }

    @Test
    void expandTakesTheValidatorsLimitAndIncompleteFlags() throws Exception {
      Answer a =
          postJson(
              "/ValueSet/$expand",
              params(
                  "url", new UriType(VS + "crisis"),
                  "profile-url", new StringType("http://hl7.org/fhir/ExpansionProfile/dc8fd4bc-091a-424a-8a3b-6198ef146891"),
                  "_limit", new IntegerType(10000),
                  "_incomplete", new BooleanType(true),
                  "incomplete-ok", new BooleanType(true),
                  "excludeNested", new BooleanType(true),
                  "includeDefinition", new BooleanType(false),
                  "count", new IntegerType(100),
                  "offset", new IntegerType(0)));

      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.as(ValueSet.class).getExpansion().getContains()).extracting(c -> c.getCode()).contains("90839", "90840");
    }

    @Test
    void lookupTakesHapisLanguageAndTheValidatorsParameters() throws Exception {
      Answer a =
          getJson(
              "/CodeSystem/$lookup?system=" + CPT + "&code=90837&language=en&profile-url=x&valueset-membership-only=false&count=5");

      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.parameters().getParameterValue("display").primitiveValue()).contains("60");
      assertThat(a.parameters().getParameterValue("code").primitiveValue()).isEqualTo("90837");
    }

    @Test
    void excludeSystemLeavesThatSystemsCodesOutOfTheValueSet() throws Exception {
      String url = VS + "behavioral-health-codes";
      Parameters excluded =
          getJson("/ValueSet/$validate-code?url=" + url + "&system=" + CPT + "&code=90837&exclude-system=" + CPT).parameters();
      ValueSet expansion = getJson("/ValueSet/$expand?url=" + url + "&exclude-system=" + CPT).as(ValueSet.class);

      assertThat(result(excluded)).isFalse();
      assertThat(expansion.getExpansion().getContains()).isNotEmpty().allSatisfy(c -> assertThat(c.getSystem()).isNotEqualTo(CPT));
    }
  }

  @Nested
  class RequestTerminology {

    @Test
    void resourcesSentWithARequestApplyToThatRequestOnly() throws Exception {
      Parameters with =
          postJson(
                  "/CodeSystem/$validate-code",
                  params(
                      "url", new UriType(HIERARCHY),
                      "code", new CodeType("talk"),
                      "tx-resource", testResource(CodeSystem.class, "CodeSystem-hierarchy.json")))
              .parameters();
      Parameters without =
          postJson("/CodeSystem/$validate-code", params("url", new UriType(HIERARCHY), "code", new CodeType("talk")))
              .parameters();

      assertThat(result(with)).isTrue();
      assertThat(result(without)).isFalse();
      assertThat(value(without, "message")).contains("could not be found");
    }
  }

  @Nested
  class Batches {

    @Test
    void aBatchBundleAnswersEachEntryInOrder() throws Exception {
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET)
          .setUrl("ValueSet/$validate-code?url=" + VS + "psychotherapy-individual&system=" + CPT + "&code=90834");
      batch.addEntry()
          .setResource(params("url", new UriType(VS + "psychotherapy-individual"), "coding", new Coding(CPT, "90847", null)))
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ValueSet/$validate-code");
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET)
          .setUrl("ValueSet/$validate-code?url=" + VS + "no-such-set&system=" + CPT + "&code=90834");

      Bundle out = postJson("/", batch).as(Bundle.class);

      assertThat(out.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
      assertThat(out.getEntry()).hasSize(3);
      assertThat(out.getEntry().get(0).getResponse().getStatus()).startsWith("200");
      assertThat(result((Parameters) out.getEntry().get(0).getResource())).isTrue();
      assertThat(out.getEntry().get(1).getResponse().getStatus()).startsWith("200");
      assertThat(result((Parameters) out.getEntry().get(1).getResource())).isFalse();
      assertThat(out.getEntry().get(2).getResponse().getStatus()).startsWith("404");
      assertThat(out.getEntry().get(2).getResource()).isInstanceOf(OperationOutcome.class);
    }

    @Test
    void terminologyCallsInATransactionAreRefused() throws Exception {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("CodeSystem/$lookup?system=" + CPT + "&code=90834");
      assertClientError(postJson("/", transaction), 400);
    }

    @Test
    void batchValidateCodeAnswersOneValidationPerCall() throws Exception {
      Parameters request = params("url", new UriType(VS + "crisis"));
      request.addParameter().setName("validation").setResource(params("coding", new Coding(CPT, "90839", null)));
      request.addParameter().setName("validation").setResource(params("coding", new Coding(CPT, "90834", null)));

      Parameters out = postJson("/ValueSet/$batch-validate-code", request).parameters();

      assertThat(out.getParameter()).hasSize(2).allMatch(p -> p.getName().equals("validation"));
      assertThat(result((Parameters) out.getParameter().get(0).getResource())).isTrue();
      assertThat(result((Parameters) out.getParameter().get(1).getResource())).isFalse();
    }
  }

  @Nested
  class Metadata {

    @Test
    void theCapabilityStatementListsEachOperationWithItsAuthoredDefinition() throws Exception {
      CapabilityStatement cs = getJson("/metadata").as(CapabilityStatement.class);

      assertThat(cs.getInstantiates()).anyMatch(i -> i.getValue().equals("http://hl7.org/fhir/CapabilityStatement/terminology-server"));
      assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
      CapabilityStatementRestResourceComponent codeSystem = resource(cs, "CodeSystem");
      assertThat(codeSystem.getOperation())
          .extracting(o -> o.getName() + " " + o.getDefinition())
          .containsExactlyInAnyOrder(
              "lookup http://psychcode.org/fhir/OperationDefinition/CodeSystem-lookup",
              "validate-code http://psychcode.org/fhir/OperationDefinition/CodeSystem-validate-code",
              "subsumes http://psychcode.org/fhir/OperationDefinition/CodeSystem-subsumes");
      assertThat(resource(cs, "ValueSet").getOperation())
          .extracting(o -> o.getName())
          .containsExactlyInAnyOrder("expand", "validate-code", "batch-validate-code");
      assertThat(resource(cs, "ConceptMap").getOperation()).extracting(o -> o.getName()).containsExactly("translate");
      assertThat(resource(cs, "ValueSet").getInteraction())
          .extracting(i -> i.getCode().toCode())
          .containsExactlyInAnyOrder("read", "vread", "search-type");
      assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode()).containsExactly("transaction", "batch");
    }

    @Test
    void theCapabilityStatementClaimsNoIncludesOfPublishedTypesAndNamesTheProfilesValidateHoldsTo() throws Exception {
      CapabilityStatement cs = getJson("/metadata").as(CapabilityStatement.class);

      for (String published : List.of("CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "OperationDefinition")) {
        assertThat(resource(cs, published).getSearchInclude()).isEmpty();
      }
      for (String type : List.of("Encounter", "Claim")) {
        String profile = "http://psychcode.org/fhir/StructureDefinition/psychcode-" + type.toLowerCase();
        assertThat(resource(cs, type).getSupportedProfile()).extracting(p -> p.getValue()).containsExactly(profile);
        org.hl7.fhir.r4.model.StructureDefinition sd =
            client().read().resource(org.hl7.fhir.r4.model.StructureDefinition.class).withId("psychcode-" + type.toLowerCase()).execute();
        assertThat(sd.getUrl()).isEqualTo(profile);
        assertThat(sd.getType()).isEqualTo(type);
      }
      assertThat(resource(cs, "StructureDefinition").getInteraction())
          .extracting(i -> i.getCode().toCode())
          .containsExactlyInAnyOrder("read", "vread", "search-type");
    }

    @Test
    void everyOperationDefinitionTheCapabilityStatementNamesCanBeRead() throws Exception {
      CapabilityStatement cs = getJson("/metadata").as(CapabilityStatement.class);
      List<String> urls = new java.util.ArrayList<>();
      cs.getRestFirstRep().getResource().forEach(r -> r.getOperation().forEach(o -> urls.add(o.getDefinition())));
      cs.getRestFirstRep().getOperation().forEach(o -> urls.add(o.getDefinition()));

      assertThat(urls).isNotEmpty();
      for (String url : urls) {
        String id = url.substring(url.lastIndexOf('/') + 1);
        OperationDefinition od = client().read().resource(OperationDefinition.class).withId(id).execute();
        assertThat(od.getUrl()).isEqualTo(url);
        assertThat(od.getParameter()).isNotEmpty();
      }
    }

    @Test
    void terminologyModeAnswersTheTerminologyCapabilities() throws Exception {
      TerminologyCapabilities tc = getJson("/metadata?mode=terminology").as(TerminologyCapabilities.class);

      assertThat(tc.getCodeSystem()).anyMatch(c -> c.getUri().equals(CPT));
      assertThat(tc.getExpansion().getParameter())
          .extracting(p -> p.getName())
          .contains("tx-resource", "count", "offset", "filter", "activeOnly", "includeDesignations", "displayLanguage");
    }

    @Test
    void versionsNamesR4() throws Exception {
      Parameters p = getJson("/$versions").parameters();
      assertThat(value(p, "default")).isEqualTo("4.0");
    }

    @Test
    void anOpenApiDescriptionAndSwaggerUiAreServed() throws Exception {
      HttpResponse<String> docs = get("/api-docs", "application/json");
      HttpResponse<String> ui = get("/swagger-ui/", "text/html");

      assertThat(docs.statusCode()).isEqualTo(200);
      assertThat(docs.body()).contains("openapi").contains("/ValueSet/$expand");
      assertThat(ui.statusCode()).isEqualTo(200);
    }

    @Test
    void browsersFromAnyOriginMayCallByDefault() throws Exception {
      HttpResponse<String> preflight =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base() + "/ValueSet/$expand"))
                      .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                      .header("Origin", "https://ehr.example.org")
                      .header("Access-Control-Request-Method", "POST")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ehr.example.org");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).contains("GET,HEAD,POST,PUT,DELETE,OPTIONS");
    }

    @Test
    void browsersAreNotInvitedToUseMethodsTheServerDoesNotHave() throws Exception {
      HttpResponse<String> preflight =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base() + "/CodeSystem/cpt"))
                      .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                      .header("Origin", "https://ehr.example.org")
                      .header("Access-Control-Request-Method", "PATCH")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(preflight.statusCode()).isEqualTo(403);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private CapabilityStatementRestResourceComponent resource(CapabilityStatement cs, String type) {
      return cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
    }
  }

  @Nested
  class ReadAndSearch {

    @Test
    void readsAPublishedCodeSystem() {
      CodeSystem cs = client().read().resource(CodeSystem.class).withId("cpt").execute();

      assertThat(cs.getUrl()).isEqualTo(CPT);
      assertThat(cs.getContent()).isEqualTo(CodeSystem.CodeSystemContentMode.FRAGMENT);
    }

    @Test
    void anUnknownIdIsNotFound() {
      org.junit.jupiter.api.Assertions.assertThrows(
          ResourceNotFoundException.class,
          () -> client().read().resource(ValueSet.class).withId("no-such-set").execute());
    }

    @Test
    void searchesByUrlNameTitleAndStatus() {
      Bundle byUrl =
          client().search().forResource(ValueSet.class).where(ValueSet.URL.matches().value(VS + "crisis"))
              .returnBundle(Bundle.class).execute();
      Bundle byName =
          client().search().forResource(ValueSet.class).where(ValueSet.NAME.matches().value("crisis"))
              .returnBundle(Bundle.class).execute();
      Bundle byStatus =
          client().search().forResource(CodeSystem.class).where(CodeSystem.STATUS.exactly().code("active"))
              .returnBundle(Bundle.class).execute();

      assertThat(byUrl.getEntry()).singleElement()
          .satisfies(e -> assertThat(((ValueSet) e.getResource()).getUrl()).isEqualTo(VS + "crisis"));
      assertThat(byName.getEntry()).extracting(e -> ((ValueSet) e.getResource()).getName()).contains("Crisis");
      assertThat(byStatus.getEntry()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void pagesSearchResults() {
      Bundle first = client().search().forResource(ValueSet.class).count(3).returnBundle(Bundle.class).execute();
      Bundle second = client().loadPage().next(first).execute();

      assertThat(first.getEntry()).hasSize(3);
      assertThat(second.getEntry()).isNotEmpty();
      assertThat(second.getEntryFirstRep().getResource().getIdElement().getIdPart())
          .isNotEqualTo(first.getEntryFirstRep().getResource().getIdElement().getIdPart());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/CodeSystem/nope", "/ValueSet/nope", "/OperationDefinition/nope"})
    void anUnknownIdIsNotFoundInFhirsOwnWords(String path) throws Exception {
      Answer a = getJson(path);

      assertThat(a.status()).isEqualTo(404);
      OperationOutcome oo = a.as(OperationOutcome.class);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTFOUND);
      assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("nope").contains("not known").doesNotContain("HAPI-");
    }

    @Test
    void aReadCarriesAVersionAnETagThatMakesAConditionalReadAndTheVersionItNamesCanBeRead() throws Exception {
      HttpResponse<String> read = get("/ValueSet/crisis", "application/fhir+json");
      String etag = read.headers().firstValue("ETag").orElseThrow();
      String location = read.headers().firstValue("Content-Location").orElseThrow();

      HttpResponse<String> conditional =
          HttpClient.newHttpClient().send(
              HttpRequest.newBuilder(URI.create(base() + "/ValueSet/crisis")).header("If-None-Match", etag).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> vread =
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(FHIR.newJsonParser().parseResource(ValueSet.class, read.body()).getMeta().getVersionId()).isNotBlank();
      assertThat(conditional.statusCode()).isEqualTo(304);
      assertThat(vread.statusCode()).isEqualTo(200);
      assertThat(getJson("/ValueSet/crisis/_history/other").status()).isEqualTo(404);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
        strings = {
          "/CodeSystem/$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834&abstract=maybe",
          "/ValueSet/$expand?url=http://psychcode.org/fhir/ValueSet/crisis&activeOnly=yes",
          "/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=90834&diagnostics=1"
        })
    void aBooleanParameterThatIsNeitherTrueNorFalseIsRefused(String query) throws Exception {
      Answer a = getJson(query);

      assertThat(a.status()).isEqualTo(400);
      assertThat(a.as(OperationOutcome.class).getIssueFirstRep().getDetails().getText()).contains("true or false");
    }

    @Test
    void countZeroAnswersTheTotalWithNoPagesToFollow() throws Exception {
      Bundle b = getJson("/ValueSet?_count=0").as(Bundle.class);

      assertThat(b.getTotal()).isEqualTo(15);
      assertThat(b.getEntry()).isEmpty();
      assertThat(b.getLink(Bundle.LINK_NEXT)).isNull();
    }

    @Test
    void walkingTheNextLinksEndsAfterTheLastPage() {
      Bundle page = client().search().forResource(ValueSet.class).count(4).returnBundle(Bundle.class).execute();
      int pages = 1;
      int seen = page.getEntry().size();
      while (page.getLink(Bundle.LINK_NEXT) != null && pages < 10) {
        page = client().loadPage().next(page).execute();
        pages++;
        seen += page.getEntry().size();
      }
      assertThat(pages).isEqualTo(4);
      assertThat(seen).isEqualTo(15);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"_count=-1", "_offset=-5", "_count=-1&_elements=id"})
    void aNegativeCountOrOffsetIsRefused(String query) throws Exception {
      Answer a = getJson("/ValueSet?" + query);

      assertThat(a.status()).isEqualTo(400);
      assertThat(a.as(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).containsAnyOf("_count", "_offset");
    }

    @Test
    void summaryLeavesTheConceptsOut() throws Exception {
      Bundle b = getJson("/CodeSystem?url=" + CPT + "&_summary=true").as(Bundle.class);

      CodeSystem cs = (CodeSystem) b.getEntryFirstRep().getResource();
      assertThat(cs.getUrl()).isEqualTo(CPT);
      assertThat(cs.getConcept()).isEmpty();
    }

    @Test
    void elementsPicksElements() throws Exception {
      Bundle b = getJson("/ValueSet?url=" + VS + "crisis&_elements=url,name").as(Bundle.class);

      ValueSet vs = (ValueSet) b.getEntryFirstRep().getResource();
      assertThat(vs.getName()).isEqualTo("Crisis");
      assertThat(vs.hasCompose()).isFalse();
    }
  }
}
