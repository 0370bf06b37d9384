package org.psychcode.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.ParserOptions;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.ArrayList;
import java.util.List;
import org.psychcode.fhir.rest.PlainProvider;
import org.psychcode.fhir.rest.StoredResourceProviders;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mounts HAPI's plain {@link RestfulServer} at {@code /fhir}. Providers and interceptors are collected from
 * the Spring context so that each capability registers itself where it is written.
 */
@Configuration
class FhirServerConfig {

  @Bean
  FhirContext fhirContext() {
    FhirContext ctx = FhirContext.forR4Cached();
    ParserOptions options = ctx.getParserOptions();
    options.setStripVersionsFromReferences(false);
    options.setOverrideResourceIdWithBundleEntryFullUrl(false);
    return ctx;
  }

  @Bean
  ServletRegistrationBean<RestfulServer> fhirServlet(
      FhirContext ctx, List<IResourceProvider> resourceProviders, StoredResourceProviders stored, ApplicationContext spring) {
    RestfulServer server = new RestfulServer(ctx);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    List<IResourceProvider> all = new ArrayList<>(resourceProviders);
    all.addAll(stored.all());
    server.setResourceProviders(all);
    server.registerProviders(List.copyOf(spring.getBeansWithAnnotation(PlainProvider.class).values()));
    spring.getBeansWithAnnotation(Interceptor.class).values().forEach(server::registerInterceptor);
    ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
