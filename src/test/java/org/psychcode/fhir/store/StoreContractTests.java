package org.psychcode.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.AtOnce;

/**
 * The store as DESIGN "Store" promises it, over HTTP: run against H2 ({@link StoreH2Test}) and PostgreSQL
 * ({@link StorePostgresTest}). Every test makes its own data (fresh MRNs and ids), so the tests share one server.
 */
abstract class StoreContractTests extends StoreTestBase {

  private Patient patient(String mrn) {
    Patient p = new Patient();
    p.addIdentifier().setSystem(MRN).setValue(mrn);
    p.addName().setFamily("Rivera").addGiven("Ana");
    p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1988-04-12"));
    return p;
  }

  private String create(Patient p) throws Exception {
    HttpResponse<String> r = send("POST", "/Patient", json(p));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new IdType(r.headers().firstValue("Location").orElseThrow()).getIdPart();
  }

  // ---- the interactions ---------------------------------------------------------------------------

  @Test
  void createsReadsUpdatesWithIfMatchAndDeletesWithVersionsAndHistory() throws Exception {
    HttpResponse<String> created = send("POST", "/Patient", json(patient("MRN-" + unique())));
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches(".*/fhir/Patient/[A-Za-z0-9\\-.]+/_history/1");
    assertThat(created.headers().firstValue("ETag")).contains("W/\"1\"");
    assertThat(created.headers().firstValue("Last-Modified")).isPresent();
    String id = new IdType(location).getIdPart();

    Patient read = parse(Patient.class, send("GET", "/Patient/" + id, null));
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();

    read.getNameFirstRep().setFamily("Rivera-Lopez");
    HttpResponse<String> updated = send("PUT", "/Patient/" + id, json(read), "If-Match", "W/\"1\"");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(updated.headers().firstValue("ETag")).contains("W/\"2\"");
    assertThat(parse(Patient.class, updated).getMeta().getVersionId()).isEqualTo("2");

    OperationOutcome stale = refused(send("PUT", "/Patient/" + id, json(read), "If-Match", "W/\"1\""), 412);
    assertThat(stale.getIssueFirstRep().getDetails().getText()).contains("version 2");

    assertThat(parse(Patient.class, send("GET", "/Patient/" + id + "/_history/1", null)).getNameFirstRep().getFamily()).isEqualTo("Rivera");
    assertThat(send("DELETE", "/Patient/" + id, null).statusCode()).isEqualTo(200);
    refused(send("GET", "/Patient/" + id, null), 410);

    Bundle history = parse(Bundle.class, send("GET", "/Patient/" + id + "/_history", null));
    assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(history.getTotal()).isEqualTo(3);
    assertThat(history.getEntry()).hasSize(3);
    assertThat(history.getEntry().get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
    assertThat(history.getEntry().get(2).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
    assertThat(search("Patient/_history?_count=1").getEntry()).hasSize(1);
  }

  @Test
  void updateCreatesWithTheClientsIdAndRefusesAnIdMismatch() throws Exception {
    String id = "client-" + unique();
    Patient p = patient("MRN-" + unique());
    p.setId(id);
    HttpResponse<String> first = send("PUT", "/Patient/" + id, json(p));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(send("PUT", "/Patient/" + id, json(p)).statusCode()).isEqualTo(200);
    assertThat(parse(Patient.class, send("GET", "/Patient/" + id, null)).getMeta().getVersionId()).isEqualTo("2");
    OperationOutcome mismatch = refused(send("PUT", "/Patient/other-" + unique(), json(p)), 400);
    assertThat(mismatch.getIssueFirstRep().getDetails().getText()).contains("not the id in the URL");
  }

  @Test
  void answersAsPreferAsks() throws Exception {
    HttpResponse<String> minimal = send("POST", "/Patient", json(patient("MRN-" + unique())), "Prefer", "return=minimal");
    assertThat(minimal.statusCode()).isEqualTo(201);
    assertThat(minimal.body()).isEmpty();
    HttpResponse<String> oo = send("POST", "/Patient", json(patient("MRN-" + unique())), "Prefer", "return=OperationOutcome");
    assertThat(parse(OperationOutcome.class, oo).getIssueFirstRep().getDetails().getText()).contains("was created");
    HttpResponse<String> rep = send("POST", "/Patient", json(patient("MRN-" + unique())), "Prefer", "return=representation");
    assertThat(parse(Patient.class, rep).getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void conditionalCreateAndUpdateFindTheirMatch() throws Exception {
    String mrn = "MRN-" + unique();
    HttpResponse<String> first = send("POST", "/Patient", json(patient(mrn)), "If-None-Exist", "identifier=" + MRN + "|" + mrn);
    HttpResponse<String> second = send("POST", "/Patient", json(patient(mrn)), "If-None-Exist", "identifier=" + MRN + "|" + mrn);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(new IdType(second.headers().firstValue("Location").orElseThrow()).getIdPart())
        .isEqualTo(new IdType(first.headers().firstValue("Location").orElseThrow()).getIdPart());
    HttpResponse<String> updated = send("PUT", "/Patient?identifier=" + MRN + "|" + mrn, json(patient(mrn).setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE)));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(search("Patient?identifier=" + mrn).getTotal()).isEqualTo(1);
    create(patient(mrn));
    refused(send("PUT", "/Patient?identifier=" + MRN + "|" + mrn, json(patient(mrn))), 412);
  }

  @Test
  void refusesBadInputWithAnOperationOutcomeAndStoresNothing() throws Exception {
    refused(send("POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":"), 400);
    OperationOutcome wrongType = refused(send("POST", "/Patient", json(new Encounter().setStatus(Encounter.EncounterStatus.FINISHED))), 400);
    assertThat(wrongType.getIssueFirstRep().getDetails().getText()).contains("Encounter");
    Encounter dangling = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    dangling.setSubject(new Reference("Patient/nobody-" + unique()));
    dangling.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    OperationOutcome missing = refused(send("POST", "/Encounter", json(dangling)), 400);
    assertThat(missing.getIssueFirstRep().getDetails().getText()).contains("Patient/nobody-");
    OperationOutcome unknown = refused(send("GET", "/Encounter?colour=blue", null), 400);
    assertThat(unknown.getIssueFirstRep().getDetails().getText()).contains("colour");
    refused(send("GET", "/Encounter?date=yesterday", null), 400);
    refused(send("GET", "/Claim?_sort=status", null), 400);
    refused(send("POST", "/Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"x\"/></name></Patient", "Content-Type", "application/fhir+xml", "Accept", JSON), 400);
    assertThat(search("Encounter?subject=Patient/nobody-x").getTotal()).isZero();
  }

  @Test
  void everyBadInputOfTheStoreAnswers4xxWithAnOperationOutcomeAndStoresNothing() throws Exception {
    String marker = "BAD-" + unique();
    Patient p = patient(marker);
    String body = json(p);
    refused(send("POST", "/Patient", body.substring(0, body.length() - 3)), 400);
    String xml = FHIR.newXmlParser().encodeResourceToString(p);
    refused(send("POST", "/Patient", xml.substring(0, xml.length() - 4), "Content-Type", "application/fhir+xml", "Accept", JSON), 400);
    refused(send("POST", "/Encounter", body), 400);
    refused(send("PUT", "/Encounter/e-" + unique(), body), 400);
    refused(send("PUT", "/Patient/a-" + unique(), json(p.copy().setId("b-" + unique()))), 400);

    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    String txJson = json(tx);
    refused(send("POST", "", txJson.substring(0, txJson.length() - 2)), 400);
    Bundle wrongType = tx.copy();
    wrongType.getEntryFirstRep().getRequest().setUrl("Encounter");
    refused(send("POST", "", json(wrongType)), 400);
    Bundle dangling = tx.copy();
    Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    e.setSubject(new Reference("Patient/nobody-" + unique()));
    e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    dangling.addEntry().setResource(e).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
    assertThat(refused(send("POST", "", json(dangling)), 400).getIssueFirstRep().getDetails().getText()).contains("Patient/nobody-");
    String twice = "MRN-" + unique();
    create(patient(twice));
    create(patient(twice));
    Bundle ambiguous = tx.copy();
    Encounter e2 = e.copy();
    e2.setSubject(new Reference("Patient?identifier=" + MRN + "|" + twice));
    ambiguous.addEntry().setResource(e2).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
    refused(send("POST", "", json(ambiguous)), 412);
    refused(send("POST", "/Patient/_search", "colour=blue", "Content-Type", "application/x-www-form-urlencoded"), 400);
    // criteria in a FHIR body would be ignored and every Patient found: refused instead
    refused(send("POST", "/Patient/_search", "{\"identifier\":\"" + marker + "\"}", "Content-Type", JSON), 415);
    Patient huge = p.copy();
    huge.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>" + "x".repeat(11_000_000) + "</div>");
    Bundle oversize = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    oversize.addEntry().setResource(huge).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    refused(send("POST", "", json(oversize)), 413);
    refused(send("POST", "/Patient", json(huge)), 413);

    assertThat(search("Patient?identifier=" + MRN + "|" + marker).getTotal()).isZero();
    assertThat(search("Patient?identifier=" + MRN + "|" + twice).getTotal()).isEqualTo(2);
  }

  @Test
  void conditionalReferenceMatchingTwoFailsTheTransaction() throws Exception {
    String mrn = "MRN-" + unique();
    create(patient(mrn));
    create(patient(mrn));
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    e.setSubject(new Reference("Patient?identifier=" + MRN + "|" + mrn));
    e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    tx.addEntry().setResource(e).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
    OperationOutcome oo = refused(send("POST", "", json(tx)), 412);
    assertThat(oo.getIssueFirstRep().getDetails().getText()).startsWith("Bundle.entry[0]");
    e.setSubject(new Reference("Patient?identifier=" + MRN + "|none-" + unique()));
    refused(send("POST", "", json(tx)), 400);
  }

  @Test
  void referencesToThisServersBaseAreStoredRelative() throws Exception {
    String patient = create(patient("MRN-" + unique()));
    Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    e.setSubject(new Reference(base() + "/Patient/" + patient));
    e.addParticipant().setIndividual(new Reference("https://other.example.org/fhir/Practitioner/p1"));
    e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    HttpResponse<String> created = send("POST", "/Encounter", json(e), "Prefer", "return=representation");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Encounter stored = parse(Encounter.class, created);
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patient);
    assertThat(stored.getParticipantFirstRep().getIndividual().getReference()).isEqualTo("https://other.example.org/fhir/Practitioner/p1");
    assertThat(search("Encounter?patient=" + patient).getTotal()).isEqualTo(1);

    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    tx.addEntry().setResource(e.copy()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter");
    assertThat(send("POST", "", json(tx)).statusCode()).isEqualTo(200);
    assertThat(search("Encounter?patient=" + patient).getTotal()).isEqualTo(2);

    e.setSubject(new Reference(base() + "/Patient/nobody-" + unique()));
    assertThat(refused(send("POST", "/Encounter", json(e)), 400).getIssueFirstRep().getDetails().getText()).contains("Patient/nobody-");
  }

  @Test
  void deletingAResourceOthersReferenceIsAConflict() throws Exception {
    String mrn = "MRN-" + unique();
    send("POST", "", json(visit("valid-individual", mrn)));
    String patient = search("Patient?identifier=" + mrn).getEntryFirstRep().getResource().getIdElement().getIdPart();
    OperationOutcome oo = refused(send("DELETE", "/Patient/" + patient, null), 409);
    assertThat(oo.getIssueFirstRep().getDetails().getText()).contains("reference it");
  }

  @Test
  void worksWithHapisGenericClient() throws Exception {
    var client = client();
    String mrn = "MRN-" + unique();
    var created = client.create().resource(patient(mrn)).execute();
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getId().getVersionIdPart()).isEqualTo("1");
    Patient read = client.read().resource(Patient.class).withId(created.getId().getIdPart()).execute();
    assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(mrn);
    Bundle response = client.transaction().withBundle(visit("valid-individual", "MRN-" + unique())).execute();
    assertThat(response.getEntry()).hasSize(6);
    Bundle found =
        client.search().forResource(Claim.class)
            .where(Claim.PATIENT.hasId(new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart()))
            .include(Claim.INCLUDE_ENCOUNTER)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("Claim", "Encounter");
    String xml = FHIR.newXmlParser().encodeResourceToString(patient("MRN-" + unique()));
    assertThat(send("POST", "/Patient", xml, "Content-Type", "application/fhir+xml").statusCode()).isEqualTo(201);
    String tooLarge = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}}";
    refused(send("POST", "/Patient", tooLarge), 413);
  }

  @Test
  void extensionPointsSeeEveryWriteInItsTransactionAndCanRefuseIt() throws Exception {
    String mrn = "MRN-" + unique();
    Bundle tx = visit("valid-individual", mrn);
    HttpResponse<String> stored = send("POST", "", json(tx));
    String patientId = new IdType(parse(Bundle.class, stored).getEntry().get(0).getResponse().getLocation()).getIdPart();
    assertThat(RecordingExtensions.WRITES).anySatisfy(w -> assertThat(w).startsWith("CREATE Patient/" + patientId + "/1 visible=1")
        .contains("patients=[Patient/" + patientId + "]").endsWith("request=true"));
    assertThat(RecordingExtensions.WRITES).anySatisfy(w -> assertThat(w).startsWith("CREATE Claim/").contains("patients=[Patient/" + patientId + "]"));

    String refusedMrn = "MRN-" + unique();
    Bundle refused = visit("valid-individual", refusedMrn);
    refused.getEntry().get(3).getResource().getMeta().addTag(RecordingExtensions.TAGS, "refuse-in-listener", null);
    refused(send("POST", "", json(refused)), 422);
    Bundle forbidden = visit("valid-individual", "MRN-" + unique());
    forbidden.getEntry().get(5).getResource().getMeta().addTag(RecordingExtensions.TAGS, "forbidden", null);
    refused(send("POST", "", json(forbidden)), 403);
    assertThat(search("Patient?identifier=" + refusedMrn).getTotal()).isZero();

    send("GET", "/Patient/" + patientId, null);
    assertThat(RecordingExtensions.READS).contains("READ Patient/" + patientId);
    search("Claim?patient=" + patientId + "&_include=Claim:encounter");
    assertThat(RecordingExtensions.READS).anySatisfy(r -> assertThat(r).startsWith("SEARCH Encounter/"));
  }

  // ---- transactions and batches -------------------------------------------------------------------

  @Test
  void storesAVisitTransactionWithItsReferencesRewritten() throws Exception {
    String mrn = "MRN-" + unique();
    HttpResponse<String> r = send("POST", "", json(visit("valid-individual", mrn)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle response = parse(Bundle.class, r);
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).hasSize(6).allSatisfy(e -> {
      assertThat(e.getResponse().getStatus()).isEqualTo("201 Created");
      assertThat(e.getResponse().getLocation()).matches("[A-Za-z]+/[A-Za-z0-9\\-.]+/_history/1");
      assertThat(e.getResponse().getEtag()).isEqualTo("W/\"1\"");
    });
    assertThat(response.getEntry().get(5).getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
    String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
    String encounterId = new IdType(response.getEntry().get(4).getResponse().getLocation()).getIdPart();

    Bundle claims = search("Claim?patient=" + patientId + "&_include=Claim:encounter&_include=Claim:patient");
    assertThat(claims.getTotal()).isEqualTo(1);
    Claim claim = (Claim) claims.getEntry().get(0).getResource();
    assertThat(claim.getPatient().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(claim.getItemFirstRep().getEncounterFirstRep().getReference()).isEqualTo("Encounter/" + encounterId);
    assertThat(claims.getEntry()).extracting(e -> e.getResource().fhirType() + ":" + e.getSearch().getMode().toCode())
        .containsExactlyInAnyOrder("Claim:match", "Encounter:include", "Patient:include");
    assertThat(search("Encounter?patient.identifier=" + MRN + "|" + mrn + "&_include=Encounter:patient").getEntry()).hasSize(2);
    assertThat(search("Claim?item-code=http://www.ama-assn.org/go/cpt|90834&patient=" + patientId).getTotal()).isEqualTo(1);
    assertThat(search("Claim?encounter=" + encounterId + "&status=active&use=claim&created=2025-03-04").getTotal()).isEqualTo(1);
    assertThat(search("Encounter?subject=Patient/" + patientId + "&date=ge2025-03-01&date=lt2025-04-01&class=AMB&status=finished").getTotal()).isEqualTo(1);
    assertThat(search("Encounter?subject=Patient/" + patientId + "&date=2025-03-05").getTotal()).isZero();

    HttpResponse<String> again = send("POST", "", json(visit("valid-individual", mrn)));
    Bundle second = parse(Bundle.class, again);
    assertThat(second.getEntry().get(0).getResponse().getStatus()).isEqualTo("200 OK");
    assertThat(second.getEntry().get(0).getResponse().getLocation()).startsWith("Patient/" + patientId);
    assertThat(search("Claim?patient=" + patientId + "&_summary=count").getTotal()).isEqualTo(2);
  }

  /**
   * A transaction is audited as one AuditEvent per kind of write, naming every resource it wrote that way (and each
   * patient), found by each of them; an event naming one resource keeps its BALP profile, and a batch's entries, each
   * its own database transaction, have one event each.
   */
  @Test
  void aTransactionIsAuditedAsOneEventPerKindOfWriteNamingEveryResourceItWrote() throws Exception {
    Bundle visit = parse(Bundle.class, send("POST", "", json(visit("valid-individual", "MRN-" + unique()))));
    List<String> created = visit.getEntry().stream().map(e -> new IdType(e.getResponse().getLocation()).toUnqualifiedVersionless().getValue()).toList();
    assertThat(created).hasSize(6);
    String patient = created.get(0);
    AuditEvent create = onlyAuditEvent(patient, "C");
    assertThat(create.getSubtypeFirstRep().getCode()).isEqualTo("create");
    assertThat(create.getMeta().getProfile()).isEmpty();
    assertThat(create.getEntity()).filteredOn(x -> "2".equals(x.getType().getCode())).extracting(x -> x.getWhat().getReference())
        .containsExactlyInAnyOrderElementsOf(created);
    assertThat(create.getEntity()).filteredOn(x -> "1".equals(x.getType().getCode())).extracting(x -> x.getWhat().getReference())
        .containsExactly(patient);
    for (String each : created) {
      assertThat(onlyAuditEvent(each, "C").getIdElement().getIdPart()).isEqualTo(create.getIdElement().getIdPart());
    }

    Patient changed = parse(Patient.class, send("GET", "/" + patient, null));
    changed.getNameFirstRep().setFamily("Rivera-Lopez");
    String claim = created.get(5);
    Bundle mixed = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    mixed.addEntry().setResource(changed).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(patient);
    mixed.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(claim);
    mixed.addEntry().setResource(patient("MRN-" + unique())).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    Bundle answer = parse(Bundle.class, send("POST", "", json(mixed)));
    String another = new IdType(answer.getEntry().get(2).getResponse().getLocation()).toUnqualifiedVersionless().getValue();
    AuditEvent update = onlyAuditEvent(patient, "U");
    AuditEvent delete = onlyAuditEvent(claim, "D");
    AuditEvent single = onlyAuditEvent(another, "C");
    assertThat(List.of(update, delete, single)).extracting(e -> e.getMeta().getProfile().get(0).getValue())
        .containsExactly(
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientUpdate",
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientDelete",
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientCreate");
    assertThat(List.of(update, delete, single)).allSatisfy(e -> assertThat(e.getEntity()).filteredOn(x -> "2".equals(x.getType().getCode())).hasSize(1));

    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().setResource(patient("MRN-" + unique())).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().setResource(patient("MRN-" + unique())).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    Bundle batched = parse(Bundle.class, send("POST", "", json(batch)));
    List<String> ids = new ArrayList<>();
    for (BundleEntryComponent e : batched.getEntry()) {
      String p = new IdType(e.getResponse().getLocation()).toUnqualifiedVersionless().getValue();
      ids.add(onlyAuditEvent(p, "C").getIdElement().getIdPart());
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(2);
  }

  /** The one AuditEvent of this action that names {@code reference}. */
  private AuditEvent onlyAuditEvent(String reference, String action) throws Exception {
    Bundle found = search("AuditEvent?entity=" + reference + "&action=" + action);
    assertThat(found.getEntry()).as(reference + " " + action).hasSize(1);
    return (AuditEvent) found.getEntryFirstRep().getResource();
  }

  /**
   * A compact JSON search answer writes each resource's stored JSON as it is (StoredJsonAnswers); answers that need
   * the parsed resources (_pretty, XML, _summary, _elements) still encode them. Both must hold the same resources,
   * entries, total, links and headers, and the stored-JSON answer must be byte for byte HAPI's own encoding of itself.
   */
  @Test
  void searchAnswersOfStoredJsonHoldWhatTheParsedAnswersHold() throws Exception {
    String mrn = "MRN-" + unique();
    HttpResponse<String> first = send("POST", "", json(visit("valid-individual", mrn)));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(send("POST", "", json(visit("valid-individual", mrn))).statusCode()).isEqualTo(200);
    String patientId = new IdType(parse(Bundle.class, first).getEntry().get(0).getResponse().getLocation()).getIdPart();

    for (String query : List.of(
        "Claim?patient=" + patientId + "&_include=Claim:encounter&_include=Claim:patient",
        "Claim?patient=" + patientId + "&_include=Claim:encounter&_count=1&_total=accurate",
        "Encounter?patient=" + patientId + "&_revinclude=Claim:encounter&_sort=-date",
        "Patient?_id=" + patientId + "," + unique())) {
      HttpResponse<String> stored = send("GET", "/" + query, null);
      assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
      assertThat(stored.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
      Bundle answer = parse(Bundle.class, stored);
      assertThat(answer.getEntry()).as(query).isNotEmpty();
      assertThat(FHIR.newJsonParser().encodeResourceToString(answer)).as(query).isEqualTo(stored.body());

      HttpResponse<String> pretty = send("GET", "/" + query + "&_pretty=true", null);
      HttpResponse<String> xml = send("GET", "/" + query + "&_format=xml", null);
      assertThat(pretty.body()).contains("\n  ");
      assertThat(xml.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+xml");
      // the same headers, but for the framing (Content-Length or chunked), which is Tomcat's choice by the body's size
      java.util.function.Function<HttpResponse<String>, java.util.Set<String>> headers = h -> h.headers().map().keySet().stream()
          .filter(n -> !n.equals("content-length") && !n.equals("transfer-encoding")).collect(java.util.stream.Collectors.toSet());
      assertThat(headers.apply(pretty)).as(query).isEqualTo(headers.apply(stored));
      for (Bundle parsed : List.of(parse(Bundle.class, pretty), FHIR.newXmlParser().parseResource(Bundle.class, xml.body()))) {
        assertThat(parsed.getTotalElement().getValue()).as(query).isEqualTo(answer.getTotalElement().getValue());
        assertThat(parsed.getLink()).extracting(Bundle.BundleLinkComponent::getRelation)
            .containsExactlyElementsOf(answer.getLink().stream().map(Bundle.BundleLinkComponent::getRelation).toList());
        assertThat(parsed.getEntry()).hasSameSizeAs(answer.getEntry());
        for (int i = 0; i < answer.getEntry().size(); i++) {
          BundleEntryComponent a = answer.getEntry().get(i);
          BundleEntryComponent b = parsed.getEntry().get(i);
          assertThat(b.getFullUrl()).isEqualTo(a.getFullUrl());
          assertThat(b.getSearch().getMode()).isEqualTo(a.getSearch().getMode());
          assertThat(b.getResource().equalsDeep(a.getResource())).as(query + " entry " + i + ": " + stored.body()).isTrue();
          assertThat(a.getResource().getMeta().getVersionId()).isEqualTo("1");
          assertThat(a.getResource().getMeta().hasLastUpdated()).isTrue();
        }
      }
    }
    Bundle summary = search("Claim?patient=" + patientId + "&_summary=true");
    assertThat(summary.getEntry()).hasSize(2).allSatisfy(e -> assertThat(e.getResource().getMeta().getTag()).isNotEmpty());
    Bundle elements = search("Claim?patient=" + patientId + "&_elements=status");
    assertThat(elements.getEntry()).hasSize(2).allSatisfy(e -> assertThat(((Claim) e.getResource()).hasItem()).isFalse());
  }

  @Test
  void suggestsCodesForAStoredEncounterReadingWhatItReferencesFromTheStore() throws Exception {
    Bundle response = parse(Bundle.class, send("POST", "", json(visit("valid-individual", "MRN-" + unique()))));
    String encounterId = new IdType(response.getEntry().get(4).getResponse().getLocation()).getIdPart();
    HttpResponse<String> r = send("GET", "/Encounter/" + encounterId + "/$suggest-codes", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent suggestion =
        parse(org.hl7.fhir.r4.model.Parameters.class, r).getParameter().get(0);
    assertThat(suggestion.getPart()).filteredOn(p -> p.getName().equals("encounter")).extracting(p -> p.getValue().primitiveValue())
        .containsExactly("Encounter/" + encounterId);
    org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent line =
        suggestion.getPart().stream().filter(p -> p.getName().equals("line")).findFirst().orElseThrow();
    // the example visit bills 90834 for its 45 minutes, the suggestion agrees; its provider came from the stored Practitioner
    assertThat(((org.hl7.fhir.r4.model.Coding) line.getPart().get(0).getValue()).getCode()).isEqualTo("90834");
    assertThat(suggestion.getPart()).noneMatch(p -> p.getName().equals("issue"));
    refused(send("GET", "/Encounter/nobody-" + unique() + "/$suggest-codes", null), 404);
    refused(send("GET", "/Encounter/" + encounterId + "/$suggest-codes?colour=blue", null), 400);
  }

  @Test
  void aTransactionWithAnErrorFindingAnswers422AndStoresNothing() throws Exception {
    String mrn = "MRN-" + unique();
    HttpResponse<String> r = send("POST", "", json(visit("rule-time-code-mismatch", mrn)));
    OperationOutcome oo = refused(r, 422);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        oo.getIssue().stream().filter(i -> "time-code-mismatch".equals(i.getDetails().getCodingFirstRep().getCode())).findFirst().orElseThrow();
    assertThat(issue.getExpression()).extracting(e -> e.getValue()).contains("Bundle.entry[5].resource.item[0].productOrService");
    assertThat(search("Patient?identifier=" + mrn).getTotal()).isZero();
  }

  @Test
  void aTransactionWithAReferenceToNothingStoresNothing() throws Exception {
    String mrn = "MRN-" + unique();
    Bundle tx = visit("valid-individual", mrn);
    ((Encounter) tx.getEntry().get(4).getResource()).addParticipant().setIndividual(new Reference("Practitioner/missing-" + unique()));
    OperationOutcome oo = refused(send("POST", "", json(tx)), 400);
    assertThat(oo.getIssueFirstRep().getDetails().getText()).startsWith("Bundle.entry[4]").contains("Practitioner/missing-");
    assertThat(search("Patient?identifier=" + mrn).getTotal()).isZero();
  }

  @Test
  void warningsComeBackAndTheResourceIsStored() throws Exception {
    String mrn = "MRN-" + unique();
    Bundle response = parse(Bundle.class, send("POST", "", json(visit("rule-diagnosis-not-behavioral", mrn))));
    OperationOutcome claimOutcome = (OperationOutcome) response.getEntry().get(5).getResponse().getOutcome();
    assertThat(claimOutcome.getIssue()).anySatisfy(i -> {
      assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING);
      assertThat(i.getDetails().getCodingFirstRep().getCode()).isEqualTo("diagnosis-not-behavioral");
    });
    assertThat(search("Claim?patient.identifier=" + mrn).getTotal()).isEqualTo(1);
  }

  @Test
  void aClaimAloneIsValidatedAgainstItsStoredEncounter() throws Exception {
    String mrn = "MRN-" + unique();
    Bundle tx = visit("valid-individual", mrn);
    Claim claim = (Claim) tx.getEntry().remove(5).getResource();
    Bundle stored = parse(Bundle.class, send("POST", "", json(tx)));
    String patient = stored.getEntry().get(0).getResponse().getLocation().replaceFirst("/_history/.*", "");
    String practitioner = stored.getEntry().get(1).getResponse().getLocation().replaceFirst("/_history/.*", "");
    String organization = stored.getEntry().get(2).getResponse().getLocation().replaceFirst("/_history/.*", "");
    String coverage = stored.getEntry().get(3).getResponse().getLocation().replaceFirst("/_history/.*", "");
    String encounter = stored.getEntry().get(4).getResponse().getLocation().replaceFirst("/_history/.*", "");
    claim.getPatient().setReference(patient);
    claim.getProvider().setReference(organization);
    claim.getCareTeamFirstRep().getProvider().setReference(practitioner);
    claim.getInsuranceFirstRep().getCoverage().setReference(coverage);
    claim.getItemFirstRep().getEncounterFirstRep().setReference(encounter);
    HttpResponse<String> r = send("POST", "/Claim", json(claim), "Prefer", "return=OperationOutcome");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(parse(OperationOutcome.class, r).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);

    HttpResponse<String> validated = send("POST", "/Claim/$validate", json(claim));
    assertThat(validated.body()).doesNotContain("encounter-unresolved");
    claim.getItemFirstRep().setProductOrService(new org.hl7.fhir.r4.model.CodeableConcept().addCoding(
        new org.hl7.fhir.r4.model.Coding("http://www.ama-assn.org/go/cpt", "90837", null)));
    OperationOutcome wrong = refused(send("POST", "/Claim", json(claim)), 422);
    assertThat(wrong.getIssue()).anySatisfy(i -> {
      assertThat(i.getDetails().getCodingFirstRep().getCode()).isEqualTo("time-code-mismatch");
      assertThat(i.getExpression()).extracting(e -> e.getValue()).contains("Claim.item[0].productOrService");
    });
  }

  @Test
  void aBatchAnswersEachEntryOnItsOwnTerminologyCallsIncluded() throws Exception {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().setResource(patient("MRN-" + unique())).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/never-" + unique());
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET)
        .setUrl("CodeSystem/$validate-code?system=http://www.ama-assn.org/go/cpt&code=90834");
    Bundle response = parse(Bundle.class, send("POST", "", json(batch)));
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3)).containsExactly("201", "404", "200");
    assertThat(response.getEntry().get(2).getResource().fhirType()).isEqualTo("Parameters");
  }

  // ---- search -------------------------------------------------------------------------------------

  /**
   * A client paging through every resource of a type, as {@code GET /fhir/Patient} does, gets pages in the order of
   * creation without a total (counting would read every one of them; it is there when asked), and reaches each
   * resource once.
   */
  @Test
  void pagesThroughEveryResourceOfATypeWithoutCriteria() throws Exception {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(create(patient("MRN-" + unique())));
    }
    Bundle first = search("Patient?_count=2");
    assertThat(first.hasTotal()).isFalse();
    assertThat(first.getEntry()).hasSize(2);
    assertThat(first.getLink("next")).isNotNull();
    int total = search("Patient?_count=2&_total=accurate").getTotal();
    assertThat(search("Patient?_summary=count").getTotal()).isEqualTo(total);

    List<String> seen = new ArrayList<>();
    Bundle page = first;
    while (true) {
      page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
      if (page.getLink("next") == null) {
        break;
      }
      page = parse(Bundle.class, send("GET", page.getLink("next").getUrl(), null));
    }
    assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(total);
    assertThat(seen.stream().filter(created::contains).toList()).as("in the order of creation").isEqualTo(created);
  }

  @Test
  void pagesThroughResultsWithLinksThatKeepWorking() throws Exception {
    String mrn = "MRN-" + unique();
    String patient = create(patient(mrn));
    for (int day = 1; day <= 5; day++) {
      Encounter e = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
      e.setSubject(new Reference("Patient/" + patient));
      e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
      e.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-0" + day + "T10:00:00Z"));
      e.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-03-0" + day + "T10:50:00Z"));
      assertThat(send("POST", "/Encounter", json(e), "Prefer", "return=minimal").statusCode()).isEqualTo(201);
    }
    Bundle page = search("Encounter?patient=" + patient + "&_count=2&_sort=-date");
    assertThat(page.hasTotal()).as("counted only when asked").isFalse();
    List<String> dates = new ArrayList<>();
    int pages = 0;
    while (true) {
      pages++;
      page.getEntry().forEach(e -> dates.add(((Encounter) e.getResource()).getPeriod().getStartElement().getValueAsString().substring(0, 10)));
      if (page.getLink("next") == null) {
        break;
      }
      page = parse(Bundle.class, send("GET", page.getLink("next").getUrl(), null));
    }
    assertThat(pages).isEqualTo(3);
    assertThat(page.getTotal()).as("a last page tells the total").isEqualTo(5);
    assertThat(dates).containsExactly("2025-03-05", "2025-03-04", "2025-03-03", "2025-03-02", "2025-03-01");
    assertThat(page.getLink("previous")).isNotNull();
    Bundle previous = parse(Bundle.class, send("GET", page.getLink("previous").getUrl(), null));
    assertThat(previous.getEntry()).hasSize(2);

    HttpResponse<String> posted =
        send("POST", "/Encounter/_search", "patient=" + patient + "&_count=2&_total=accurate", "Content-Type", "application/x-www-form-urlencoded");
    assertThat(parse(Bundle.class, posted).getTotal()).isEqualTo(5);
    assertThat(search("Encounter?patient=" + patient + "&_count=2&_total=estimate").getTotal()).isEqualTo(5);
    assertThat(search("Encounter?patient=" + patient + "&_summary=count").getEntry()).isEmpty();
    assertThat(search("Encounter?patient=" + patient + "&_count=2&_total=none").hasTotal()).isFalse();
    Bundle exact = search("Encounter?patient=" + patient + "&_count=5");
    assertThat(exact.getEntry()).hasSize(5);
    assertThat(exact.getLink("next")).as("no next page when the matches fill the page exactly").isNull();
    assertThat(search("Encounter?patient=" + patient + "&_count=4").getLink("next")).isNotNull();
  }

  @Test
  void theCapabilityStatementListsWhatTheStoreAnswers() throws Exception {
    CapabilityStatement cs = parse(CapabilityStatement.class, send("GET", "/metadata", null));
    CapabilityStatement.CapabilityStatementRestResourceComponent claim =
        cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Claim")).findFirst().orElseThrow();
    assertThat(claim.getSearchParam()).extracting(p -> p.getName())
        .contains("patient", "created", "status", "use", "encounter", "provider", "item-code", "_id", "_lastUpdated");
    assertThat(claim.getSearchInclude()).extracting(s -> s.getValue()).contains("Claim:encounter", "Claim:patient");
    assertThat(claim.getSearchRevInclude()).extracting(s -> s.getValue()).contains("ClaimResponse:request");
    assertThat(claim.getInteraction()).extracting(i -> i.getCode().toCode())
        .contains("read", "vread", "create", "update", "delete", "history-instance", "history-type", "search-type");
    assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode()).contains("transaction", "batch");
    String itemCode =
        claim.getSearchParam().stream().filter(p -> p.getName().equals("item-code")).findFirst().orElseThrow().getDefinition();
    HttpResponse<String> definition = send("GET", "/SearchParameter?url=" + itemCode, null);
    assertThat(parse(Bundle.class, definition).getTotal()).isEqualTo(1);
  }

  // ---- $submit and concurrency --------------------------------------------------------------------

  @Test
  void submitStoresTheClaimWithAClaimResponseThatJudgesIt() throws Exception {
    String mrn = "MRN-" + unique();
    Bundle wrong = visit("rule-time-code-mismatch", mrn);
    wrong.setType(Bundle.BundleType.COLLECTION);
    HttpResponse<String> r = send("POST", "/Claim/$submit", json(wrong));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    ClaimResponse cr = parse(ClaimResponse.class, r);
    assertThat(cr.getOutcome()).isEqualTo(ClaimResponse.RemittanceOutcome.ERROR);
    assertThat(cr.getErrorFirstRep().getCode().getCodingFirstRep().getCode()).isEqualTo("time-code-mismatch");
    assertThat(cr.getErrorFirstRep().getCode().getCodingFirstRep().getSystem()).isEqualTo("http://psychcode.org/fhir/CodeSystem/billing-rule");
    assertThat(cr.getErrorFirstRep().getItemSequence()).isEqualTo(1);
    String claimRef = cr.getRequest().getReference();
    assertThat(send("GET", "/" + claimRef, null).statusCode()).isEqualTo(200);
    Bundle found = search("ClaimResponse?request=" + claimRef + "&outcome=error&_include=ClaimResponse:request");
    assertThat(found.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("ClaimResponse", "Claim");
    assertThat(search("Claim?patient.identifier=" + mrn + "&_revinclude=ClaimResponse:request").getEntry()).hasSize(2);

    Bundle warned = visit("rule-diagnosis-not-behavioral", "MRN-" + unique());
    warned.setType(Bundle.BundleType.COLLECTION);
    ClaimResponse ok = parse(ClaimResponse.class, send("POST", "/Claim/$submit", json(warned)));
    assertThat(ok.getOutcome()).isEqualTo(ClaimResponse.RemittanceOutcome.COMPLETE);
    assertThat(ok.getProcessNote()).anySatisfy(n -> assertThat(n.getText()).contains("Z63.0"));
  }

  @Test
  void concurrentIfMatchUpdatesLetExactlyOneWin() throws Exception {
    Patient p = patient("MRN-" + unique());
    String id = create(p);
    p.setId(id);
    int writers = 8;
    List<Callable<Integer>> writes = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      Patient mine = p.copy();
      mine.getNameFirstRep().setFamily("Writer" + i);
      writes.add(() -> send("PUT", "/Patient/" + id, json(mine), "If-Match", "W/\"1\"").statusCode());
    }
    List<Integer> statuses = AtOnce.run(writes);
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 412).hasSize(writers - 1);
    assertThat(parse(Patient.class, send("GET", "/Patient/" + id, null)).getMeta().getVersionId()).isEqualTo("2");
  }

  static BundleEntryComponent entry(Bundle b, int i) {
    return b.getEntry().get(i);
  }
}
