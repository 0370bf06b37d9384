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
 * What the top level of a posted body says, read from the text as sent with a streaming parser (next to no cost):
 * its resource type, its {@code id}, whether XML is FHIR XML at all. HAPI sets an update's resource id from the URL
 * before the provider sees it, so a body whose id differs from the URL's can only be told from the text; and
 * {@code $validate} tells a resource posted as itself from one inside a Parameters by its root.
 */
final class PostedBody {

  private static final JsonFactory JSON = new JsonFactory();
  private static final XMLInputFactory XML = xml();
  private static final String FHIR_NS = "http://hl7.org/fhir";

  private PostedBody() {}

  private static XMLInputFactory xml() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }

  /** The resource's top-level id, or null when it has none or the body cannot be read. */
  static String id(String body, EncodingEnum encoding) {
    if (body == null) {
      return null;
    }
    return encoding == EncodingEnum.XML ? xmlTop(body, false) : jsonTop(body, "id");
  }

  /** The resource type of the body's root, or null when it cannot be read. */
  static String rootType(String body, EncodingEnum encoding) {
    if (body == null) {
      return null;
    }
    return encoding == EncodingEnum.XML ? xmlTop(body, true) : jsonTop(body, "resourceType");
  }

  /**
   * Why XML cannot be read as FHIR before any parser reads it, or null: a DOCTYPE before the root (HAPI's parser reads
   * one whose entities are declared but not used, and DESIGN refuses XML with entities), a root outside FHIR's
   * namespace (HAPI's parser reads any namespace), or XML that cannot be read up to its root element (a check that
   * cannot be made must not let the body through).
   */
  static String xmlRefusal(String body) {
    try {
      XMLStreamReader r = XML.createXMLStreamReader(new StringReader(body));
      try {
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamReader.DTD) {
            return "XML with a DOCTYPE (entity or DTD declarations) is not accepted; send the resource without it.";
          }
          if (event == XMLStreamReader.START_ELEMENT) {
            return FHIR_NS.equals(r.getNamespaceURI())
                ? null
                : "The XML root element <" + r.getLocalName() + "> is not in FHIR's namespace: FHIR XML declares xmlns=\"" + FHIR_NS + "\".";
          }
        }
        return null;
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      return "The XML body cannot be read: " + e.getMessage();
    }
  }

  private static String jsonTop(String body, String field) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals(name) && value == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The root element's name ({@code root}), or the value of its {@code id} child. */
  private static String xmlTop(String body, boolean root) {
    try {
      XMLStreamReader r = XML.createXMLStreamReader(new StringReader(body));
      try {
        int depth = 0;
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamReader.START_ELEMENT) {
            depth++;
            if (root) {
              return r.getLocalName();
            }
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
