package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;

/**
 * HAPI's R4 FHIRPath engine over the core definitions read when first needed. {@code FhirContext.newFhirPath()}
 * builds its engine on the context's default support, HAPI's {@code DefaultProfileValidationSupport}, and the
 * engine's constructor asks it for every StructureDefinition, only to note each type's name and whether it is
 * primitive: that parses the whole R4 specification (seconds of CPU at start-up) and keeps it (about 50 MB of
 * heap). Here the engine gets outlines of the core StructureDefinitions for that question (name, type, kind,
 * derivation, from the index of {@link CoreDefinitions}) and whole definitions, read when first asked for, for
 * every other. The engine lives on a context of its own, so that the shared context keeps HAPI's default support
 * for whoever relies on it; expressions are evaluated on resources of any R4 context.
 */
public final class CoreFhirPath {

  private CoreFhirPath() {}

  /** A new FHIRPath engine for R4 resources, built without reading the core definitions. */
  public static IFhirPath newFhirPath(FhirContext ctx) {
    FhirContext own = new FhirContext(FhirVersionEnum.R4);
    own.setValidationSupport(new Outlines(new CoreDefinitions(ctx)));
    return own.newFhirPath();
  }

  /** The core definitions, with outlines where every StructureDefinition is asked for. */
  private static final class Outlines implements IValidationSupport {

    private final CoreDefinitions core;
    private final List<IBaseResource> outlines;

    Outlines(CoreDefinitions core) {
      this.core = core;
      this.outlines = core.structureOutlines().stream().map(Outlines::outline).toList();
    }

    private static IBaseResource outline(CoreDefinitions.Entry e) {
      StructureDefinition sd = new StructureDefinition();
      sd.setUrl(e.url());
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

    @Override
    public FhirContext getFhirContext() {
      return core.getFhirContext();
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
      return (List<T>) outlines;
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
      return core.fetchStructureDefinition(url);
    }

    @Override
    public IBaseResource fetchCodeSystem(String system) {
      return core.fetchCodeSystem(system);
    }

    @Override
    public IBaseResource fetchValueSet(String url) {
      return core.fetchValueSet(url);
    }

    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
      return core.fetchResource(type, url);
    }

    @Override
    public String getName() {
      return "FHIR R4 core definitions, outlines for the FHIRPath engine's list of types";
    }
  }
}
