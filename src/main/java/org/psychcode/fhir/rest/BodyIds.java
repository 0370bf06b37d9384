package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.EncodingEnum;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The {@code id} a posted resource carries, read from the body as sent. HAPI sets an update's resource id from the
 * URL before the provider sees it, so a body whose id differs from the URL's can only be told from the text; a
 * streaming read of the top level costs next to nothing.
 */
final class BodyIds {

  private static final JsonFactory JSON = new JsonFactory();
  private static final XMLInputFactory XML = xml();

  private BodyIds() {}

  private static XMLInputFactory xml() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }

  /** The resource's top-level id, or null when it has none or the body cannot be read. */
  static String of(String body, EncodingEnum encoding) {
    if (body == null) {
      return null;
    }
    return encoding == EncodingEnum.XML ? xmlId(body) : jsonId(body);
  }

  private static String jsonId(String body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String xmlId(String body) {
    try {
      XMLStreamReader r = XML.createXMLStreamReader(new StringReader(body));
      try {
        int depth = 0;
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamReader.START_ELEMENT) {
            depth++;
            if (depth == 2 && "id".equals(r.getLocalName())) {
              return r.getAttributeValue(null, "value");
            }
          } else if (event == XMLStreamReader.END_ELEMENT) {
            depth--;
          }
        }
        return null;
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      return null;
    }
  }
}
