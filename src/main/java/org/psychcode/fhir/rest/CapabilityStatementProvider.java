package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.psychcode.fhir.store.StoredTypes;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.stereotype.Component;

/**
 * HAPI's CapabilityStatement provider, serving the authored OperationDefinitions under their own ids
 * ({@code OperationDefinition/CodeSystem-lookup}, ...) instead of the ones HAPI would generate from the method
 * signatures; the OpenAPI description reads them from here too. Installed on the FHIR servlet before Tomcat starts
 * it.
 */
@Component
class CapabilityStatementProvider {

  CapabilityStatementProvider(
      ServletRegistrationBean<RestfulServer> fhirServlet,
      OperationDefinitions definitions,
      StructureDefinitionResourceProvider profiles,
      StoredTypes stored) {
    RestfulServer server = fhirServlet.getServlet();
    server.setServerConformanceProvider(new Provider(server, definitions, profiles, stored));
  }

  static final class Provider extends ServerCapabilityStatementProvider {

    private final OperationDefinitions definitions;
    private final StructureDefinitionResourceProvider profiles;
    private final StoredTypes stored;

    Provider(RestfulServer server, OperationDefinitions definitions, StructureDefinitionResourceProvider profiles, StoredTypes stored) {
      super(server);
      this.definitions = definitions;
      this.profiles = profiles;
      this.stored = stored;
    }

    /**
     * HAPI's statement, corrected to say exactly what the server does: a stored type lists the search parameters the
     * store indexes (HAPI cannot see them, the search being generic), the reference parameters it can
     * {@code _include} and those of other types that can {@code _revinclude} it, and how it is versioned and
     * written; no other type supports {@code _include} (HAPI declares {@code *} everywhere); {@code $validate} holds
     * Encounter and Claim to the PsychCode profiles ({@code supportedProfile}); the base answers transaction and batch.
     */
    @Override
    public IBaseConformance getServerConformance(HttpServletRequest request, RequestDetails details) {
      IBaseConformance statement = super.getServerConformance(request, details);
      if (statement instanceof CapabilityStatement cs) {
        for (var rest : cs.getRest()) {
          for (var resource : rest.getResource()) {
            resource.getSearchInclude().clear();
            resource.getSearchRevInclude().clear();
            stored.type(resource.getType()).ifPresent(type -> describe(resource, type));
            if (!resource.hasSupportedProfile()) {
              profiles.profileUrls(resource.getType()).forEach(resource::addSupportedProfile);
            }
          }
          rest.getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION || i.getCode() == SystemRestfulInteraction.BATCH);
          rest.addInteraction().setCode(SystemRestfulInteraction.TRANSACTION);
          rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
        }
      }
      return statement;
    }

    private void describe(CapabilityStatementRestResourceComponent resource, StoredTypes.StoredType type) {
      resource.setVersioning(ResourceVersionPolicy.VERSIONED);
      resource.setReadHistory(true);
      resource.setUpdateCreate(!type.immutable());
      resource.setConditionalCreate(true);
      resource.setConditionalUpdate(!type.immutable());
      resource.setConditionalDelete(type.immutable() ? ConditionalDeleteStatus.NOTSUPPORTED : ConditionalDeleteStatus.SINGLE);
      resource.setConditionalRead(ConditionalReadStatus.NOTSUPPORTED);
      resource.getReferencePolicy().clear();
      resource.addReferencePolicy(ReferenceHandlingPolicy.LITERAL);
      resource.addReferencePolicy(ReferenceHandlingPolicy.ENFORCED);
      if (type.immutable()) {
        resource.getInteraction().removeIf(i -> i.getCode() == TypeRestfulInteraction.UPDATE || i.getCode() == TypeRestfulInteraction.DELETE);
      }
      resource.getSearchParam().clear();
      resource.addSearchParam().setName("_id").setType(SearchParamType.TOKEN).setDefinition("http://hl7.org/fhir/SearchParameter/Resource-id");
      resource.addSearchParam()
          .setName("_lastUpdated")
          .setType(SearchParamType.DATE)
          .setDefinition("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated");
      type.params().values().stream()
          .sorted(java.util.Comparator.comparing(StoredTypes.SearchParam::name))
          .forEach(
              p ->
                  resource.addSearchParam()
                      .setName(p.name())
                      .setType(SearchParamType.fromCode(p.type().getCode()))
                      .setDefinition(p.definitionUrl())
                      .setDocumentation(p.description()));
      type.referenceParams().stream().map(p -> type.name() + ":" + p.name()).sorted().forEach(resource::addSearchInclude);
      stored.referencesTo(type.name()).stream().map(p -> p.resourceType() + ":" + p.name()).sorted().forEach(resource::addSearchRevInclude);
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
      OperationDefinition own = definitions.byId(id.getIdPart()).orElse(null);
      return own != null ? own.copy() : super.readOperationDefinition(id, request);
    }
  }
}
