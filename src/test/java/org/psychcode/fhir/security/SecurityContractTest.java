package org.psychcode.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.psychcode.fhir.support.RawHttp;
import org.psychcode.fhir.support.SecuredServerTestBase;

/**
 * DESIGN "Security" over HTTP with security on: tokens signed with keys the test made (RS256 and ES256, served as a
 * JWKS), each way a token can be wrong, the SMART scopes of each interaction, the patient compartment, transactions,
 * batches and $submit, the open endpoints, the discovery documents, and the AuditEvents the accesses leave.
 */
class SecurityContractTest extends SecuredServerTestBase {

  static final String ADMIN = "system/*.cruds";
  static final String MRN = "http://example.org/fhir/mrn";
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static String json(Resource r) {
    return FHIR.newJsonParser().encodeResourceToString(r);
  }

  static <T extends Resource> T parse(Class<T> type, HttpResponse<String> r) {
    return FHIR.newJsonParser().parseResource(type, r.body());
  }

  static OperationOutcome refused(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception:");
    OperationOutcome oo = FHIR.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    if (status == 401) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
    }
    return oo;
  }

  Patient patient() {
    Patient p = new Patient();
    p.addIdentifier().setSystem(MRN).setValue("MRN-" + UUID.randomUUID());
    p.addName().setFamily("Rivera").addGiven("Ana");
    return p;
  }

  String created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new IdType(r.headers().firstValue("Location").orElseThrow()).getIdPart();
  }

  String createPatient() throws Exception {
    return created(as(ISSUER.token(ADMIN), "POST", "/Patient", json(patient())));
  }

  /** An example visit stored as a transaction with the admin token: the ids of its Patient and Claim. */
  String[] storeVisit() throws Exception {
    Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("fhir-resources/examples/valid-individual.json")));
    b.setType(Bundle.BundleType.TRANSACTION);
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      r.setId((String) null);
      if (r instanceof Patient p) {
        p.getIdentifierFirstRep().setSystem(MRN).setValue("MRN-" + UUID.randomUUID());
      }
      e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
    }
    HttpResponse<String> r = as(ISSUER.token(ADMIN), "POST", "", json(b), "Prefer", "return=representation");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle answer = parse(Bundle.class, r);
    ids.clear();
    for (Bundle.BundleEntryComponent e : answer.getEntry()) {
      IdType id = new IdType(e.getResponse().getLocation());
      ids.put(id.getResourceType(), id.getIdPart());
    }
    return new String[] {ids.get("Patient"), ids.get("Claim")};
  }

  /** The ids of the last visit stored, by type. */
  final java.util.Map<String, String> ids = new java.util.HashMap<>();

  // ---- tokens ---------------------------------------------------------------------------------------

  @Nested
  class Tokens {

    static Stream<Arguments> refusedTokens() {
      Instant now = Instant.now();
      return Stream.of(
          Arguments.of("no token", (Function<String, String>) s -> null),
          Arguments.of("expired", (Function<String, String>) s -> ISSUER.rs256(ISSUER.claims(s, c -> c.expirationTime(Date.from(now.minusSeconds(3600))).notBeforeTime(Date.from(now.minusSeconds(7200)))))),
          Arguments.of("not yet valid", (Function<String, String>) s -> ISSUER.rs256(ISSUER.claims(s, c -> c.notBeforeTime(Date.from(now.plusSeconds(3600))).expirationTime(Date.from(now.plusSeconds(7200)))))),
          Arguments.of("without exp", (Function<String, String>) s -> ISSUER.rs256(ISSUER.claims(s, c -> c.expirationTime(null)))),
          Arguments.of("another issuer", (Function<String, String>) s -> ISSUER.rs256(ISSUER.claims(s, c -> c.issuer("https://elsewhere.example.org")))),
          Arguments.of("another audience", (Function<String, String>) s -> ISSUER.rs256(ISSUER.claims(s, c -> c.audience("some-other-api")))),
          Arguments.of("signed by an unknown key", (Function<String, String>) s -> ISSUER.forged(ISSUER.claims(s, c -> {}))),
          Arguments.of("alg none", (Function<String, String>) s -> ISSUER.unsigned(ISSUER.claims(s, c -> {}))),
          Arguments.of("payload changed after signing", (Function<String, String>) s -> ISSUER.tampered(ISSUER.token("system/Practitioner.r"), ISSUER.claims(s, c -> {}))),
          Arguments.of("not a JWT", (Function<String, String>) s -> "not-a-jwt"),
          Arguments.of("ES256 from an unknown key", (Function<String, String>) s -> ISSUER.forged(ISSUER.claims(s, c -> c.issuer("x")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aWrongTokenIsRefusedWith401(String why, Function<String, String> token) throws Exception {
      String id = createPatient();
      OperationOutcome oo = refused(as(token.apply("system/Patient.rs"), "GET", "/Patient/" + id, null), 401);
      assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
    }

    @Test
    void rs256AndEs256TokensAreAccepted() throws Exception {
      String id = createPatient();
      assertThat(as(ISSUER.rs256(ISSUER.claims("system/Patient.rs", c -> {})), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
      assertThat(as(ISSUER.es256(ISSUER.claims("system/Patient.rs", c -> {})), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefusalIsXmlWhenTheClientAsksForXml() throws Exception {
      HttpResponse<String> r = as(null, "GET", "/Patient?_format=xml", null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/fhir+xml");
      assertThat(FHIR.newXmlParser().parseResource(OperationOutcome.class, r.body()).getIssue()).isNotEmpty();
      HttpResponse<String> accept = as(null, "GET", "/Patient", null, "Accept", "application/fhir+xml");
      assertThat(accept.headers().firstValue("Content-Type")).get().asString().startsWith("application/fhir+xml");
    }

    static Stream<String> malformedHeaders() {
      String token = ISSUER.token("system/Patient.rs");
      return Stream.of(
          "Bearer", "Bearer  " + token, "Bearer\t" + token, "Bearer=" + token, "Bearerx " + token, "Bearer " + token + " " + token,
          "Bearer " + token + "=x", "Bearer " + token.replace('.', ',') , "Bearer " + token + "\u00e9", "Bearer =");
    }

    /**
     * Spring's refusal of a malformed {@code Authorization: Bearer} header is kept by the resolver that reads the header
     * without a regular expression ({@link BearerTokens}): 401, {@code invalid_token}, "Bearer token is malformed".
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void aMalformedBearerHeaderIsRefusedAsMalformed(String header) throws Exception {
      String id = createPatient();
      RawHttp.Answer r = RawHttp.send(port, "GET /fhir/Patient/" + id + " HTTP/1.1", "Authorization: " + header);
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"").contains("Bearer token is malformed");
      assertThat(r.body()).contains("Bearer token is malformed").doesNotContain("\tat ");
    }

    @Test
    void theSchemeIsReadInAnyCaseAndATokenOutsideTheHeaderIsIgnored() throws Exception {
      String id = createPatient();
      String token = ISSUER.token("system/Patient.rs");
      for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR")) {
        RawHttp.Answer r = RawHttp.send(port, "GET /fhir/Patient/" + id + " HTTP/1.1", "Authorization: " + scheme + " " + token);
        assertThat(r.status()).as(scheme + ": " + r.body()).isEqualTo(200);
      }
      // another scheme, or the token in the query or a form body: no bearer token at all (RFC 6750's other two ways of
      // sending one are off, as in Spring's default), so a 401 that names no invalid token
      List<RawHttp.Answer> none =
          List.of(
              RawHttp.send(port, "GET /fhir/Patient/" + id + " HTTP/1.1", "Authorization: Basic dXNlcjpwYXNz"),
              RawHttp.send(port, "GET /fhir/Patient/" + id + "?access_token=" + token + " HTTP/1.1"),
              RawHttp.exchange(
                  port, "POST /fhir/Patient/_search HTTP/1.1", "access_token=" + token,
                  "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + ("access_token=" + token).length()));
      for (RawHttp.Answer r : none) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
      }
      // the header's token is used, and one in the query beside it is ignored (not "multiple tokens": the query is off):
      // the request passes the token checks, and HAPI answers it (a read takes no access_token parameter)
      RawHttp.Answer both = RawHttp.send(port, "GET /fhir/Patient/" + id + "?access_token=x HTTP/1.1", "Authorization: Bearer " + token);
      assertThat(both.status()).as(both.body()).isNotEqualTo(401).isLessThan(500);
      assertThat(both.header("WWW-Authenticate")).isNull();
      assertThat(both.body()).doesNotContain("multiple bearer tokens");
    }

    @Test
    void anInvalidTokenSaysWhyInWwwAuthenticate() throws Exception {
      HttpResponse<String> r = as("not-a-jwt", "GET", "/Patient", null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().contains("invalid_token");
    }
  }

  // ---- the open endpoints ---------------------------------------------------------------------------

  @Nested
  class Open {

    @Test
    void terminologyMetadataValidateSuggestAndPagesNeedNoToken() throws Exception {
      assertThat(as(null, "GET", "/metadata", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", "/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=90834", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", "/StructureDefinition", null).statusCode()).isEqualTo(200);
      String visit = Files.readString(Path.of("fhir-resources/examples/valid-individual.json"));
      assertThat(as(null, "POST", "/Bundle/$validate", visit).statusCode()).isEqualTo(200);
      assertThat(as(null, "POST", "/Encounter/$suggest-codes", visit).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", "/", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", root() + "/codes/90834", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", "/actuator/health", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", root() + "/check", null).statusCode()).isEqualTo(200);
      assertThat(as(null, "GET", root() + "/assets/site.css", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anyOtherPageNeedsAToken() throws Exception {
      // a page added later that shows stored data (a report, an audit view) is closed until it is named as open
      refused(as(null, "GET", root() + "/reports", null), 401);
      refused(as(null, "GET", "/actuator/env", null), 401);
    }

    @Test
    void aBatchOfTerminologyCallsNeedsNoTokenButItsStoreEntriesDo() throws Exception {
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("CodeSystem/$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834");
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?name=rivera");
      HttpResponse<String> r = as(null, "POST", "", json(batch));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      Bundle answer = parse(Bundle.class, r);
      assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("200");
      assertThat(answer.getEntry().get(1).getResponse().getStatus()).startsWith("401");
    }
  }

  // ---- from outside: the issue's own check ---------------------------------------------------------

  @Test
  void patientReadNeedsATokenTheScopeGrantsReadsNotCreatesAndTheCreateIsAudited() throws Exception {
    String id = createPatient();
    refused(as(null, "GET", "/Patient/" + id, null), 401);
    assertThat(as(ISSUER.token("system/Patient.rs"), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
    OperationOutcome oo = refused(as(ISSUER.token("system/Patient.rs"), "POST", "/Patient", json(patient())), 403);
    assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("system/Patient.c");
    String made = created(as(ISSUER.token(ADMIN), "POST", "/Patient", json(patient())));
    Bundle audit = parse(Bundle.class, as(ISSUER.token("system/AuditEvent.rs"), "GET", "/AuditEvent?entity=Patient/" + made, null));
    List<AuditEvent> creates =
        audit.getEntry().stream().map(e -> (AuditEvent) e.getResource()).filter(e -> e.getAction() == AuditEvent.AuditEventAction.C).toList();
    assertThat(creates).hasSize(1);
    AuditEvent create = creates.get(0);
    assertThat(create.getMeta().getProfile().get(0).getValue()).endsWith("IHE.BasicAudit.PatientCreate");
    assertThat(create.getSubtypeFirstRep().getCode()).isEqualTo("create");
    assertThat(create.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(create.getAgent()).anySatisfy(a -> {
      assertThat(a.getRequestor()).isTrue();
      assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("user-1");
    });
    assertThat(create.getAgent()).anySatisfy(a -> {
      assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("app-1");
      assertThat(a.getNetwork().getAddress()).isNotBlank();
    });
    assertThat(create.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/" + made));
    assertThat(create.getSource().getObserver().getDisplay()).isNotBlank();
  }

  // ---- scopes: one letter per interaction -----------------------------------------------------------

  @Nested
  class Scopes {

    @Test
    void everyStoredTypeAndInteractionNeedsExactlyItsLetter() throws Exception {
      String[] visit = storeVisit();
      List<String> failures = new ArrayList<>();
      for (String type : List.of("Patient", "Practitioner", "PractitionerRole", "Organization", "Coverage", "Group", "RelatedPerson",
          "Condition", "Encounter", "Claim", "ClaimResponse", "AuditEvent")) {
        String fixture = fixture(type, visit);
        for (String interaction : List.of("read", "vread", "history-instance", "history-type", "search", "create", "update", "delete")) {
          char needed = switch (interaction) {
            case "search" -> 's';
            case "create" -> 'c';
            case "update" -> 'u';
            case "delete" -> 'd';
            default -> 'r';
          };
          for (char letter : "cruds".toCharArray()) {
            String id = interaction.equals("delete") && letter == needed ? fixture(type, visit) : fixture;
            HttpResponse<String> r = run(ISSUER.token("system/" + type + "." + letter), type, id, interaction);
            boolean refused = r.statusCode() == 403;
            if (r.statusCode() == 401 || r.statusCode() >= 500 || refused == (letter == needed)) {
              failures.add(type + " " + interaction + " with ." + letter + ": " + r.statusCode());
            }
          }
        }
      }
      assertThat(failures).isEmpty();
    }

    private String fixture(String type, String[] visit) throws Exception {
      if (type.equals("Claim") || type.equals("Encounter")) {
        return ids.get(type);
      }
      Resource r = (Resource) FHIR.getResourceDefinition(type).newInstance();
      if (r instanceof Patient p) {
        p.addIdentifier().setSystem(MRN).setValue("MRN-" + UUID.randomUUID());
      }
      if (r instanceof org.hl7.fhir.r4.model.Encounter e) {
        e.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.PLANNED);
      }
      if (r instanceof AuditEvent a) {
        a.getType().setSystem("http://terminology.hl7.org/CodeSystem/audit-event-type").setCode("rest");
        a.setRecorded(new Date());
        a.getSource().getObserver().setDisplay("test");
      }
      HttpResponse<String> answer = as(ISSUER.token(ADMIN), "POST", "/" + type, json(r));
      return created(answer);
    }

    private HttpResponse<String> run(String token, String type, String id, String interaction) throws Exception {
      return switch (interaction) {
        case "read" -> as(token, "GET", "/" + type + "/" + id, null);
        case "vread" -> as(token, "GET", "/" + type + "/" + id + "/_history/1", null);
        case "history-instance" -> as(token, "GET", "/" + type + "/" + id + "/_history", null);
        case "history-type" -> as(token, "GET", "/" + type + "/_history?_count=1", null);
        case "search" -> as(token, "GET", "/" + type + "?_id=" + id, null);
        case "create" -> as(token, "POST", "/" + type, "{\"resourceType\":\"" + type + "\"}");
        case "update" -> as(token, "PUT", "/" + type + "/" + id, as(ISSUER.token(ADMIN), "GET", "/" + type + "/" + id, null).body());
        default -> as(token, "DELETE", "/" + type + "/" + id, null);
      };
    }

    @Test
    void wildcardsV1FormsAndUserScopesGrantAsTheyRead() throws Exception {
      String id = createPatient();
      assertThat(as(ISSUER.token("system/*.rs"), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
      assertThat(as(ISSUER.token("user/Patient.read"), "GET", "/Patient?_id=" + id, null).statusCode()).isEqualTo(200);
      assertThat(as(ISSUER.token("system/Patient.write"), "POST", "/Patient", json(patient())).statusCode()).isEqualTo(201);
      refused(as(ISSUER.token("system/Patient.write"), "GET", "/Patient/" + id, null), 403);
      assertThat(as(ISSUER.token("system/Patient.*"), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
      refused(as(ISSUER.token("system/Patient.sr"), "GET", "/Patient/" + id, null), 403); // v2 letters are in cruds order
      refused(as(ISSUER.token("patient/Observation.rs?category=laboratory openid fhirUser"), "GET", "/Patient/" + id, null), 403);
    }

    @Test
    void aTransactionIsAllOrNothingUnderScopesToo() throws Exception {
      Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      org.hl7.fhir.r4.model.Organization org = new org.hl7.fhir.r4.model.Organization().setName("Clinic " + UUID.randomUUID());
      tx.addEntry().setResource(org).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Organization");
      OperationOutcome oo = refused(as(ISSUER.token("system/Patient.c"), "POST", "", json(tx)), 403);
      assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("Bundle.entry[1]").contains("system/Organization.c");
      Bundle none = parse(Bundle.class, as(ISSUER.token(ADMIN), "GET", "/Organization?name=" + org.getName().replace(" ", "%20"), null));
      assertThat(none.getEntry()).isEmpty();
      refused(as(null, "POST", "", json(tx)), 401);
    }

    @Test
    void aBatchAnswersEachEntryOnItsOwn() throws Exception {
      String id = createPatient();
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + id);
      batch.addEntry().setResource(patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      Bundle answer = parse(Bundle.class, as(ISSUER.token("system/Patient.r"), "POST", "", json(batch)));
      assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("200");
      assertThat(answer.getEntry().get(1).getResponse().getStatus()).startsWith("403");
    }

    @Test
    void submitNeedsCreateOnClaim() throws Exception {
      String[] visit = storeVisit();
      Claim claim = parse(Claim.class, as(ISSUER.token(ADMIN), "GET", "/Claim/" + visit[1], null));
      claim.setId((String) null);
      refused(as(ISSUER.token("system/Claim.rs system/ClaimResponse.c"), "POST", "/Claim/$submit", json(claim)), 403);
      HttpResponse<String> r = as(ISSUER.token("system/Claim.c"), "POST", "/Claim/$submit", json(claim));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void includesNeedTheirOwnScope() throws Exception {
      String[] visit = storeVisit();
      refused(as(ISSUER.token("system/Claim.rs"), "GET", "/Claim?_id=" + visit[1] + "&_include=Claim:patient", null), 403);
      assertThat(as(ISSUER.token("system/Claim.rs system/Patient.r"), "GET", "/Claim?_id=" + visit[1] + "&_include=Claim:patient", null)
          .statusCode()).isEqualTo(200);
    }

    /**
     * The guard for whoever adds an operation: each one the CapabilityStatement declares is either in an open family
     * or has its row in {@link AccessPolicy#NEEDS}; one with neither is refused to every token (fail closed), and this
     * test names it so that its row is written.
     */
    @Test
    void everyOperationTheServerDeclaresIsOpenOrHasItsRowInTheScopeTable() throws Exception {
      CapabilityStatement cs = parse(CapabilityStatement.class, as(null, "GET", "/metadata", null));
      List<String> unjudged = new ArrayList<>();
      List<String> checked = new ArrayList<>();
      for (var resource : cs.getRestFirstRep().getResource()) {
        for (var op : resource.getOperation()) {
          String key = resource.getType() + "/$" + op.getName().replaceFirst("^\\$", "");
          checked.add(key);
          if (!open(resource.getType() + "/$" + op.getName().replaceFirst("^\\$", "")) && AccessPolicy.operation(key).isEmpty()) {
            unjudged.add(key);
          }
        }
      }
      for (var op : cs.getRestFirstRep().getOperation()) {
        String key = "$" + op.getName().replaceFirst("^\\$", "");
        checked.add(key);
        if (!open(key) && AccessPolicy.operation(key).isEmpty()) {
          unjudged.add(key);
        }
      }
      assertThat(checked).contains("Claim/$submit", "Encounter/$suggest-codes", "CodeSystem/$lookup");
      assertThat(unjudged).as("operations with neither an open family nor a row in AccessPolicy.NEEDS").isEmpty();
    }

    private boolean open(String path) {
      return OpenEndpoints.DEFAULT_OPEN.contains(String.valueOf(OpenEndpoints.family("POST", "/fhir/" + path)))
          || OpenEndpoints.DEFAULT_OPEN.contains(String.valueOf(OpenEndpoints.family("GET", "/fhir/" + path)));
    }

    @Test
    void anOperationNoScopeGrantsIsRefused() throws Exception {
      assertThat(as(ISSUER.token(ADMIN), "GET", "/Patient/$everything", null).statusCode()).isBetween(403, 405);
      refused(as(null, "GET", "/Patient/$everything", null), 401);
    }
  }

  // ---- reports and bulk export --------------------------------------------------------------------

  @Nested
  class ReportsAndExport {

    @Test
    void codingProfileAndMeasureReadEveryClaimSoNeedAnUnlimitedClaimReadScope() throws Exception {
      String[] visit = storeVisit();
      String profile = "/Practitioner/" + ids.get("Practitioner") + "/$coding-profile?start=2020-01-01&end=2035-12-31";
      refused(as(null, "GET", profile, null), 401);
      refused(as(ISSUER.token("system/Patient.rs"), "GET", profile, null), 403);
      refused(as(ISSUER.patientToken("patient/*.rs", visit[0]), "GET", profile, null), 403);
      HttpResponse<String> ok = as(ISSUER.token("system/Claim.r"), "GET", profile, null);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      String measure = "/Measure/behavioral-health-utilization/$evaluate-measure?periodStart=2020-01-01&periodEnd=2035-12-31";
      refused(as(null, "GET", measure, null), 401);
      refused(as(ISSUER.patientToken("patient/Claim.rs", visit[0]), "GET", measure, null), 403);
      HttpResponse<String> report = as(ISSUER.token("system/Claim.r"), "GET", measure, null);
      assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
      assertThat(report.body()).contains("\"resourceType\":\"MeasureReport\"");
    }

    @Test
    void anExportNeedsReadOnEveryExportedTypeAndItsStatusAndFilesAToken() throws Exception {
      storeVisit();
      refused(as(null, "GET", "/$export?_type=Claim", null, "Prefer", "respond-async"), 401);
      refused(as(ISSUER.token("system/Patient.r"), "GET", "/$export?_type=Claim", null, "Prefer", "respond-async"), 403);
      refused(as(ISSUER.token("system/Claim.r"), "GET", "/$export", null, "Prefer", "respond-async"), 403);
      String token = ISSUER.token("system/Claim.r");
      HttpResponse<String> kick = as(token, "GET", "/$export?_type=Claim", null, "Prefer", "respond-async");
      assertThat(kick.statusCode()).as(kick.body()).isEqualTo(202);
      String status = kick.headers().firstValue("Content-Location").orElseThrow();
      refused(as(null, "GET", status, null), 401);
      long deadline = System.currentTimeMillis() + 60_000;
      HttpResponse<String> r = as(token, "GET", status, null);
      while (r.statusCode() == 202 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        r = as(token, "GET", status, null);
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String file = JSON.readTree(r.body()).path("output").get(0).path("url").asText();
      refused(as(null, "GET", file, null), 401);
      refused(as(ISSUER.token("system/Patient.r"), "GET", file, null), 403);
      HttpResponse<String> ndjson = as(token, "GET", file, null);
      assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
      assertThat(ndjson.body()).contains("\"resourceType\":\"Claim\"");
    }
  }

  // ---- the patient compartment ----------------------------------------------------------------------

  @Nested
  class PatientCompartment {

    @Test
    void aPatientTokenReadsAndSearchesOnlyItsOwnPatientsClaims() throws Exception {
      String[] mine = storeVisit();
      String[] theirs = storeVisit();
      String token = ISSUER.patientToken("patient/*.rs", mine[0]);
      assertThat(as(token, "GET", "/Claim/" + mine[1], null).statusCode()).isEqualTo(200);
      refused(as(token, "GET", "/Claim/" + theirs[1], null), 403);
      refused(as(token, "GET", "/Claim/" + theirs[1] + "/_history/1", null), 403);
      refused(as(token, "GET", "/Claim/" + theirs[1] + "/_history", null), 403);
      refused(as(token, "GET", "/Patient/" + theirs[0], null), 403);
      Bundle all = parse(Bundle.class, as(token, "GET", "/Claim?_count=1000", null));
      assertThat(all.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(((Claim) e.getResource()).getPatient().getReference()).isEqualTo("Patient/" + mine[0]));
      Bundle asked = parse(Bundle.class, as(token, "GET", "/Claim?patient=Patient/" + theirs[0], null));
      assertThat(asked.getEntry()).isEmpty();
      Bundle byId = parse(Bundle.class, as(token, "GET", "/Patient?_id=" + theirs[0], null));
      assertThat(byId.getEntry()).isEmpty();
      Bundle self = parse(Bundle.class, as(token, "GET", "/Patient", null));
      assertThat(self.getEntry()).hasSize(1);
      assertThat(as(token, "GET", "/Practitioner?_count=1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPatientTokenWritesOnlyInsideItsCompartment() throws Exception {
      String[] mine = storeVisit();
      String[] theirs = storeVisit();
      String token = ISSUER.patientToken("patient/*.cruds", mine[0]);
      Patient me = parse(Patient.class, as(token, "GET", "/Patient/" + mine[0], null));
      me.getNameFirstRep().setFamily("Rivera-Lopez");
      assertThat(as(token, "PUT", "/Patient/" + mine[0], json(me)).statusCode()).isEqualTo(200);
      Patient them = parse(Patient.class, as(ISSUER.token(ADMIN), "GET", "/Patient/" + theirs[0], null));
      refused(as(token, "PUT", "/Patient/" + theirs[0], json(them)), 403);
      refused(as(token, "POST", "/Patient", json(patient())), 403);
      refused(as(token, "DELETE", "/Claim/" + theirs[1], null), 403);
      refused(as(ISSUER.token("patient/*.rs"), "GET", "/Claim/" + mine[1], null), 403); // no patient claim
    }
  }

  // ---- discovery ------------------------------------------------------------------------------------

  @Test
  void smartConfigurationAndTheCapabilityStatementDescribeTheSecurity() throws Exception {
    for (String path : List.of("/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration")) {
      HttpResponse<String> r = as(null, "GET", path, null);
      assertThat(r.statusCode()).isEqualTo(200);
      var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(doc.get("token_endpoint").asText()).isEqualTo(ISSUER.base() + "/token");
      assertThat(doc.get("issuer").asText()).isEqualTo(ISSUER.issuer());
      assertThat(doc.get("capabilities").toString()).contains("permission-v2").contains("permission-v1");
    }
    CapabilityStatement cs = parse(CapabilityStatement.class, as(null, "GET", "/metadata", null));
    var security = cs.getRestFirstRep().getSecurity();
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    var uris = security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
    assertThat(uris.getExtensionByUrl("token").getValue().primitiveValue()).isEqualTo(ISSUER.base() + "/token");
    assertThat(cs.getRest().get(0).getResource()).anySatisfy(r -> assertThat(r.getType()).isEqualTo("AuditEvent"));
  }

  // ---- the audit trail ------------------------------------------------------------------------------

  @Nested
  class Audit {

    @Test
    void aReadAndASearchAreAuditedPerPatient() throws Exception {
      String[] visit = storeVisit();
      String reader = ISSUER.token("system/Claim.rs system/AuditEvent.rs");
      assertThat(as(reader, "GET", "/Claim/" + visit[1], null).statusCode()).isEqualTo(200);
      assertThat(as(reader, "GET", "/Claim?patient=Patient/" + visit[0], null).statusCode()).isEqualTo(200);
      List<AuditEvent> events = eventually(reader, "/AuditEvent?patient=Patient/" + visit[0] + "&_count=100", 2, e -> e.getAction() != AuditEvent.AuditEventAction.C);
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getMeta().getProfile().get(0).getValue()).endsWith("PatientRead");
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getEntity()).anySatisfy(x -> assertThat(x.getWhat().getReference()).isEqualTo("Claim/" + visit[1]));
      });
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getMeta().getProfile().get(0).getValue()).endsWith("PatientQuery");
        assertThat(e.getEntity()).anySatisfy(x -> assertThat(x.hasQuery() ? new String(x.getQuery()) : "").contains("Claim?patient="));
      });
    }

    @Test
    void reportsAndExportFilesAreAuditedAsQueriesNamingTheirOperation() throws Exception {
      storeVisit();
      String token = ISSUER.token("system/Claim.rs system/AuditEvent.rs");
      String since = java.time.Instant.now().minusSeconds(1).toString();
      String profile = "/Practitioner/" + ids.get("Practitioner") + "/$coding-profile?start=2020-01-01&end=2035-12-31";
      assertThat(as(token, "GET", profile, null).statusCode()).isEqualTo(200);
      HttpResponse<String> kick = as(token, "GET", "/$export?_type=Claim", null, "Prefer", "respond-async");
      assertThat(kick.statusCode()).as(kick.body()).isEqualTo(202);
      String status = kick.headers().firstValue("Content-Location").orElseThrow();
      HttpResponse<String> r = as(token, "GET", status, null);
      for (int i = 0; i < 600 && r.statusCode() == 202; i++) {
        Thread.sleep(100);
        r = as(token, "GET", status, null);
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String file = JSON.readTree(r.body()).path("output").get(0).path("url").asText();
      assertThat(as(token, "GET", file, null).statusCode()).isEqualTo(200);
      String query = "/AuditEvent?action=E&date=ge" + since.replace("+", "%2B") + "&_count=1000";
      java.util.function.Function<AuditEvent, String> operation =
          e -> e.getSubtype().stream().filter(c -> "urn:ietf:rfc:3986".equals(c.getSystem())).map(c -> c.getDisplay()).findFirst().orElse("");
      List<AuditEvent> events = eventually(token, query, 2, e -> java.util.Set.of("Practitioner/$coding-profile", "$export-file").contains(operation.apply(e)));
      assertThat(events).extracting(operation).contains("Practitioner/$coding-profile", "$export-file");
      assertThat(events).allSatisfy(e -> {
        assertThat(e.getMeta().getProfile().get(0).getValue()).endsWith("Query");
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      });
    }

    @Test
    void refusedRequestsAreAuditedWithTheirOutcomeAndReason() throws Exception {
      String id = createPatient();
      refused(as(ISSUER.token("system/Claim.rs"), "GET", "/Patient/" + id, null), 403);
      refused(as(null, "GET", "/Patient/" + id, null), 401);
      refused(as(ISSUER.token("system/Claim.rs"), "DELETE", "/Patient/" + id, null), 403);
      List<AuditEvent> events =
          eventually(ISSUER.token("system/AuditEvent.rs"), "/AuditEvent?entity=Patient/" + id + "&_count=100", 3,
              e -> e.getOutcome() == AuditEvent.AuditEventOutcome._4);
      assertThat(events).hasSize(3);
      assertThat(events).allSatisfy(e -> {
        assertThat(e.getMeta().getProfile()).isEmpty();
        assertThat(e.getAgent()).anySatisfy(a -> assertThat(a.getNetwork().getAddress()).isNotBlank());
      });
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(e.getOutcomeDesc()).contains("system/Patient.r");
        assertThat(e.getAgent()).anySatisfy(a -> {
          assertThat(a.getRequestor()).isTrue();
          assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("user-1");
        });
      });
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getOutcomeDesc()).contains("needs a bearer token");
        assertThat(e.getAgent()).anySatisfy(a -> {
          assertThat(a.getRequestor()).isTrue();
          assertThat(a.getName()).isEqualTo("anonymous");
        });
      });
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("delete");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.D);
        assertThat(e.getOutcomeDesc()).contains("system/Patient.d");
      });
      assertThat(as(ISSUER.token(ADMIN), "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void auditEventsCannotBeChangedOrDeletedAndDoNotKeepWhatTheyNameAlive() throws Exception {
      String id = createPatient();
      Bundle found = parse(Bundle.class, as(ISSUER.token(ADMIN), "GET", "/AuditEvent?entity=Patient/" + id, null));
      AuditEvent e = (AuditEvent) found.getEntryFirstRep().getResource();
      assertThat(as(ISSUER.token(ADMIN), "PUT", "/AuditEvent/" + e.getIdElement().getIdPart(), json(e)).statusCode()).isEqualTo(405);
      assertThat(as(ISSUER.token(ADMIN), "DELETE", "/AuditEvent/" + e.getIdElement().getIdPart(), null).statusCode()).isEqualTo(405);
      assertThat(as(ISSUER.token(ADMIN), "DELETE", "/Patient/" + id, null).statusCode()).isEqualTo(200);
      Bundle after = parse(Bundle.class, as(ISSUER.token(ADMIN), "GET", "/AuditEvent?entity=Patient/" + id + "&action=D", null));
      assertThat(after.getEntry()).hasSize(1);
    }

    @Test
    void aTransactionThatFailsLeavesNoAuditEvent() throws Exception {
      Patient p = patient();
      String mrn = p.getIdentifierFirstRep().getValue();
      Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      tx.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      tx.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/does-not-exist-" + UUID.randomUUID());
      assertThat(as(ISSUER.token(ADMIN), "POST", "", json(tx)).statusCode()).isEqualTo(404);
      Bundle patients = parse(Bundle.class, as(ISSUER.token(ADMIN), "GET", "/Patient?identifier=" + MRN + "|" + mrn, null));
      assertThat(patients.getEntry()).isEmpty();
    }

    List<AuditEvent> eventually(String token, String query, int atLeast, java.util.function.Predicate<AuditEvent> which) throws Exception {
      List<AuditEvent> events = List.of();
      for (int i = 0; i < 100 && events.size() < atLeast; i++) {
        Bundle b = parse(Bundle.class, as(token, "GET", query, null));
        events = b.getEntry().stream().map(e -> (AuditEvent) e.getResource()).filter(which).toList();
        if (events.size() < atLeast) {
          Thread.sleep(100);
        }
      }
      return events;
    }
  }
}
