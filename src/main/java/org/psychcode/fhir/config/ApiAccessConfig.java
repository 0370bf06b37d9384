package org.psychcode.fhir.config;

import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.interceptor.CorsInterceptor;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;

/**
 * How browsers and people reach the API: an OpenAPI description with a Swagger UI (HAPI's
 * {@code hapi-fhir-server-openapi}, at {@code /fhir/api-docs} and {@code /fhir/swagger-ui/}), and CORS for
 * browser-based clients such as terminology browsers, configured under {@code psychcode.cors}.
 */
@Configuration
class ApiAccessConfig {

  /** {@code psychcode.cors.*}: which origins may call the API from a browser. */
  @ConfigurationProperties("psychcode.cors")
  record CorsProperties(Boolean enabled, List<String> allowedOrigins) {
    CorsProperties {
      enabled = enabled == null || enabled;
      allowedOrigins = allowedOrigins == null || allowedOrigins.isEmpty() ? List.of("*") : allowedOrigins;
    }
  }

  @Interceptor
  static final class ApiDocs extends OpenApiInterceptor {}

  @Interceptor
  static final class Cors extends CorsInterceptor {
    Cors(CorsConfiguration configuration) {
      super(configuration);
    }
  }

  @Bean
  ApiDocs openApi() {
    return new ApiDocs();
  }

  @Bean
  @ConditionalOnProperty(name = "psychcode.cors.enabled", havingValue = "true", matchIfMissing = true)
  Cors cors(CorsProperties properties) {
    CorsConfiguration c = new CorsConfiguration();
    properties.allowedOrigins().forEach(c::addAllowedOriginPattern);
    c.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"));
    c.setAllowedHeaders(
        List.of(
            "Origin", "Accept", "Accept-Language", "Content-Type", "Authorization", "Prefer", "If-None-Match",
            "If-Match", "X-Requested-With"));
    c.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified"));
    c.setAllowCredentials(false);
    c.setMaxAge(3600L);
    return new Cors(c);
  }
}
