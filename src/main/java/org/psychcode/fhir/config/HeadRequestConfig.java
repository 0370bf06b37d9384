package org.psychcode.fhir.config;

import org.psychcode.fhir.rest.HeadRequestFilter;
import org.psychcode.fhir.rest.RequestChecks;
import org.psychcode.fhir.rest.RequestIdFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the request id, the HEAD-as-GET filter and the request checks first of all filters in front of the FHIR
 * servlet: every answer, refusals by the filters behind them included, carries the request's id; the answer cache
 * and HAPI behind them must see the GET whose answer HEAD repeats; and a request the server cannot read or answer
 * is refused before the answer cache could serve it.
 */
@Configuration
class HeadRequestConfig {

  @Bean
  FilterRegistrationBean<HeadRequestFilter> headRequestFilter() {
    FilterRegistrationBean<HeadRequestFilter> registration = new FilterRegistrationBean<>(new HeadRequestFilter());
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestChecks> requestChecks() {
    FilterRegistrationBean<RequestChecks> registration = new FilterRegistrationBean<>(new RequestChecks());
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
    FilterRegistrationBean<RequestIdFilter> registration = new FilterRegistrationBean<>(new RequestIdFilter());
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
