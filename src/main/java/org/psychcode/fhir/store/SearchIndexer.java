package org.psychcode.fhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPath.IParsedExpression;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.psychcode.fhir.store.StoredTypes.StoredType;
import org.psychcode.fhir.validation.CoreFhirPath;

/**
 * Extracts the index rows of a resource: each search parameter's FHIRPath expression is evaluated with HAPI's
 * FHIRPath engine, and each value it yields is indexed by its FHIR datatype (a Coding, CodeableConcept, Identifier
 * or code as tokens; a string, HumanName or Address as strings; a date, dateTime, instant or Period as a range; a
 * Reference as its target), never field by field. {@code resolve() is Patient} in R4's expressions is answered
 * from the reference itself, as HAPI's own extractor does. Every reference of the resource is recorded too, for
 * referential integrity and compartments.
 *
 * <p>One FHIRPath engine serves every thread, as HAPI's JPA server shares its own, and evaluation keeps no state
 * between calls. It is built on the core definitions read when first needed ({@link CoreFhirPath}): HAPI's default
 * engine reads all of the R4 definitions when it is built (seconds of CPU at start-up, about 50 MB of heap).
 * Parsed expressions are kept by expression.
 */
final class SearchIndexer {

  static final int MAX_VALUE = 255;
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private final FhirContext ctx;
  private final Engine engine;

  SearchIndexer(FhirContext ctx) {
    this.ctx = ctx;
    this.engine = new Engine();
  }

  private final class Engine {
    final IFhirPath path = CoreFhirPath.newFhirPath(ctx);
    final Map<String, IParsedExpression> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    Engine() {
      path.setEvaluationContext(
          new IFhirPathEvaluationContext() {
            @Override
            public IBase resolveReference(IIdType reference, IBase context) {
              if (reference == null || !reference.hasResourceType()) {
                return null;
              }
              try {
                return ctx.getResourceDefinition(reference.getResourceType()).newInstance();
              } catch (RuntimeException unknownType) {
                return null;
              }
            }
          });
    }

    List<IBase> evaluate(IBaseResource resource, String expression) {
      IParsedExpression p =
          parsed.computeIfAbsent(
              expression,
              e -> {
                try {
                  return path.parse(e);
                } catch (Exception ex) {
                  throw new IllegalStateException("Cannot parse the search expression " + e, ex);
                }
              });
      return path.evaluate(resource, p, IBase.class);
    }
  }

  /** The references of a type's Patient-compartment parameters only: a resource's compartments, without the rest. */
  IndexRows compartments(IBaseResource resource, StoredType type) {
    IndexRows rows = new IndexRows();
    for (SearchParam param : type.params().values()) {
      if (param.type() == ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE && param.compartments().contains("Patient")) {
        for (IBase value : engine.evaluate(resource, param.expression())) {
          if (value instanceof IBaseReference ref) {
            IndexRows.Ref r = reference(param.name(), ref);
            if (r != null) {
              rows.references().add(r);
            }
          }
        }
      }
    }
    return rows;
  }

  IndexRows index(IBaseResource resource, StoredType type) {
    IndexRows rows = new IndexRows();
    for (SearchParam param : type.params().values()) {
      for (IBase value : engine.evaluate(resource, param.expression())) {
        switch (param.type()) {
          case TOKEN -> tokens(param.name(), value, rows.tokens());
          case STRING -> strings(param.name(), value, rows.strings());
          case DATE -> dates(param.name(), value, rows.dates());
          case REFERENCE -> {
            if (value instanceof IBaseReference ref) {
              IndexRows.Ref r = reference(param.name(), ref);
              if (r != null) {
                rows.references().add(r);
              }
            }
          }
          default -> {}
        }
      }
    }
    Set<String> covered = new HashSet<>();
    rows.references().forEach(r -> covered.add(r.targetType() + "/" + r.targetId()));
    for (ResourceReferenceInfo info : ctx.newTerser().getAllResourceReferences(resource)) {
      IndexRows.Ref r = reference(null, info.getResourceReference());
      if (r != null && covered.add(r.targetType() + "/" + r.targetId())) {
        rows.references().add(r);
      }
    }
    return rows;
  }

  // ---- tokens ---------------------------------------------------------------------------------------

  private static void tokens(String param, IBase value, List<IndexRows.Token> out) {
    if (value instanceof Coding c) {
      token(param, c.getSystem(), c.getCode(), out);
    } else if (value instanceof CodeableConcept cc) {
      cc.getCoding().forEach(c -> token(param, c.getSystem(), c.getCode(), out));
    } else if (value instanceof Identifier i) {
      token(param, i.getSystem(), i.getValue(), out);
    } else if (value instanceof ContactPoint cp) {
      token(param, cp.hasSystem() ? cp.getSystem().getSystem() : null, cp.getValue(), out);
    } else if (value instanceof Enumeration<?> e) {
      token(param, e.getSystem(), e.getValueAsString(), out);
    } else if (value instanceof BooleanType b) {
      token(param, null, b.getValueAsString(), out);
    } else if (value instanceof PrimitiveType<?> p) {
      token(param, null, p.getValueAsString(), out);
    }
  }

  private static void token(String param, String system, String code, List<IndexRows.Token> out) {
    if (code != null && !code.isEmpty()) {
      out.add(new IndexRows.Token(param, blankToNull(clip(system)), clip(code)));
    }
  }

  // ---- strings --------------------------------------------------------------------------------------

  private static void strings(String param, IBase value, List<IndexRows.Text> out) {
    if (value instanceof HumanName n) {
      text(param, n.getFamily(), out);
      n.getGiven().forEach(g -> text(param, g.getValue(), out));
      n.getPrefix().forEach(g -> text(param, g.getValue(), out));
      n.getSuffix().forEach(g -> text(param, g.getValue(), out));
      text(param, n.getText(), out);
    } else if (value instanceof Address a) {
      a.getLine().forEach(l -> text(param, l.getValue(), out));
      text(param, a.getCity(), out);
      text(param, a.getDistrict(), out);
      text(param, a.getState(), out);
      text(param, a.getPostalCode(), out);
      text(param, a.getCountry(), out);
      text(param, a.getText(), out);
    } else if (value instanceof PrimitiveType<?> p) {
      text(param, p.getValueAsString(), out);
    }
  }

  private static void text(String param, String value, List<IndexRows.Text> out) {
    if (value != null && !value.isBlank()) {
      out.add(new IndexRows.Text(param, clip(normalize(value)), clip(value)));
    }
  }

  /** Lower case without accents: what a string search without {@code :exact} compares. */
  static String normalize(String value) {
    return MARKS.matcher(Normalizer.normalize(value, Normalizer.Form.NFD)).replaceAll("").toLowerCase(Locale.ROOT);
  }

  // ---- dates ----------------------------------------------------------------------------------------

  private static void dates(String param, IBase value, List<IndexRows.DateRange> out) {
    if (value instanceof BaseDateTimeType dt && dt.getValue() != null) {
      out.add(new IndexRows.DateRange(param, low(dt), high(dt)));
    } else if (value instanceof Period p && (p.hasStart() || p.hasEnd())) {
      long low = p.hasStart() && p.getStartElement().getValue() != null ? low(p.getStartElement()) : Long.MIN_VALUE;
      long high = p.hasEnd() && p.getEndElement().getValue() != null ? high(p.getEndElement()) : Long.MAX_VALUE;
      out.add(new IndexRows.DateRange(param, low, high));
    }
  }

  static long low(BaseDateTimeType dt) {
    return dt.getValue().getTime();
  }

  /** The last millisecond the value covers at its precision (2025-03-04 covers the whole day). */
  static long high(BaseDateTimeType dt) {
    TemporalPrecisionEnum precision = dt.getPrecision();
    if (precision == TemporalPrecisionEnum.MILLI) {
      return dt.getValue().getTime();
    }
    return precision.add(dt.getValue(), 1).getTime() - 1;
  }

  // ---- references -----------------------------------------------------------------------------------

  /** {@code Type/id} of a relative reference, or the type and whole URL of an absolute one; null otherwise. */
  static IndexRows.Ref reference(String param, IBaseReference ref) {
    IIdType id = ref.getReferenceElement();
    if (id == null || id.isEmpty() || id.isLocal() || !id.hasResourceType() || !id.hasIdPart()) {
      return null;
    }
    String value = id.getValue();
    if (value.startsWith("urn:") || value.startsWith("#")) {
      return null;
    }
    String target = id.isAbsolute() ? id.toVersionless().getValue() : id.getIdPart();
    if (target.length() > 1000) {
      return null;
    }
    return new IndexRows.Ref(param, id.getResourceType(), target);
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
