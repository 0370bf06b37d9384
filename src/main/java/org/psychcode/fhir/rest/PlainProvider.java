package org.psychcode.fhir.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring bean whose {@code @Operation} methods are server-level (not tied to one resource type),
 * so the FHIR servlet registers it as a HAPI plain provider.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PlainProvider {}
