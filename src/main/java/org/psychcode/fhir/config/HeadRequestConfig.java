package org.psychcode.fhir.config;

import org.psychcode.fhir.rest.HeadRequestFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the HEAD-as-GET filter first of all filters in front of the FHIR servlet: the answer cache and HAPI behind
 * it must see the GET whose answer HEAD repeats.
 */
@Configuration
class HeadRequestConfig {

  @Bean
  FilterRegistrationBean<HeadRequestFilter> headRequestFilter() {
    FilterRegistrationBean<HeadRequestFilter> registration = new FilterRegistrationBean<>(new HeadRequestFilter());
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
