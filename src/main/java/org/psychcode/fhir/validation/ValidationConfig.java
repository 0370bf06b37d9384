package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import java.util.concurrent.CompletableFuture;
import org.psychcode.fhir.rules.BillingRuleEngine;
import org.psychcode.fhir.rules.CodeBook;
import org.psychcode.fhir.rules.RuleCatalog;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.psychcode.fhir.terminology.TerminologyValidationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires validation: the billing rules over the loaded terminology, and the profile validator, whose chain is
 * built on its own thread as soon as the context starts so that it overlaps the rest of start-up.
 */
@Configuration
class ValidationConfig {

  private static final Logger log = LoggerFactory.getLogger(ValidationConfig.class);

  @Bean
  CodeBook codeBook(TerminologyRegistry registry) {
    return CodeBook.from(registry);
  }

  @Bean
  BillingRuleEngine billingRuleEngine(CodeBook book, TerminologyRegistry registry) {
    return BillingRuleEngine.standard(book, RuleCatalog.from(registry));
  }

  @Bean
  EncounterResolver encounterResolver() {
    return EncounterResolver.NONE;
  }

  @Bean
  VisitValidator visitValidator(
      FhirContext ctx,
      TerminologyRegistry registry,
      TerminologyValidationSupport terminology,
      CodeBook book,
      BillingRuleEngine engine,
      EncounterResolver encounters,
      ValidationProperties properties) {
    CompletableFuture<ProfileValidator> profiles = new CompletableFuture<>();
    Thread init =
        new Thread(
            () -> {
              try {
                profiles.complete(new ProfileValidator(ctx, registry, terminology, properties.validatorPool()));
              } catch (RuntimeException | Error e) {
                log.error("The profile validator could not be built", e);
                profiles.completeExceptionally(e);
              }
            },
            "profile-validator-init");
    init.setDaemon(true);
    init.start();
    log.info(
        "Validation: profiles and {} billing rules; warm-up {}; at most {} Bundle entries; {} profile validations at once",
        engine.rules().size(),
        properties.warmUp(),
        properties.maxBundleEntries(),
        properties.validatorPool());
    return new VisitValidator(ctx, new VisitReader(book, encounters, properties.maxBundleEntries()), profiles, engine);
  }

  @Bean
  ValidationWarmUp validationWarmUp(FhirContext ctx, VisitValidator validator, ValidationProperties properties) {
    return new ValidationWarmUp(ctx, validator, properties);
  }
}
