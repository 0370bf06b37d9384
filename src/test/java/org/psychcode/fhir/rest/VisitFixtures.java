package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Encounter;

/** The example visits as HAPI objects, to change one element per test. */
final class VisitFixtures {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private VisitFixtures() {}

  static Bundle example(String name) {
    try {
      return FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("fhir-resources/examples", name + ".json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The individual visit: Patient, Practitioner, Organization, Coverage, Encounter (entry 4), Claim (entry 5). */
  static Bundle visit() {
    return example("valid-individual");
  }

  static Encounter encounter(Bundle visit) {
    return visit.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Encounter.class::isInstance).map(Encounter.class::cast).findFirst().orElseThrow();
  }

  static Claim claim(Bundle visit) {
    return visit.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Claim.class::isInstance).map(Claim.class::cast).findFirst().orElseThrow();
  }

  static String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }
}
