package org.psychcode.fhir.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.psychcode.fhir.audit.RefusedAccess;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The OAuth2 resource server, wired only when {@code psychcode.security.enabled} is true: Spring Boot's own security
 * auto-configurations are excluded (application.yaml), so a server with security off loads none of Spring Security's
 * filter machinery and asks no one for a password. When on, every request outside the open families
 * ({@link OpenEndpoints}) needs a valid bearer token (401 otherwise); requests in them pass no security filter at all,
 * so the terminology and {@code $validate} paths cost what they cost without security. Which scope each interaction
 * needs is decided in one place, {@link AccessPolicy}, through the store's access check and, for operations, a HAPI
 * interceptor.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "psychcode.security.enabled", havingValue = "true")
@EnableWebSecurity
@EnableConfigurationProperties(OAuth2ResourceServerProperties.class)
class SecurityConfig {

  @Bean
  JwtDecoder jwtDecoder(OAuth2ResourceServerProperties properties) {
    return TokenDecoders.fromProperties(properties.getJwt());
  }

  /**
   * No Micrometer observation of Spring Security's filters, authentications and authorizations: with the actuator on
   * the class path, Spring Security would otherwise wrap each of its filters in an observation on every request. The
   * server's own request metrics (Spring MVC's and HAPI's) are unchanged.
   */
  @Bean
  SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  OpenEndpoints openEndpoints(SecurityProperties properties) {
    return new OpenEndpoints(properties.openFamilies());
  }

  @Bean
  WebSecurityCustomizer openFamilies(OpenEndpoints open) {
    // Tomcat and the server already refuse malformed requests with an OperationOutcome; the firewall keeps its checks
    // of the path (encoded slashes, "..", ";") and leaves header and parameter values to them, so a strange parameter
    // is answered by the server (400) instead of failing inside HAPI. A path it refuses is a 400, not an exception.
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setAllowedHeaderNames(name -> true);
    firewall.setAllowedHeaderValues(value -> true);
    firewall.setAllowedParameterNames(name -> true);
    firewall.setAllowedParameterValues(value -> true);
    RequestMatcher openRequests = open::isOpen;
    return web ->
        web.httpFirewall(firewall)
            .requestRejectedHandler(new HttpStatusRequestRejectedHandler())
            .ignoring()
            .requestMatchers(openRequests);
  }

  @Bean
  SecurityFilterChain bearerTokens(HttpSecurity http, JwtDecoder decoder, FhirContext ctx, RefusedAccess audit) throws Exception {
    OutcomeResponses responses = new OutcomeResponses(ctx, audit);
    // A stateless resource server: no session (nor its filters), no CSRF, no saved requests, no servlet API wrapper;
    // the authentication lives in the request (the bearer token is sent every time) and is gone with it.
    http.csrf(c -> c.disable())
        .cors(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .sessionManagement(s -> s.disable())
        .servletApi(s -> s.disable())
        .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
        .headers(h -> h.cacheControl(c -> c.disable()))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(SecurityConfig::bundlePost)
                    .permitAll() // transaction and batch: each entry is judged by the store's access check
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            o ->
                o.bearerTokenResolver(new BearerTokens())
                    .jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(new TokenAuthentications()))
                    .authenticationEntryPoint(responses.entryPoint())
                    .accessDeniedHandler(responses.accessDenied()))
        .exceptionHandling(e -> e.authenticationEntryPoint(responses.entryPoint()).accessDeniedHandler(responses.accessDenied()));
    return http.build();
  }

  /**
   * {@code POST /fhir}, read from the container's resolved path as {@link OpenEndpoints} reads every path (Spring's
   * path patterns fail on a request path such as {@code //fhir//x} that does not begin with its servlet's path).
   */
  private static boolean bundlePost(jakarta.servlet.http.HttpServletRequest request) {
    String path = OpenEndpoints.path(request);
    return "POST".equals(request.getMethod()) && (path.equals("/fhir") || path.equals("/fhir/"));
  }

  /** Spring Security's filter, in front of everything but the request id, HEAD, request checks, size limit and CORS. */
  @Bean
  DelegatingFilterProxyRegistrationBean securityFilterChainRegistration() {
    DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean("springSecurityFilterChain");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    return registration;
  }

  @Bean
  AccessPolicy accessPolicy(org.psychcode.fhir.store.StoredTypes types) {
    return new AccessPolicy(types);
  }

  @Bean
  ScopeCheck scopeCheck(AccessPolicy policy) {
    return new ScopeCheck(policy);
  }

  @Bean
  OperationScopes operationScopes(AccessPolicy policy, OpenEndpoints open, org.psychcode.fhir.store.StoredTypes types) {
    return new OperationScopes(policy, open, types);
  }
}
