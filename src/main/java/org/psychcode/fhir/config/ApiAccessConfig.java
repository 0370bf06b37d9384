package org.psychcode.fhir.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

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

  /**
   * HAPI's OpenAPI interceptor, created on the first request for the documentation: it builds a FhirContext of its
   * own, which would otherwise cost every start-up a second.
   */
  @Interceptor
  static final class ApiDocs {

    private volatile OpenApiInterceptor delegate;

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public boolean serve(HttpServletRequest request, HttpServletResponse response, ServletRequestDetails details)
        throws IOException {
      String path = details.getRequestPath();
      if (path == null || !(path.startsWith("api-docs") || path.startsWith("swagger-ui"))) {
        return true;
      }
      return delegate().serveSwaggerUi(request, response, details);
    }

    private OpenApiInterceptor delegate() {
      OpenApiInterceptor d = delegate;
      if (d == null) {
        synchronized (this) {
          d = delegate;
          if (d == null) {
            d = new OpenApiInterceptor();
            delegate = d;
          }
        }
      }
      return d;
    }
  }

  @Bean
  ApiDocs openApi() {
    return new ApiDocs();
  }

  /** CORS as a servlet filter in front of the FHIR servlet: it costs nothing for requests without an Origin. */
  @Bean
  @ConditionalOnProperty(name = "psychcode.cors.enabled", havingValue = "true", matchIfMissing = true)
  FilterRegistrationBean<CorsFilter> cors(CorsProperties properties) {
    CorsConfiguration c = new CorsConfiguration();
    properties.allowedOrigins().forEach(c::addAllowedOriginPattern);
    // the methods the server has: reads, searches, operations, and the store's create, update and delete (no patch)
    c.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"));
    c.setAllowedHeaders(
        List.of(
            "Origin", "Accept", "Accept-Language", "Content-Type", "Authorization", "Prefer", "If-None-Match",
            "If-Match", "If-None-Exist", "X-Requested-With"));
    c.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified"));
    c.setAllowCredentials(false);
    c.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", c);
    FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
