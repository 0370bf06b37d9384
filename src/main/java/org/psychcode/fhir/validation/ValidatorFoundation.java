package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.utils.validation.BundleValidationRule;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The part of the profile validator that depends on nothing of the server: the FHIR R4 core definitions (every
 * StructureDefinition, ValueSet and CodeSystem of the specification, each read when first needed), the support
 * chain over them, its worker context and a first {@link InstanceValidator}. It starts when the application starts
 * (registered in {@code META-INF/spring.factories}) and is built while Spring builds the rest; the server's own
 * CodeSystems, ValueSets and profiles are added to the chain's first supports when they are loaded. A second
 * application context in the same JVM builds its own foundation.
 */
public final class ValidatorFoundation implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  private static CompletableFuture<ValidatorFoundation> preparing;
  private static FhirContext preparedFor;
  private static boolean claimed;

  final PrePopulatedValidationSupport own;
  final LateBoundTerminology terminology;
  final CoreDefinitions core;
  final ValidationSupportChain chain;
  final LazyWorkerContext worker;
  final InstanceValidator first;

  /** For Spring's listener registration; the foundation itself is built by {@link #prepare}. */
  public ValidatorFoundation() {
    this.own = null;
    this.terminology = null;
    this.core = null;
    this.chain = null;
    this.worker = null;
    this.first = null;
  }

  private ValidatorFoundation(FhirContext ctx) {
    this.core = new CoreDefinitions(ctx);
    this.own = new PrePopulatedValidationSupport(ctx);
    this.terminology = new LateBoundTerminology(ctx);
    this.chain =
        new ValidationSupportChain(
            this.terminology,
            own,
            core,
            new InMemoryTerminologyServerValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx));
    this.worker = new LazyWorkerContext(chain, core, own::fetchAllStructureDefinitions);
    this.first = newInstanceValidator(worker);
  }

  /**
   * Unless {@code psychcode.validation.warm-up} is {@code off}, the foundation starts as soon as the environment is
   * known, on its own thread beside Spring's start-up: with the core definitions read only when needed it takes
   * a fraction of a second, on the second processor.
   */
  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    if (!"off".equalsIgnoreCase(event.getEnvironment().getProperty("psychcode.validation.warm-up", "background").trim())) {
      start(FhirContext.forR4Cached());
    }
  }

  static synchronized void start(FhirContext ctx) {
    if (preparing == null) {
      preparedFor = ctx;
      preparing = new CompletableFuture<>();
      CompletableFuture<ValidatorFoundation> target = preparing;
      daemon(
          () -> {
            try {
              target.complete(new ValidatorFoundation(ctx));
            } catch (RuntimeException | Error e) {
              target.completeExceptionally(e);
            }
          });
    }
  }

  /** The foundation prepared at start-up for this context, or a new one when it is taken or was not started. */
  static ValidatorFoundation claim(FhirContext ctx) {
    CompletableFuture<ValidatorFoundation> mine = null;
    synchronized (ValidatorFoundation.class) {
      if (preparing != null && !claimed && preparedFor == ctx) {
        claimed = true;
        mine = preparing;
      }
    }
    return mine != null ? mine.join() : new ValidatorFoundation(ctx);
  }

  /** An InstanceValidator set up as HAPI's FhirInstanceValidator sets one up, with best-practice hints off. */
  static InstanceValidator newInstanceValidator(IWorkerContext worker) {
    InstanceValidator v =
        new InstanceValidator(
            worker,
            new FhirInstanceValidator.NullEvaluationContext(),
            new XVerExtensionManagerOld(worker),
            new ValidatorSession(),
            new ValidatorSettings());
    v.setAnyExtensionsAllowed(true);
    v.setResourceIdRule(IdStatus.OPTIONAL);
    v.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
    v.setUnknownCodeSystemsCauseErrors(true);
    v.setPolicyAdvisor(new FhirDefaultPolicyAdvisor());
    v.setAllowXsiLocation(true);
    v.getBundleValidationRules().add(new BundleValidationRule().setRule("Encounter").setProfile(ProfileValidator.ENCOUNTER_PROFILE));
    v.getBundleValidationRules().add(new BundleValidationRule().setRule("Claim").setProfile(ProfileValidator.CLAIM_PROFILE));
    return v;
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "fhir-validator-foundation");
    t.setDaemon(true);
    t.start();
  }
}
