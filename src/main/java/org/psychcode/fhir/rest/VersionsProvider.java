package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.Operation;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Component;

/** {@code $versions}: the FHIR versions this server speaks (R4 only), as terminology clients discover them. */
@Component
@PlainProvider
class VersionsProvider {

  @Operation(name = "$versions", idempotent = true)
  public Parameters versions() {
    Parameters p = new Parameters();
    p.addParameter().setName("version").setValue(new StringType("4.0"));
    p.addParameter().setName("default").setValue(new StringType("4.0"));
    return p;
  }
}
