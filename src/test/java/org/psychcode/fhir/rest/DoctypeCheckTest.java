package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;

/**
 * The DOCTYPE check in front of {@code $validate} fails closed: XML it cannot read up to the root element is
 * refused, never waved through to HAPI's more lenient parser. (Over HTTP, HAPI refuses such bodies first today;
 * this holds the check itself to it.)
 */
class DoctypeCheckTest {

  @Test
  void findsADoctypeBeforeTheRootElement() {
    assertThat(PostedBody.hasDoctype("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"a\">]><Bundle/>")).isTrue();
    assertThat(PostedBody.hasDoctype("<Bundle xmlns=\"http://hl7.org/fhir\"><!-- x --></Bundle>")).isFalse();
  }

  @Test
  void xmlThatCannotBeReadIsRefusedNotPassed() {
    for (String body : new String[] {"<<", "not xml", "<?xml version=\"1.0\"?><!-- never closed"}) {
      assertThatThrownBy(() -> PostedBody.hasDoctype(body))
          .as(body)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("The XML body cannot be read");
    }
  }
}
