package org.psychcode.fhir.rules;

/** The code-system (and value-set) URLs the billing rules read, as the public contract names them. */
public final class Systems {

  public static final String CPT = "http://www.ama-assn.org/go/cpt";
  public static final String HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  public static final String HCPCS_HTTP = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
  public static final String PLACE_OF_SERVICE =
      "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
  public static final String NUCC = "http://nucc.org/provider-taxonomy";
  public static final String ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm";
  public static final String SESSION_TYPE = "http://psychcode.org/fhir/CodeSystem/session-type";
  public static final String BILLING_RULE = "http://psychcode.org/fhir/CodeSystem/billing-rule";
  public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  public static final String UCUM = "http://unitsofmeasure.org";

  /** The billable ICD-10-CM chapter 5 codes: what counts as a mental or behavioral diagnosis on a claim. */
  public static final String BEHAVIORAL_DIAGNOSES = "http://psychcode.org/fhir/ValueSet/mental-behavioral-diagnoses";

  private Systems() {}

  /** True for CPT and for HCPCS under either of its URLs. */
  public static boolean isProcedureSystem(String system) {
    return CPT.equals(system) || HCPCS.equals(system) || HCPCS_HTTP.equals(system);
  }

  /** ICD-10-CM only: US claims carry ICD-10-CM, and the WHO's ICD-10 ({@code .../sid/icd-10}) is another system. */
  public static boolean isIcd10Cm(String system) {
    return ICD_10_CM.equals(system);
  }
}
