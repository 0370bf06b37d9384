package org.psychcode.fhir.support;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Generated visits for the reports' tests, as an EHR sends them: a Patient (created once by its MRN), an Encounter with
 * its session type, class and minutes, and a Claim billing it, its care team the Practitioner with a NUCC taxonomy.
 * Each visit remembers what it bills, so a test can count what the server should.
 */
public final class Visits {

  public static final String MRN = "http://example.org/fhir/mrn";

  private Visits() {}

  /** A practitioner as stored: PUT with the test's own id. */
  public static String practitioner(String id, String taxonomy, String family) {
    return "{\"resourceType\":\"Practitioner\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"Test\"]}],"
        + "\"qualification\":[{\"code\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\",\"code\":\"" + taxonomy + "\"}]}}]}";
  }

  /** One session and the lines billed for it. */
  public static final class Visit {
    public final String practitioner;
    public final String taxonomy;
    public final LocalDate date;
    public String sessionType = "individual";
    public Integer minutes;
    public boolean telehealth;
    public String diagnosis = "F41.1";
    public String patientMrn = "MRN-" + UUID.randomUUID();
    public final List<String> codes = new ArrayList<>();

    Visit(String practitioner, String taxonomy, LocalDate date) {
      this.practitioner = practitioner;
      this.taxonomy = taxonomy;
      this.date = date;
    }

    public Visit minutes(Integer m) {
      this.minutes = m;
      return this;
    }

    public Visit session(String type) {
      this.sessionType = type;
      return this;
    }

    public Visit telehealth() {
      this.telehealth = true;
      return this;
    }

    public Visit diagnosis(String icd) {
      this.diagnosis = icd;
      return this;
    }

    public Visit patient(String mrn) {
      this.patientMrn = mrn;
      return this;
    }

    public Visit bills(String... codes) {
      this.codes.addAll(List.of(codes));
      return this;
    }

    String place() {
      return telehealth ? "10" : "11";
    }

    /** The visit's three resources as entries of a transaction (or, with {@code transaction} false, a collection). */
    public List<String> entries(boolean transaction) {
      String u = "urn:uuid:" + UUID.randomUUID();
      String patient = u.substring(0, u.length() - 2) + "01";
      String encounter = u.substring(0, u.length() - 2) + "05";
      String claim = u.substring(0, u.length() - 2) + "06";
      List<String> out = new ArrayList<>();
      out.add(
          entry(
              patient,
              "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + MRN + "\",\"value\":\"" + patientMrn + "\"}],"
                  + "\"name\":[{\"family\":\"Rivera\",\"given\":[\"Ana\"]}],\"gender\":\"female\",\"birthDate\":\"1988-04-12\"}",
              transaction ? "\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=" + MRN + "|" + patientMrn + "\"}" : null));
      String time =
          minutes == null
              ? ""
              : ",\"period\":{\"start\":\"" + date + "T10:00:00-05:00\",\"end\":\"" + date + "T" + String.format("%02d:%02d", 10 + minutes / 60, minutes % 60)
                  + ":00-05:00\"},\"length\":{\"value\":" + minutes + ",\"unit\":\"min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"min\"}";
      String period = minutes == null ? ",\"period\":{\"start\":\"" + date + "\"}" : "";
      out.add(
          entry(
              encounter,
              "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\","
                  + "\"code\":\"" + (telehealth ? "VR" : "AMB") + "\"},\"type\":[{\"coding\":[{\"system\":\"http://psychcode.org/fhir/CodeSystem/session-type\","
                  + "\"code\":\"" + sessionType + "\"}]}],\"subject\":{\"reference\":\"" + patient + "\"},"
                  + "\"participant\":[{\"individual\":{\"reference\":\"Practitioner/" + practitioner + "\"}}]" + time + period + "}",
              transaction ? "\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}" : null));
      List<String> items = new ArrayList<>();
      for (int i = 0; i < codes.size(); i++) {
        items.add(
            "{\"sequence\":" + (i + 1) + ",\"careTeamSequence\":[1],\"diagnosisSequence\":[1],\"productOrService\":{\"coding\":[{\"system\":"
                + "\"http://www.ama-assn.org/go/cpt\",\"code\":\"" + codes.get(i) + "\"}]}"
                + (telehealth ? ",\"modifier\":[{\"coding\":[{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\"95\"}]}]" : "")
                + ",\"servicedDate\":\"" + date + "\",\"locationCodeableConcept\":{\"coding\":[{\"system\":"
                + "\"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set\",\"code\":\"" + place() + "\"}]},"
                + "\"quantity\":{\"value\":1},\"encounter\":[{\"reference\":\"" + encounter + "\"}]}");
      }
      out.add(
          entry(
              claim,
              "{\"resourceType\":\"Claim\",\"status\":\"active\",\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\","
                  + "\"code\":\"professional\"}]},\"use\":\"claim\",\"patient\":{\"reference\":\"" + patient + "\"},\"created\":\"" + date + "\","
                  + "\"provider\":{\"reference\":\"Practitioner/" + practitioner + "\"},\"priority\":{\"coding\":[{\"system\":"
                  + "\"http://terminology.hl7.org/CodeSystem/processpriority\",\"code\":\"normal\"}]},\"careTeam\":[{\"sequence\":1,\"provider\":"
                  + "{\"reference\":\"Practitioner/" + practitioner + "\"},\"qualification\":{\"coding\":[{\"system\":\"http://nucc.org/provider-taxonomy\","
                  + "\"code\":\"" + taxonomy + "\"}]}}],\"diagnosis\":[{\"sequence\":1,\"diagnosisCodeableConcept\":{\"coding\":[{\"system\":"
                  + "\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"" + diagnosis + "\"}]}}],\"insurance\":[{\"sequence\":1,\"focal\":true,"
                  + "\"coverage\":{\"display\":\"Example Health Plan\"}}],\"item\":[" + String.join(",", items) + "]}",
              transaction ? "\"request\":{\"method\":\"POST\",\"url\":\"Claim\"}" : null));
      return out;
    }
  }

  public static Visit visit(String practitioner, String taxonomy, LocalDate date) {
    return new Visit(practitioner, taxonomy, date);
  }

  /** The visits as one transaction Bundle. */
  public static String transaction(List<Visit> visits) {
    List<String> entries = new ArrayList<>();
    visits.forEach(v -> entries.addAll(v.entries(true)));
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
  }

  /** One visit as the Bundle {@code Claim/$submit} takes (stored whatever its findings). */
  public static String submission(Visit visit) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + String.join(",", visit.entries(false)) + "]}";
  }

  private static String entry(String fullUrl, String resource, String request) {
    return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + (request == null ? "" : "," + request) + "}";
  }
}
