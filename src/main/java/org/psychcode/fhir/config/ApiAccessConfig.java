package org.psychcode.fhir.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.ResourceBinding;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.method.OperationMethodBinding;
import ca.uhn.fhir.rest.server.method.ResourceParameter;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
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
   * HAPI's OpenAPI interceptor ({@link ServedApi}), created on the first request for the documentation: it builds a
   * FhirContext of its own, which would otherwise cost every start-up a second. {@code /fhir/swagger-ui} without
   * its slash is sent on to {@code /fhir/swagger-ui/}, where the page's relative links work.
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
      if (path.equals("swagger-ui")) {
        String query = request.getQueryString();
        response.sendRedirect(request.getRequestURI() + "/" + (query == null ? "" : "?" + query));
        return false;
      }
      return delegate(details.getServer()).serveSwaggerUi(request, response, details);
    }

    private OpenApiInterceptor delegate(RestfulServer server) {
      OpenApiInterceptor d = delegate;
      if (d == null) {
        synchronized (this) {
          d = delegate;
          if (d == null) {
            d = new ServedApi(server);
            delegate = d;
          }
        }
      }
      return d;
    }
  }

  /**
   * HAPI's OpenAPI description, without HAPI's banner, and holding only what the server serves: HAPI writes a GET
   * and a POST for every operation at every level its CapabilityStatement names, and the server's own method
   * bindings say which of them exist (an operation that is not idempotent, or whose input is a resource in the
   * body, takes no GET; an operation bound at the type level only has no instance path). As providers are added,
   * the description follows them.
   */
  static final class ServedApi extends OpenApiInterceptor {

    private final RestfulServer server;

    ServedApi(RestfulServer server) {
      this.server = server;
      setBannerImage(null);
    }

    @Override
    protected OpenAPI generateOpenApi(ServletRequestDetails details) {
      OpenAPI api = super.generateOpenApi(details);
      api.getPaths().entrySet().removeIf(e -> !keep(e.getKey(), e.getValue()));
      return api;
    }

    private boolean keep(String path, PathItem item) {
      String[] parts = path.substring(1).split("/");
      String last = parts[parts.length - 1];
      if (!last.startsWith("$")) {
        return true;
      }
      String type = parts.length > 1 ? parts[0] : null;
      boolean instance = parts.length > 2;
      List<OperationMethodBinding> bindings = operations(type, last).stream()
          .filter(b -> type == null ? b.isCanOperateAtServerLevel() : instance ? b.isCanOperateAtInstanceLevel() : b.isCanOperateAtTypeLevel())
          .toList();
      if (bindings.stream().noneMatch(ServedApi::answersGet)) {
        item.setGet(null);
      }
      return !bindings.isEmpty() && !item.readOperations().isEmpty();
    }

    /** Idempotent, and not bound to a body (as $validate's resource is): a GET can carry all it needs. */
    private static boolean answersGet(OperationMethodBinding binding) {
      return binding.isIdempotent() && binding.getParameters().stream().noneMatch(ResourceParameter.class::isInstance);
    }

    private List<OperationMethodBinding> operations(String type, String name) {
      List<BaseMethodBinding> candidates = new ArrayList<>();
      if (type == null) {
        candidates.addAll(server.getServerBindings());
      } else {
        for (ResourceBinding binding : server.getResourceBindings()) {
          if (type.equals(binding.getResourceName())) {
            candidates.addAll(binding.getMethodBindings());
          }
        }
      }
      return candidates.stream()
          .filter(OperationMethodBinding.class::isInstance)
          .map(OperationMethodBinding.class::cast)
          .filter(b -> name.equals(b.getName()))
          .toList();
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
