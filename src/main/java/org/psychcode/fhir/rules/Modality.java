package org.psychcode.fhir.rules;

/** How the session took place, from {@code Encounter.class}: {@code VR} is virtual, any other class in person. */
public enum Modality {
  VIRTUAL,
  IN_PERSON,
  UNKNOWN
}
