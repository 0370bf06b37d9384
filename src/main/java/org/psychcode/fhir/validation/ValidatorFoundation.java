package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import org.hl7.fhir.utilities.OIDUtilities;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger log = LoggerFactory.getLogger(ValidatorFoundation.class);
  private static final VarHandle OIDS = oidTableField();

  /**
   * The foundation being prepared, until it is claimed: then it is forgotten here, so that its first validator
   * goes when the pool retires it.
   */
  private static CompletableFuture<ValidatorFoundation> preparing;
  private static FhirContext preparedFor;
  private static boolean claimed;
  /** The OID table every validator is given, the first validator's own (see {@link #newInstanceValidator}). */
  private static volatile OIDUtilities sharedOids;

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
    if (preparing == null && !claimed) {
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
        preparing = null;
        preparedFor = null;
      }
    }
    return mine != null ? mine.join() : new ValidatorFoundation(ctx);
  }

  /**
   * An InstanceValidator set up as HAPI's FhirInstanceValidator sets one up, with best-practice hints off, sharing
   * one OID table with every other.
   */
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
    shareOidTable(v);
    return v;
  }

  /**
   * Every {@code InstanceValidator} reads HL7's table of known OIDs (20,600 entries, 5.3 MB of heap) from its jar
   * into a private field of its own, which it only reads ({@code OIDUtilities.isKnownOID}) and offers no setter for.
   * The first validator's table is given to every later one, whose own becomes garbage at once. Should a later HL7
   * version rename the field, each validator keeps its own, as before.
   */
  private static void shareOidTable(InstanceValidator v) {
    if (OIDS == null) {
      return;
    }
    synchronized (ValidatorFoundation.class) {
      if (sharedOids == null) {
        sharedOids = (OIDUtilities) OIDS.get(v);
      } else {
        OIDS.set(v, sharedOids);
      }
    }
  }

  private static VarHandle oidTableField() {
    try {
      return MethodHandles.privateLookupIn(InstanceValidator.class, MethodHandles.lookup())
          .findVarHandle(InstanceValidator.class, "oids", OIDUtilities.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.info("Each profile validator keeps its own OID table: {}", e.toString());
      return null;
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "fhir-validator-foundation");
    t.setDaemon(true);
    t.start();
  }
}
