package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import org.psychcode.fhir.rules.BillingRuleEngine;
import org.psychcode.fhir.rules.BillingSuggester;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.RuleCatalog;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyService;
import org.psychcode.fhir.terminology.TerminologyValidationSupport;
import org.psychcode.fhir.WarmUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires validation: the billing rules over the loaded terminology, and the profile validator, built on its own
 * thread when the warm-up or the first {@code $validate} asks for it.
 */
@Configuration
class ValidationConfig {

  private static final Logger log = LoggerFactory.getLogger(ValidationConfig.class);

  @Bean
  CodeBook codeBook(TerminologyService terminology) {
    return CodeBook.from(terminology);
  }

  @Bean
  BillingRuleEngine billingRuleEngine(CodeBook book, TerminologyRegistry registry) {
    return BillingRuleEngine.standard(book, RuleCatalog.from(registry));
  }

  @Bean
  VisitValidator visitValidator(
      FhirContext ctx,
      TerminologyValidationSupport terminology,
      CodeBook book,
      BillingRuleEngine engine,
      ObjectProvider<StoredResources> stored,
      ValidationProperties properties) {
    ProfileValidatorBuild profiles =
        new ProfileValidatorBuild(() -> new ProfileValidator(ctx, terminology, properties.validatorPool()));
    log.info(
        "Validation: profiles and {} billing rules; warm-up {}; at most {} Bundle entries; {} profile validations at once",
        engine.rules().size(),
        properties.warmUp(),
        properties.maxBundleEntries(),
        properties.validatorPool());
    return new VisitValidator(ctx, new VisitReader(book, stored.getIfAvailable(() -> StoredResources.NONE), properties.maxBundleEntries()), profiles, engine);
  }

  /** Reads visits with the validator's own reader, so both resolve references the same way. */
  @Bean
  CodeSuggestions codeSuggestions(VisitValidator validator, CodeBook book) {
    return new CodeSuggestions(validator.reader(), new BillingSuggester(book));
  }

  /** Named for its place in the readiness health group: {@code validation}. */
  @Bean("validationHealthIndicator")
  ValidationWarmUp validationWarmUp(
      FhirContext ctx, VisitValidator validator, ValidationProperties properties, WarmUps warmUps) {
    return new ValidationWarmUp(ctx, validator, properties, warmUps);
  }
}
