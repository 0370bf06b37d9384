package org.psychcode.fhir.rules;

/** A code read from the request (a modifier, a place of service, a diagnosis) with the FHIRPath it came from. */
public record Coded(String system, String code, String path) {}
