package org.psychcode.fhir.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import org.psychcode.fhir.WarmUps;
import org.psychcode.fhir.rest.RequestLineFilter;
import org.psychcode.fhir.rest.RequestLimitProperties;
import org.psychcode.fhir.rest.RequestSizeLimitFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the request size limit (and the budget of body bytes served at once), the query's encoding check and the count
 * of requests being served in front of the FHIR servlet.
 */
@Configuration
class RequestLimitConfig {

  /** With two gauges (in {@code /actuator/prometheus}): the large bodies waiting for the budget, its bytes taken. */
  @Bean
  FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(
      RequestLimitProperties properties, MeterRegistry meters) {
    RequestSizeLimitFilter filter =
        new RequestSizeLimitFilter(properties.maxRequestBytes(), properties.maxBytesInFlight());
    Gauge.builder("psychcode.http.bodies.waiting", filter, RequestSizeLimitFilter::bodiesWaiting)
        .description("Requests of 64 KB or more waiting until the bodies being served leave room for theirs")
        .register(meters);
    Gauge.builder("psychcode.http.body.bytes.in.flight", filter, RequestSizeLimitFilter::bytesInFlight)
        .description("Bytes of request bodies of 64 KB or more being served")
        .baseUnit("bytes")
        .register(meters);
    FilterRegistrationBean<RequestSizeLimitFilter> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  /** A query whose percent-encoding is broken, or a path not in normal form, is a 400 before anything reads it. */
  @Bean
  FilterRegistrationBean<RequestLineFilter> requestLineFilter() {
    FilterRegistrationBean<RequestLineFilter> registration = new FilterRegistrationBean<>(new RequestLineFilter());
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  /** Counts the requests being served, for the warm-ups that step aside while there are any. */
  @Bean
  FilterRegistrationBean<Filter> servingCount(WarmUps warmUps) {
    Filter count =
        (request, response, chain) -> {
          warmUps.requestStarted();
          try {
            chain.doFilter(request, response);
          } finally {
            warmUps.requestFinished();
          }
        };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(count);
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
