package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationDefinition;
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
      StructureDefinitionResourceProvider profiles) {
    RestfulServer server = fhirServlet.getServlet();
    server.setServerConformanceProvider(new Provider(server, definitions, profiles));
  }

  static final class Provider extends ServerCapabilityStatementProvider {

    private final OperationDefinitions definitions;
    private final StructureDefinitionResourceProvider profiles;

    Provider(RestfulServer server, OperationDefinitions definitions, StructureDefinitionResourceProvider profiles) {
      super(server);
      this.definitions = definitions;
      this.profiles = profiles;
    }

    /**
     * HAPI's statement, corrected where it says more than the server does: no {@code _include} is supported
     * anywhere (HAPI declares {@code *} on every resource), and {@code $validate} holds Encounter and Claim to
     * the PsychCode profiles ({@code supportedProfile}).
     */
    @Override
    public IBaseConformance getServerConformance(HttpServletRequest request, RequestDetails details) {
      IBaseConformance statement = super.getServerConformance(request, details);
      if (statement instanceof CapabilityStatement cs) {
        for (var rest : cs.getRest()) {
          for (var resource : rest.getResource()) {
            resource.getSearchInclude().clear();
            resource.getSearchRevInclude().clear();
            if (!resource.hasSupportedProfile()) {
              profiles.profileUrls(resource.getType()).forEach(resource::addSupportedProfile);
            }
          }
        }
      }
      return statement;
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
      OperationDefinition own = definitions.byId(id.getIdPart()).orElse(null);
      return own != null ? own.copy() : super.readOperationDefinition(id, request);
    }
  }
}
