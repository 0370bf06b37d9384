package org.psychcode.fhir.config;

import org.psychcode.fhir.rest.AnswerCacheFilter;
import org.psychcode.fhir.rest.AnswerCacheProperties;
import org.psychcode.fhir.rest.OperationDefinitions;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts the encoded-answer cache in front of the FHIR servlet, right after the HEAD-as-GET filter. */
@Configuration
@ConditionalOnProperty(name = "psychcode.answer-cache.enabled", havingValue = "true", matchIfMissing = true)
class AnswerCacheConfig {

  @Bean
  FilterRegistrationBean<AnswerCacheFilter> answerCacheFilter(
      TerminologyRegistry registry, OperationDefinitions operations, AnswerCacheProperties properties) {
    FilterRegistrationBean<AnswerCacheFilter> registration =
        new FilterRegistrationBean<>(
            new AnswerCacheFilter(registry, operations.all(), properties.maxMegabytes() * 1024L * 1024L));
    registration.addUrlPatterns("/fhir/*");
    // after the HEAD filter, CORS (which adds its headers to every answer, stored ones too) and the request
    // size limit
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }
}
