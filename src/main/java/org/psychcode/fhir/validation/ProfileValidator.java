package org.psychcode.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.elementmodel.ParserBase;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.elementmodel.XmlParser;
import org.hl7.fhir.r5.elementmodel.ParserBase.ValidationPolicy;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a resource against the FHIR R4 base definitions and PsychCode's profiles with the HL7
 * {@link InstanceValidator}, on one {@link ValidationSupportChain} that holds the server's own CodeSystems and
 * ValueSets, so a CPT code outside the published fragment or outside a bound ValueSet is reported as such.
 *
 * <p>The chain is built once. HAPI's {@link FhirInstanceValidator} builds a new {@code InstanceValidator}
 * for every call, and each construction reads the validator's OID table from its jar: about half the time of
 * validating a visit Bundle. Here a small pool of validators is reused. A validator keeps every coding it
 * has seen, with the document around it, for its IPS checks; that list is emptied after each validation
 * (it is read only when IPS checks are on, which they are not here), and each validator is still retired
 * after a bounded amount of work and replaced in the background. The pool's size also bounds how many
 * validations run at once, which suits CPU-bound work.
 */
final class ProfileValidator {

  public static final String ENCOUNTER_PROFILE = "http://psychcode.org/fhir/StructureDefinition/psychcode-encounter";
  public static final String CLAIM_PROFILE = "http://psychcode.org/fhir/StructureDefinition/psychcode-claim";

  private static final Logger log = LoggerFactory.getLogger(ProfileValidator.class);
  private static final int MAX_USES = 2000;
  private static final long MAX_BYTES = 64L * 1024 * 1024;
  private static final CodingsMemory CODINGS = CodingsMemory.find();

  private final ValidationSupportChain chain;
  private final LazyWorkerContext worker;
  private final Map<String, org.hl7.fhir.r5.model.StructureDefinition> profiles = new HashMap<>();
  private final BlockingQueue<PooledValidator> pool;
  private final ExecutorService refill;
  private final int profileCount;

  ProfileValidator(
      FhirContext ctx, IValidationSupport terminology, int poolSize) {
    long start = System.nanoTime();
    ValidatorFoundation foundation = ValidatorFoundation.claim(ctx);
    long foundationReady = System.nanoTime();
    PrePopulatedValidationSupport own = foundation.own;
    foundation.terminology.bind(terminology);
    foundation.chain.invalidateCaches();
    ValidationSupportChain snapshots = new ValidationSupportChain(foundation.core, new SnapshotGeneratingValidationSupport(ctx));
    List<String> profileUrls = new ArrayList<>();
    for (IBaseResource r : ConformanceResources.load(ctx, "*.json")) {
      if (r instanceof StructureDefinition sd) {
        own.addStructureDefinition(withSnapshot(sd, snapshots));
        profileUrls.add(sd.getUrl());
      }
    }
    this.profileCount = profileUrls.size();
    this.chain = foundation.chain;
    this.worker = foundation.worker;
    for (String url : profileUrls) {
      profiles.put(url, worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url));
    }
    this.pool = new ArrayBlockingQueue<>(poolSize);
    pool.add(new PooledValidator(foundation.first));
    for (int i = 1; i < poolSize; i++) {
      pool.add(new PooledValidator(ValidatorFoundation.newInstanceValidator(worker)));
    }
    this.refill =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "profile-validator-refill");
              t.setDaemon(true);
              return t;
            });
    log.info(
        "Profile validation ready: {} profiles, {} validators; core definitions waited for {} ms, the rest took {} ms",
        profileCount,
        poolSize,
        (foundationReady - start) / 1_000_000,
        (System.nanoTime() - foundationReady) / 1_000_000);
  }

  private static StructureDefinition withSnapshot(StructureDefinition sd, IValidationSupport support) {
    if (sd.hasSnapshot()) {
      return sd;
    }
    return (StructureDefinition)
        support.generateSnapshot(new ValidationSupportContext(support), sd, sd.getUrl(), null, sd.getName());
  }

  /** True when the server knows a StructureDefinition of this canonical URL (its own or a base one). */
  public boolean knowsProfile(String url) {
    return profiles.containsKey(url) || chain.fetchStructureDefinition(url) != null;
  }

  /**
   * Validates the resource as text (JSON or XML, as posted) against the given profiles (else its base
   * definition), any profile it declares in {@code meta.profile}, and, inside a Bundle, each Encounter and
   * Claim entry against the PsychCode profile of its type.
   */
  public List<ValidationMessage> validate(String text, EncodingEnum encoding, List<String> profileUrls) {
    return validate(text, encoding, profileUrls, null);
  }

  /**
   * As {@link #validate(String, EncodingEnum, List)}, validating only the Bundle entries of these resource types
   * (all when null).
   */
  List<ValidationMessage> validate(String text, EncodingEnum encoding, List<String> profileUrls, java.util.Set<String> entryTypes) {
    List<org.hl7.fhir.r5.model.StructureDefinition> defs = new ArrayList<>();
    for (String url : profileUrls) {
      org.hl7.fhir.r5.model.StructureDefinition sd = profiles.get(url);
      if (sd == null) {
        sd = worker.fetchResource(org.hl7.fhir.r5.model.StructureDefinition.class, url);
      }
      if (sd != null) {
        defs.add(sd);
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<ValidationMessage> messages = new ArrayList<>();
    PooledValidator slot = take();
    try {
      FhirFormat format = encoding == EncodingEnum.XML ? FhirFormat.XML : FhirFormat.JSON;
      validateEntryByEntry(slot, bytes, format, defs, entryTypes, messages);
    } catch (IOException | FHIRException e) {
      ValidationMessage m = new ValidationMessage();
      m.setLevel(ValidationMessage.IssueSeverity.ERROR);
      m.setType(org.hl7.fhir.utilities.validation.ValidationMessage.IssueType.STRUCTURE);
      m.setMessage("The validator could not read the resource: " + e.getMessage());
      messages.add(m);
    } finally {
      CODINGS.forget(slot.validator);
      release(slot, bytes.length);
    }
    messages.removeIf(ProfileValidator::noise);
    return messages;
  }

  /**
   * Parses the text once and validates it. A Bundle validated without an explicit profile is validated entry
   * by entry, each entry against the PsychCode profile of its type (Encounter, Claim) or else its base
   * definition: validated whole, with bundle rules naming the profiles, the validator checks the Encounter
   * and the Claim twice (base, then profile) and runs its Bundle checks on top, about a fifth more CPU. The
   * Bundle's own envelope rules (bdl-*) are therefore not checked; references between entries still
   * resolve through the parsed Bundle.
   */
  private void validateEntryByEntry(
      PooledValidator slot,
      byte[] bytes,
      FhirFormat format,
      List<org.hl7.fhir.r5.model.StructureDefinition> defs,
      java.util.Set<String> entryTypes,
      List<ValidationMessage> messages)
      throws IOException {
    InstanceValidator v = slot.validator;
    for (ValidatedFragment fragment : slot.parser(worker, format).parse(new ByteArrayInputStream(bytes))) {
      Element root = fragment.getElement();
      if (root != null && "Bundle".equals(root.fhirType()) && defs.isEmpty()) {
        List<Element> entries = root.getChildrenByName("entry");
        for (int i = 0; i < entries.size(); i++) {
          Element resource = entries.get(i).getNamedChild("resource", false);
          if (resource == null || (entryTypes != null && !entryTypes.contains(resource.fhirType()))) {
            continue;
          }
          List<ValidationMessage> entryMessages = new ArrayList<>();
          v.validate(null, entryMessages, null, resource, entryProfiles(resource.fhirType()));
          String prefix = "Bundle.entry[" + i + "].resource";
          for (ValidationMessage m : entryMessages) {
            String location = m.getLocation();
            if (location != null && location.startsWith(resource.fhirType())) {
              m.setLocation(prefix + location.substring(resource.fhirType().length()));
            }
          }
          fragment.getErrors().addAll(entryMessages);
        }
      } else if (root != null) {
        v.validate(null, fragment.getErrors(), null, root, defs);
      }
      messages.addAll(fragment.getErrors());
    }
  }

  private List<org.hl7.fhir.r5.model.StructureDefinition> entryProfiles(String type) {
    org.hl7.fhir.r5.model.StructureDefinition sd =
        switch (type) {
          case "Encounter" -> profiles.get(ENCOUNTER_PROFILE);
          case "Claim" -> profiles.get(CLAIM_PROFILE);
          default -> null;
        };
    return sd == null ? List.of() : List.of(sd);
  }

  private PooledValidator take() {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a profile validator", e);
    }
  }

  private void release(PooledValidator slot, long bytes) {
    slot.uses++;
    slot.bytes += CODINGS.works() ? bytes : MAX_BYTES;
    if (slot.uses < MAX_USES && slot.bytes < MAX_BYTES) {
      pool.add(slot);
      return;
    }
    refill.execute(() -> pool.add(new PooledValidator(ValidatorFoundation.newInstanceValidator(worker))));
  }

  /** Messages HAPI's own wrapper drops too, and details that only explain another message. */
  private static boolean noise(ValidationMessage m) {
    String id = m.getMessageId();
    if (m.getLevel() == ValidationMessage.IssueSeverity.INFORMATION) {
      return true;
    }
    return id != null
        && (id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE));
  }

  /**
   * A validator with what its requests' element parsers are built on. Building a parser from the worker alone builds a
   * {@code ProfileUtilities} and a FHIRPath engine, whose list of types is read from every StructureDefinition
   * outline, and the {@code ProfileUtilities} keeps the child definitions of each element it has met: both are built
   * on first use and kept with the validator, the XML parser whole. The JSON parser is built per request over the
   * kept {@code ProfileUtilities}: HL7's JSON parser keeps the last document it parsed ({@code
   * JsonParser.baseElement}), so a kept one held its slot's last Bundle, with the validator's details on every
   * element, until the slot's next request (about 60 MB for a 1,000-entry Bundle, in a 256 MB heap). A slot is used
   * by one request at a time.
   */
  private static final class PooledValidator {
    private final InstanceValidator validator;
    private ProfileUtilities jsonDefinitions;
    private XmlParser xml;
    private int uses;
    private long bytes;

    PooledValidator(InstanceValidator validator) {
      this.validator = validator;
    }

    ParserBase parser(LazyWorkerContext worker, FhirFormat format) {
      if (format == FhirFormat.XML) {
        if (xml == null) {
          xml = worker.xmlParser();
          xml.setupValidation(ValidationPolicy.EVERYTHING);
          xml.setAllowXsiLocation(true);
        }
        return xml;
      }
      if (jsonDefinitions == null) {
        jsonDefinitions = worker.profileUtilities();
      }
      ParserBase json = worker.jsonParser(jsonDefinitions);
      json.setupValidation(ValidationPolicy.EVERYTHING);
      return json;
    }
  }
}
