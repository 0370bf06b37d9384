package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.stereotype.Component;

/**
 * HAPI's CapabilityStatement provider, serving the authored OperationDefinitions under their own ids
 * ({@code OperationDefinition/CodeSystem-lookup}, ...) instead of the ones HAPI would generate from the method
 * signatures; the OpenAPI description reads them from here too. Installed on the FHIR servlet when Spring creates
 * it.
 */
@Component
class CapabilityStatementProvider implements BeanPostProcessor {

  private final OperationDefinitions definitions;

  CapabilityStatementProvider(OperationDefinitions definitions) {
    this.definitions = definitions;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String name) {
    if (bean instanceof ServletRegistrationBean<?> registration
        && registration.getServlet() instanceof RestfulServer server) {
      server.setServerConformanceProvider(new Provider(server, definitions));
    }
    return bean;
  }

  static final class Provider extends ServerCapabilityStatementProvider {

    private final OperationDefinitions definitions;

    Provider(RestfulServer server, OperationDefinitions definitions) {
      super(server);
      this.definitions = definitions;
    }

    @Override
    public IBaseResource readOperationDefinition(IIdType id, RequestDetails request) {
      OperationDefinition own = definitions.byId(id.getIdPart()).orElse(null);
      return own != null ? own.copy() : super.readOperationDefinition(id, request);
    }
  }
}
