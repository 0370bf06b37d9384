package org.psychcode.fhir.config;

import jakarta.servlet.Filter;
import org.psychcode.fhir.rest.HeadRequestFilter;
import org.psychcode.fhir.rest.RequestChecks;
import org.psychcode.fhir.rest.RequestIdFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the request id, the HEAD-as-GET filter and the request checks first of all filters in front of the FHIR
 * servlet, in that order: every answer, refusals by the filters behind them included, carries the request's id; the
 * answer cache and HAPI behind them must see the GET whose answer HEAD repeats; and a request the server cannot read
 * or answer is refused before the answer cache could serve it.
 */
@Configuration
class HeadRequestConfig {

  @Bean
  FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
    return inFront(new RequestIdFilter(), 0);
  }

  @Bean
  FilterRegistrationBean<HeadRequestFilter> headRequestFilter() {
    return inFront(new HeadRequestFilter(), 1);
  }

  @Bean
  FilterRegistrationBean<RequestChecks> requestChecks() {
    return inFront(new RequestChecks(), 2);
  }

  private static <F extends Filter> FilterRegistrationBean<F> inFront(F filter, int place) {
    FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + place);
    return registration;
  }
}
