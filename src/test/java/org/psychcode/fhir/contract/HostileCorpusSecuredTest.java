package org.psychcode.fhir.contract;

import org.psychcode.fhir.support.TokenIssuer;
import org.springframework.test.context.ContextConfiguration;

/** The hostile corpus against the server with security on: bearer tokens from the tests' own issuer. */
@ContextConfiguration(initializers = TokenIssuer.Secured.class)
class HostileCorpusSecuredTest extends HostileCorpus {

  @Override
  boolean secured() {
    return true;
  }
}
