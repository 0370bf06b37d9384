package org.psychcode.fhir.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The JSON of the AuditEvents {@link AuditEvents} makes, written directly with Jackson (the generator HAPI's own JSON
 * encoder writes through, with its settings): exactly HAPI's compact encoding of the same event, element for element
 * in FHIR's order, without HAPI's general walk of the resource. Every write of stored data records one such event, so
 * this is on the path of every write. It knows the elements {@link AuditEvents} sets and no others:
 * {@code AuditEventJsonTest} holds it to HAPI's encoding of every kind of event, and a new element set there needs
 * its line here.
 */
final class AuditEventJson {

  private static final JsonFactory JSON = new JsonFactory();

  private AuditEventJson() {}

  static String write(AuditEvent e) {
    StringWriter out = new StringWriter(2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("resourceType", "AuditEvent");
      string(g, "id", e.getIdElement().getIdPart());
      if (e.hasMeta()) {
        g.writeObjectFieldStart("meta");
        string(g, "versionId", e.getMeta().getVersionId());
        string(g, "lastUpdated", e.getMeta().getLastUpdatedElement().getValueAsString());
        if (e.getMeta().hasProfile()) {
          g.writeArrayFieldStart("profile");
          for (CanonicalType p : e.getMeta().getProfile()) {
            g.writeString(p.getValue());
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      if (e.hasType()) {
        coding(g, "type", e.getType());
      }
      codings(g, "subtype", e.getSubtype());
      if (e.hasAction()) {
        g.writeStringField("action", e.getAction().toCode());
      }
      string(g, "recorded", e.getRecordedElement().getValueAsString());
      if (e.hasOutcome()) {
        g.writeStringField("outcome", e.getOutcome().toCode());
      }
      string(g, "outcomeDesc", e.getOutcomeDesc());
      if (e.hasAgent()) {
        g.writeArrayFieldStart("agent");
        for (AuditEventAgentComponent a : e.getAgent()) {
          agent(g, a);
        }
        g.writeEndArray();
      }
      if (e.hasSource()) {
        g.writeObjectFieldStart("source");
        if (e.getSource().hasObserver()) {
          reference(g, "observer", e.getSource().getObserver());
        }
        codings(g, "type", e.getSource().getType());
        g.writeEndObject();
      }
      if (e.hasEntity()) {
        g.writeArrayFieldStart("entity");
        for (AuditEventEntityComponent entity : e.getEntity()) {
          entity(g, entity);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toString();
  }

  private static void agent(JsonGenerator g, AuditEventAgentComponent a) throws IOException {
    g.writeStartObject();
    if (a.hasType()) {
      g.writeObjectFieldStart("type");
      codings(g, "coding", a.getType().getCoding());
      g.writeEndObject();
    }
    if (a.hasWho()) {
      reference(g, "who", a.getWho());
    }
    string(g, "name", a.getName());
    if (a.hasRequestorElement()) {
      g.writeBooleanField("requestor", a.getRequestor());
    }
    if (a.hasNetwork()) {
      g.writeObjectFieldStart("network");
      string(g, "address", a.getNetwork().getAddress());
      if (a.getNetwork().hasType()) {
        g.writeStringField("type", a.getNetwork().getType().toCode());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void entity(JsonGenerator g, AuditEventEntityComponent entity) throws IOException {
    g.writeStartObject();
    if (entity.hasWhat()) {
      reference(g, "what", entity.getWhat());
    }
    if (entity.hasType()) {
      coding(g, "type", entity.getType());
    }
    if (entity.hasRole()) {
      coding(g, "role", entity.getRole());
    }
    string(g, "description", entity.getDescription());
    if (entity.hasQuery()) {
      g.writeStringField("query", entity.getQueryElement().getValueAsString());
    }
    g.writeEndObject();
  }

  private static void reference(JsonGenerator g, String name, Reference r) throws IOException {
    g.writeObjectFieldStart(name);
    string(g, "reference", r.getReference());
    if (r.hasIdentifier()) {
      Identifier i = r.getIdentifier();
      g.writeObjectFieldStart("identifier");
      string(g, "system", i.getSystem());
      string(g, "value", i.getValue());
      g.writeEndObject();
    }
    string(g, "display", r.getDisplay());
    g.writeEndObject();
  }

  private static void codings(JsonGenerator g, String name, List<Coding> codings) throws IOException {
    if (codings.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (Coding c : codings) {
      g.writeStartObject();
      codingFields(g, c);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void coding(JsonGenerator g, String name, Coding c) throws IOException {
    g.writeObjectFieldStart(name);
    codingFields(g, c);
    g.writeEndObject();
  }

  private static void codingFields(JsonGenerator g, Coding c) throws IOException {
    string(g, "system", c.getSystem());
    string(g, "code", c.getCode());
    string(g, "display", c.getDisplay());
  }

  /** A string element; absent when blank, as HAPI leaves out a primitive without a value. */
  private static void string(JsonGenerator g, String name, String value) throws IOException {
    if (value != null && !value.isBlank()) {
      g.writeStringField(name, value);
    }
  }
}
