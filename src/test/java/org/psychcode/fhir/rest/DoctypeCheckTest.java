package org.psychcode.fhir.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The check of posted XML in front of every endpoint fails closed: XML it cannot read up to the root element is
 * refused, never waved through to HAPI's more lenient parser. (Over HTTP, HAPI refuses such bodies first today;
 * this holds the check itself to it.)
 */
class DoctypeCheckTest {

  @Test
  void findsADoctypeBeforeTheRootElement() {
    assertThat(PostedBody.xmlRefusal("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"a\">]><Bundle/>")).contains("DOCTYPE");
    assertThat(PostedBody.xmlRefusal("<Bundle xmlns=\"http://hl7.org/fhir\"><!-- x --></Bundle>")).isNull();
  }

  @Test
  void aRootOutsideFhirsNamespaceIsRefused() {
    assertThat(PostedBody.xmlRefusal("<Patient><gender value=\"male\"/></Patient>")).contains("not in FHIR's namespace");
    assertThat(PostedBody.xmlRefusal("<Patient xmlns=\"http://example.org\"/>")).contains("not in FHIR's namespace");
  }

  @Test
  void xmlThatCannotBeReadIsRefusedNotPassed() {
    for (String body : new String[] {"<<", "not xml", "<?xml version=\"1.0\"?><!-- never closed"}) {
      assertThat(PostedBody.xmlRefusal(body)).as(body).contains("The XML body cannot be read");
    }
  }
}
