package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.validation.VisitValidator;
import org.springframework.stereotype.Component;

/**
 * The one {@code $validate} behind the Encounter, Claim and Bundle providers: honours {@code mode} and
 * {@code profile}, hands the resource as posted (or, when it came inside a {@code Parameters}, as re-encoded)
 * to the {@link VisitValidator}, and answers 200 with the OperationOutcome.
 */
@Component
class ValidateOperation {

  private static final JsonFactory JSON = new JsonFactory();
  private static final java.util.Set<String> MODES = java.util.Set.of("create", "update", "delete", "profile");
  private static final XMLInputFactory XML = xmlFactory();

  private final VisitValidator validator;

  ValidateOperation(VisitValidator validator) {
    this.validator = validator;
  }

  private static XMLInputFactory xmlFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }

  MethodOutcome validate(
      String type, IIdType id, IBaseResource resource, String body, EncodingEnum encoding, String modeCode, String profile) {
    String mode = blankToNull(modeCode);
    if (mode != null && !MODES.contains(mode)) {
      throw new InvalidRequestException("Unknown $validate mode '" + mode + "': use create, update, delete or profile.");
    }
    if ("profile".equals(mode) && blankToNull(profile) == null) {
      throw new InvalidRequestException("$validate with mode=profile needs the profile parameter.");
    }
    if ("delete".equals(mode)) {
      return answer(
          information(
              "Nothing prevents deleting "
                  + (id != null && id.hasIdPart() ? id.toUnqualifiedVersionless().getValue() : "this resource")
                  + ": no stored resource depends on it."));
    }
    if (encoding == EncodingEnum.XML && body != null && hasDoctype(body)) {
      throw new InvalidRequestException(
          "XML with a DOCTYPE (entity or DTD declarations) is not accepted; send the resource without it.");
    }
    if (resource == null) {
      String posted = body == null ? null : encoding == EncodingEnum.XML ? xmlRoot(body) : jsonRoot(body);
      throw new InvalidRequestException(
          posted != null && !posted.equals(type) && !posted.equals("Parameters")
              ? type + "/$validate validates " + article(type) + "; the body is " + article(posted) + "."
              : type + "/$validate needs the " + type + ": post it as the body, or as the 'resource' parameter of a Parameters.");
    }
    if ("update".equals(mode) && (resource.getIdElement() == null || !resource.getIdElement().hasIdPart())) {
      throw new InvalidRequestException("$validate with mode=update needs the resource's id.");
    }
    String text = body != null && isResourceItself(body, encoding, resource.fhirType()) ? body : null;
    return answer(validator.validate(resource, text, encoding, blankToNull(profile)));
  }

  private static MethodOutcome answer(OperationOutcome oo) {
    MethodOutcome outcome = new MethodOutcome();
    outcome.setOperationOutcome(oo);
    return outcome;
  }

  private static OperationOutcome information(String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(text).getDetails().setText(text);
    return oo;
  }

  private static String article(String type) {
    return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** True when the posted body is the resource itself rather than a Parameters wrapping it. */
  static boolean isResourceItself(String body, EncodingEnum encoding, String type) {
    String root = encoding == EncodingEnum.XML ? xmlRoot(body) : jsonRoot(body);
    return type.equals(root);
  }

  private static String jsonRoot(String body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("resourceType".equals(name) && value == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * HAPI's parser reads a DOCTYPE whose entities are declared but not used; DESIGN refuses XML with entities
   * whether the resource is the body or sits in a Parameters. XML that cannot be read up to its root element is
   * refused too: a check that cannot be made must not let the body through.
   */
  static boolean hasDoctype(String body) {
    try {
      XMLStreamReader r = XML.createXMLStreamReader(new StringReader(body));
      try {
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamReader.DTD) {
            return true;
          }
          if (event == XMLStreamReader.START_ELEMENT) {
            return false;
          }
        }
        return false;
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      throw new InvalidRequestException("The XML body cannot be read: " + e.getMessage());
    }
  }

  private static String xmlRoot(String body) {
    try {
      XMLStreamReader r = XML.createXMLStreamReader(new StringReader(body));
      try {
        while (r.hasNext()) {
          if (r.next() == XMLStreamReader.START_ELEMENT) {
            return r.getLocalName();
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
