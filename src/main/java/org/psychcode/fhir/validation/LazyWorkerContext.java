package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.model.api.annotation.ResourceDef;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.exceptions.FHIRFormatError;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.ParserBase;
import org.hl7.fhir.r5.elementmodel.XmlParser;
import org.hl7.fhir.r5.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r5.model.Resource;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r5.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.utilities.validation.ValidationMessage;

/**
 * HAPI's bridge between the HL7 validator and the support chain, with one difference: where the validator asks
 * for <em>every</em> StructureDefinition, it gets outlines of the core ones. HAPI's bridge answers those calls by
 * fetching and converting to R5 every definition of the chain, which is most of the cost of building a validator
 * and of its memory. The validator asks for them in three places, and reads only names there: its FHIRPath engine
 * (the names of the types and which are primitive), {@link #isPrimitiveType}, and the element parser, which looks
 * up the definition of each resource type it meets; that one parser is built here ({@link #jsonParser}, {@link #xmlParser}) to fetch the
 * definition by URL instead, whole. Every other question (a definition by URL, the definitions of a type) is
 * answered with whole definitions, fetched and converted as HAPI does, once each.
 *
 * <p>An outline carries a core StructureDefinition's URL, version, name, type, kind, derivation, abstract flag and
 * base; {@code ProfileValidatorEquivalenceTest} holds the answers of a validator built on it to those of HAPI's.
 *
 * <p>A fetch by type and URL ({@link #fetchResource(Class, String)}, {@link #hasResource(Class, String)}) asks the
 * chain exactly as HAPI's bridge does, but names the type from the class's own {@link ResourceDef}. The bridge names
 * it through a static R5 {@code FhirContext}, and naming {@code StructureDefinition} there scans the whole R5 model:
 * about 30 MB of heap kept for good and a second of the validator's build, for a name. Asking the chain by URL
 * alone instead (tried once) cost every {@code $validate} more CPU, so the chain is still asked with the type.
 */
final class LazyWorkerContext extends WorkerContextValidationSupportAdapter {

  private static final String FHIR_NS = "http://hl7.org/fhir";
  private static final String SD_PREFIX = "http://hl7.org/fhir/StructureDefinition/";

  /**
   * HAPI's own fetch by type name (the bridge's private {@code fetchResource(String, String)}): it asks the chain
   * with the R4 class of that name and converts the answer to R5 once, keeping the conversion on the R4 resource.
   * Null when a later HAPI renames it; every fetch then goes through the bridge's public path, as before.
   */
  static final MethodHandle FETCH_BY_TYPE_NAME = fetchByTypeName();

  private static final ClassValue<String> TYPE_NAMES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          ResourceDef def = type.getAnnotation(ResourceDef.class);
          return def == null || def.name().isEmpty() ? null : def.name();
        }
      };

  private final CoreDefinitions core;
  private final Supplier<List<IBaseResource>> others;
  private final List<StructureDefinition> outlines;
  private final Set<String> primitiveTypes;

  /**
   * @param chain the whole support chain, which answers every fetch
   * @param core the core definitions in that chain
   * @param others the chain's other StructureDefinitions (the server's profiles), listed whole
   */
  LazyWorkerContext(IValidationSupport chain, CoreDefinitions core, Supplier<List<IBaseResource>> others) {
    super(chain);
    this.core = core;
    this.others = others;
    this.outlines = core.structureOutlines().stream().map(LazyWorkerContext::outline).toList();
    this.primitiveTypes =
        outlines.stream()
            .filter(sd -> sd.getKind() == StructureDefinitionKind.PRIMITIVETYPE)
            .map(StructureDefinition::getName)
            .collect(Collectors.toUnmodifiableSet());
  }

  private static StructureDefinition outline(CoreDefinitions.Entry e) {
    StructureDefinition sd = new StructureDefinition();
    sd.setUrl(e.url());
    sd.setVersion(e.version().isEmpty() ? null : e.version());
    sd.setName(e.name());
    sd.setType(e.sdType());
    if (!e.kind().isEmpty()) {
      sd.setKind(StructureDefinitionKind.fromCode(e.kind()));
    }
    if (!e.derivation().isEmpty()) {
      sd.setDerivation(TypeDerivationRule.fromCode(e.derivation()));
    }
    sd.setAbstract(e.isAbstract());
    if (!e.base().isEmpty()) {
      sd.setBaseDefinition(e.base());
    }
    return sd;
  }

  private static MethodHandle fetchByTypeName() {
    try {
      return MethodHandles.privateLookupIn(WorkerContextValidationSupportAdapter.class, MethodHandles.lookup())
          .findVirtual(
              WorkerContextValidationSupportAdapter.class,
              "fetchResource",
              MethodType.methodType(IBaseResource.class, String.class, String.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Every definition found, by type and URL. The validator asks for the same few dozen many times per visit, and each
   * time the bridge looked the class's definition up, asked every support of the chain and took the R5 conversion off
   * the R4 resource under that resource's lock, which the validators of the pool took in turn: 8.7 % of the CPU of
   * {@code $validate} under load (README, start-up, the eighth round). The answer for a type and URL does not change:
   * what the chain holds is added while the validator is built, before any visit is validated (the core definitions
   * when first read, the server's own profiles and terminology), and the conversion is kept on the resource for good.
   * A URL not found is asked again each time, as before, so nothing unknown is kept.
   */
  private final ConcurrentHashMap<Class<?>, ConcurrentHashMap<String, Resource>> found = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  @Override
  public <T extends Resource> T fetchResource(Class<T> type, String uri) {
    if (uri == null || uri.isBlank()) {
      return null;
    }
    ConcurrentHashMap<String, Resource> ofType = found.get(type);
    if (ofType == null) {
      ofType = found.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }
    Resource known = ofType.get(uri);
    if (known != null) {
      return (T) known;
    }
    T fetched = fetchFromChain(type, uri);
    if (fetched != null) {
      ofType.putIfAbsent(uri, fetched);
    }
    return fetched;
  }

  @SuppressWarnings("unchecked")
  private <T extends Resource> T fetchFromChain(Class<T> type, String uri) {
    String name = FETCH_BY_TYPE_NAME == null ? null : TYPE_NAMES.get(type);
    if (name == null) {
      return super.fetchResource(type, uri);
    }
    try {
      WorkerContextValidationSupportAdapter bridge = this;
      return (T) (IBaseResource) FETCH_BY_TYPE_NAME.invokeExact(bridge, name, uri);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public <T extends Resource> boolean hasResource(Class<T> type, String uri) {
    return fetchResource(type, uri) != null;
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T extends Resource> List<T> fetchResourcesByType(Class<T> type) {
    if (!StructureDefinition.class.equals(type)) {
      return super.fetchResourcesByType(type);
    }
    List<StructureDefinition> all = new ArrayList<>(outlines);
    all.addAll(otherStructures());
    return (List<T>) all;
  }

  @Override
  public List<StructureDefinition> fetchTypeDefinitions(String typeName) {
    List<StructureDefinition> result = new ArrayList<>();
    for (CoreDefinitions.Entry e : core.structureOutlines()) {
      if (typeName.equals(e.sdType())) {
        result.add(fetchResource(StructureDefinition.class, e.url()));
      }
    }
    for (StructureDefinition sd : otherStructures()) {
      if (typeName.equals(sd.getType())) {
        result.add(sd);
      }
    }
    return result;
  }

  @Override
  public boolean isPrimitiveType(String type) {
    return primitiveTypes.contains(type);
  }

  @Override
  public boolean isDataType(String type) {
    return !isPrimitiveType(type);
  }

  /**
   * What a JSON element parser reads definitions with, as HL7's parser builds it for itself: a {@code
   * ProfileUtilities} over a FHIRPath engine (whose constructor reads the names of all types) that keeps the child
   * definitions of each element it has met. One can serve many parsers, one at a time.
   */
  ProfileUtilities profileUtilities() {
    return new ProfileUtilities(this, null, null, new FHIRPathEngine(this));
  }

  /**
   * The HL7 element parser for JSON, reading definitions with {@code profiles} and finding the definition of each
   * resource type it meets by its URL rather than among all StructureDefinitions. It keeps the last document it
   * parsed.
   */
  ParserBase jsonParser(ProfileUtilities profiles) {
    return new JsonParser(this, profiles) {
      @Override
      protected StructureDefinition getDefinition(List<ValidationMessage> errors, int line, int col, String name)
          throws FHIRFormatError {
        StructureDefinition sd = baseDefinition(name);
        return sd != null ? sd : super.getDefinition(errors, line, col, name);
      }
    };
  }

  /** The HL7 element parser for XML, finding definitions as {@link #jsonParser} does. It keeps no document. */
  XmlParser xmlParser() {
    return new XmlParser(this) {
      @Override
      protected StructureDefinition getDefinition(
          List<ValidationMessage> errors, int line, int col, String ns, String name) throws FHIRFormatError {
        StructureDefinition sd = FHIR_NS.equals(ns) ? baseDefinition(name) : null;
        return sd != null ? sd : super.getDefinition(errors, line, col, ns, name);
      }
    };
  }

  /** The whole core definition of a resource or data type by name (Patient), as the parser would find it. */
  private StructureDefinition baseDefinition(String name) {
    if (name == null) {
      return null;
    }
    CoreDefinitions.Entry e = core.structureOutline(SD_PREFIX + name);
    if (e == null || !"specialization".equals(e.derivation())) {
      return null;
    }
    return fetchResource(StructureDefinition.class, e.url());
  }

  private List<StructureDefinition> otherStructures() {
    List<StructureDefinition> result = new ArrayList<>();
    List<IBaseResource> mine = others.get();
    if (mine != null) {
      for (IBaseResource r : mine) {
        String url = ((org.hl7.fhir.r4.model.StructureDefinition) r).getUrl();
        if (core.structureOutline(url) == null) {
          result.add(fetchResource(StructureDefinition.class, url));
        }
      }
    }
    return result;
  }
}
