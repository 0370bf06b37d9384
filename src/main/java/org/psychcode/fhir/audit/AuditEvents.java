package org.psychcode.fhir.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.psychcode.fhir.store.Interaction;

/**
 * AuditEvents shaped as IHE's Basic Audit Log Patterns (BALP) profiles: Create, Update, Delete, Read and Query, each in
 * its Patient variant when the resource is in a patient's compartment (one event per patient, as BALP asks of reads and
 * queries). Every event names the client application and its network address, this server, the user (the token's
 * subject) as the requestor, the request's X-Request-ID, and the data: the resource written or read, or for a search
 * the query as it was asked (base64, and readable in the description).
 */
final class AuditEvents {

  static final String BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  static final String OPERATIONS = "http://psychcode.org/fhir/OperationDefinition/";

  private AuditEvents() {}

  /**
   * Creates, updates or deletes of the resources {@code written} ({@code Type/id}, in the order written) made by one
   * request in one database transaction, in the compartments of {@code patients}: a data entity for each. BALP's
   * Create, Update and Delete profiles (and their Patient variants) allow one data entity, so the event claims its
   * profile only when it names one resource; naming several (a transaction Bundle, {@code Claim/$submit}), it has the
   * same shape without the profile.
   */
  static AuditEvent write(Interaction interaction, Set<String> written, Set<String> patients, Requestor who) {
    String profile = switch (interaction) {
      case UPDATE -> "Update";
      case DELETE -> "Delete";
      default -> "Create";
    };
    AuditEventAction action = switch (interaction) {
      case UPDATE -> AuditEventAction.U;
      case DELETE -> AuditEventAction.D;
      default -> AuditEventAction.C;
    };
    String claimed = written.size() == 1 ? (patients.isEmpty() ? "" : "Patient") + profile : null;
    AuditEvent e = common(claimed, profile.toLowerCase(), action, who, false);
    user(e, who, interaction == Interaction.DELETE ? "CST" : "AUT", interaction == Interaction.DELETE ? "custodian" : "author");
    written.forEach(w -> data(e, w));
    patients.forEach(p -> patient(e, p));
    return e;
  }

  /** A read, vread or history of {@code type/id}: one event per patient compartment, or one without a patient. */
  static List<AuditEvent> read(Interaction interaction, String type, String id, Set<String> patients, Requestor who) {
    String subtype = switch (interaction) {
      case VREAD -> "vread";
      case HISTORY_INSTANCE -> "history-instance";
      case HISTORY_TYPE -> "history-type";
      default -> "read";
    };
    List<AuditEvent> out = new ArrayList<>();
    for (String p : patients.isEmpty() ? Set.<String>of("") : patients) {
      AuditEvent e = common(p.isEmpty() ? "Read" : "PatientRead", subtype, AuditEventAction.R, who, true);
      user(e, who, "IRCP", "information recipient");
      data(e, type + "/" + id);
      if (!p.isEmpty()) {
        patient(e, p);
      }
      out.add(e);
    }
    return out;
  }

  /**
   * A search (or a type's history, {@code subtype} history-type): one event per patient whose compartment the results
   * touch, or one without a patient.
   */
  static List<AuditEvent> search(String subtype, Set<String> patients, Requestor who) {
    List<AuditEvent> out = new ArrayList<>();
    for (String p : patients.isEmpty() ? Set.<String>of("") : patients) {
      AuditEvent e = common(p.isEmpty() ? "Query" : "PatientQuery", subtype, AuditEventAction.E, who, false);
      user(e, who, "IRCP", "information recipient");
      query(e, who);
      if (!p.isEmpty()) {
        patient(e, p);
      }
      out.add(e);
    }
    return out;
  }

  /**
   * A request for stored data that was refused (401 without a valid token, 403 without the scope): outcome 4 (minor
   * failure) with the refusal's sentence, the interaction as asked, and the resource or query it asked for. It claims
   * no BALP profile (BALP profiles the accesses that happened); no patient is named, since nothing was read.
   */
  static AuditEvent refused(String subtype, AuditEventAction action, String what, String reason, Requestor who) {
    AuditEvent e = common(null, subtype, action, who, false);
    e.setOutcome(AuditEvent.AuditEventOutcome._4);
    e.setOutcomeDesc(reason);
    user(e, who, "IRCP", "information recipient");
    if (what != null) {
      data(e, what);
    } else {
      query(e, who);
    }
    return e;
  }

  /**
   * What every event has. For a read the data flows from the server to the client, and BALP names them the other way
   * round from a write or query (the client is the Destination, the server the Source).
   */
  private static AuditEvent common(String profile, String subtype, AuditEventAction action, Requestor who, boolean serverIsSource) {
    AuditEvent e = new AuditEvent();
    if (profile != null) {
      e.getMeta().addProfile(BALP + profile);
    }
    e.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"));
    e.addSubtype(new Coding(INTERACTION, subtype, subtype));
    if (who.operation() != null) {
      e.addSubtype(new Coding(INTERACTION, "operation", "operation"));
      e.addSubtype(new Coding("urn:ietf:rfc:3986", OPERATIONS + who.operation().replace("/$", "-").replace("$", ""), who.operation()));
    }
    e.setAction(action);
    e.setRecorded(new Date());
    e.setOutcome(AuditEvent.AuditEventOutcome._0);

    AuditEventAgentComponent client = e.addAgent();
    client.getType().addCoding(serverIsSource ? new Coding(DCM, "110152", "Destination Role ID") : new Coding(DCM, "110153", "Source Role ID"));
    client.setWho(
        who.client() != null ? new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(who.issuer()).setValue(who.client()))
            .setDisplay(who.client())
            : new Reference().setDisplay("anonymous client"));
    client.setRequestor(false);
    if (who.address() != null) {
      client.getNetwork().setAddress(who.address()).setType(AuditEventAgentNetworkType._2);
    }

    AuditEventAgentComponent server = e.addAgent();
    server.getType().addCoding(serverIsSource ? new Coding(DCM, "110153", "Source Role ID") : new Coding(DCM, "110152", "Destination Role ID"));
    server.setWho(new Reference().setDisplay(who.server() == null ? "PsychCode FHIR Server" : who.server()));
    server.setRequestor(false);
    if (who.server() != null) {
      server.getNetwork().setAddress(who.server()).setType(AuditEventAgentNetworkType._5);
    }

    e.getSource().setObserver(new Reference().setDisplay(who.server() == null ? "PsychCode FHIR Server" : who.server()));
    e.getSource().addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));

    if (who.requestId() != null) {
      AuditEventEntityComponent transaction = e.addEntity();
      transaction.getType().setSystem("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType").setCode("XrequestId");
      transaction.getWhat().getIdentifier().setValue(who.requestId());
    }
    return e;
  }

  private static void user(AuditEvent e, Requestor who, String code, String display) {
    AuditEventAgentComponent user = e.addAgent();
    user.getType().addCoding(new Coding(PARTICIPATION, code, display));
    Reference ref = new Reference();
    if (who.user() != null) {
      ref.setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(who.issuer()).setValue(who.user()));
      ref.setDisplay(who.userName());
      user.setName(who.userName());
      if (who.fhirUser() != null) {
        ref.setReference(who.fhirUser());
      }
    } else {
      ref.setDisplay("anonymous");
      user.setName("anonymous");
    }
    user.setWho(ref);
    user.setRequestor(true);
  }

  private static void data(AuditEvent e, String reference) {
    AuditEventEntityComponent data = e.addEntity();
    data.getType().setSystem(ENTITY_TYPE).setCode("2").setDisplay("System Object");
    data.getRole().setSystem(OBJECT_ROLE).setCode("4").setDisplay("Domain Resource");
    data.getWhat().setReference(reference);
  }

  /** The query as it was asked (method and URL), base64 in {@code query} and readable in {@code description}. */
  private static void query(AuditEvent e, Requestor who) {
    AuditEventEntityComponent query = e.addEntity();
    query.getType().setSystem(ENTITY_TYPE).setCode("2").setDisplay("System Object");
    query.getRole().setSystem(OBJECT_ROLE).setCode("24").setDisplay("Query");
    String asked = (who.method() == null ? "" : who.method() + " ") + (who.url() == null ? "" : who.url());
    query.setDescription(asked);
    query.setQuery(asked.getBytes(StandardCharsets.UTF_8));
  }

  private static void patient(AuditEvent e, String patient) {
    AuditEventEntityComponent p = e.addEntity();
    p.getType().setSystem(ENTITY_TYPE).setCode("1").setDisplay("Person");
    p.getRole().setSystem(OBJECT_ROLE).setCode("1").setDisplay("Patient");
    p.getWhat().setReference(patient);
  }
}
