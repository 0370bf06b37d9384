import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.convertors.txClient.TerminologyClientFactory;
import org.hl7.fhir.r4.formats.JsonParser;
import org.hl7.fhir.r4.formats.XmlParser;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.context.SimpleWorkerContext;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.CanonicalResource;
import org.hl7.fhir.r5.model.CanonicalType;
import org.hl7.fhir.r5.model.Parameters;
import org.hl7.fhir.r5.utils.validation.IResourceValidator;
import org.hl7.fhir.r5.utils.validation.IValidatorResourceFetcher;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.fhir.ucum.UcumEssenceService;
import org.hl7.fhir.utilities.FhirPublication;
import org.hl7.fhir.utilities.http.ManagedWebAccess;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.ValidatorUtils;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * Validates FHIR R4 resources with HL7's validator (org.hl7.fhir.validation), using a FHIR server as its terminology
 * server over HTTP, the way the validator CLI with {@code -tx} and the IG publisher use one. Runs on its own classpath
 * (see pom.xml beside it); the R4 core package is built from HAPI's hapi-fhir-validation-resources-r4, which holds
 * the same definitions, into a package cache folder, so no package registry is needed.
 *
 * <pre>
 * java -cp 'lib/*' ValidateVisits.java PACKAGE_CACHE TX_BASE FILE...   one line per message, tab-separated:
 *                                                                      file, severity, location, message id,
 *                                                                      terminology server (or -), text
 * java -cp 'lib/*' ValidateVisits.java PACKAGE_CACHE                   only writes hl7.fhir.r4.core#4.0.1 there
 * </pre>
 */
public class ValidateVisits {

  private static final String[] CORE_BUNDLES = {
    "org/hl7/fhir/r4/model/profile/profiles-types.xml",
    "org/hl7/fhir/r4/model/profile/profiles-resources.xml",
    "org/hl7/fhir/r4/model/profile/profiles-others.xml",
    "org/hl7/fhir/r4/model/extension/extension-definitions.xml",
    "org/hl7/fhir/r4/model/valueset/valuesets.xml",
    "org/hl7/fhir/r4/model/valueset/v2-tables.xml",
    "org/hl7/fhir/r4/model/valueset/v3-codesystems.xml",
    "org/hl7/fhir/r4/model/sp/search-parameters.json",
  };

  public static void main(String[] args) throws Exception {
    for (String logger : new String[] {org.slf4j.Logger.ROOT_LOGGER_NAME, "org.hl7.fhir"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(ch.qos.logback.classic.Level.WARN);
    }
    Path core = corePackage(Path.of(args[0]));
    if (args.length < 3) {
      System.out.println("R4 core package: " + core);
      return;
    }
    // the server under test answers on plain http on this machine
    ManagedWebAccess.setSsrfProtectionEnabled(false);
    SimpleWorkerContext context =
        new SimpleWorkerContext.SimpleWorkerContextBuilder()
            .withAllowLoadingDuplicates(true)
            .fromPackage(NpmPackage.fromFolder(core.getParent().toString()), ValidatorUtils.loaderForVersion("4.0.1"), false);
    try (InputStream ucum = ValidateVisits.class.getClassLoader().getResourceAsStream("ucum-essence.xml")) {
      context.setUcumService(new UcumEssenceService(ucum));
    }
    // what the validator CLI sends with every terminology call
    Parameters expansion = new Parameters();
    expansion.addParameter("profile-url", "http://hl7.org/fhir/ExpansionProfile/dc8fd4bc-091a-424a-8a3b-6198ef146891");
    context.setExpansionParameters(expansion);
    // a terminology cache of this run's own, emptied first: the library's default (the temp folder's default-tx-cache)
    // outlives the run and would answer from what another server said
    Path txCache = Path.of(args[0]).resolveSibling("tx-cache");
    if (Files.exists(txCache)) {
      try (var old = Files.walk(txCache)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    context.initTxCache(Files.createDirectories(txCache).toString());
    context.connectToTSServer(new TerminologyClientFactory(FhirPublication.R4), args[1], "psychcode-tests", null, false);
    for (int i = 2; i < args.length; i++) {
      InstanceValidator validator =
          new InstanceValidator(context, null, null, new ValidatorSession(), new ValidatorSettings());
      validator.setFetcher(new NothingOutside());
      List<ValidationMessage> messages = new ArrayList<>();
      try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
        validator.validate(null, messages, in, FhirFormat.JSON);
      }
      for (ValidationMessage m : messages) {
        System.out.println(
            String.join(
                "\t",
                args[i],
                m.getLevel().toCode(),
                String.valueOf(m.getLocation()),
                String.valueOf(m.getMessageId()),
                m.getServer() == null ? "-" : m.getServer(),
                m.getMessage().replace('\t', ' ').replace('\n', ' ')));
      }
    }
  }

  /**
   * References to resources outside the validated file resolve to nothing, as for the validator CLI without
   * network access; canonical URLs are taken as resolvable (that is not what is tested here).
   */
  static final class NothingOutside implements IValidatorResourceFetcher {
    @Override
    public Element fetch(IResourceValidator validator, Object appContext, String url) {
      return null;
    }

    @Override
    public boolean resolveURL(
        IResourceValidator validator,
        Object appContext,
        String path,
        String url,
        IWorkerContext.VersionResolutionRules rules,
        String type,
        boolean canonical,
        List<CanonicalType> targets) {
      return true;
    }

    @Override
    public byte[] fetchRaw(IResourceValidator validator, String url) {
      return null;
    }

    @Override
    public IValidatorResourceFetcher setLocale(Locale locale) {
      return this;
    }

    @Override
    public CanonicalResource fetchCanonicalResource(IResourceValidator validator, Object appContext, String url) {
      return null;
    }

    @Override
    public boolean fetchesCanonicalResource(IResourceValidator validator, String url) {
      return false;
    }

    @Override
    public Set<ResourceVersionInformation> fetchCanonicalResourceVersions(
        IResourceValidator validator, Object appContext, String url) {
      return Set.of();
    }
  }

  /** hl7.fhir.r4.core#4.0.1 in the cache folder, written once from the R4 definitions HAPI ships. */
  static Path corePackage(Path cache) throws Exception {
    Path folder = cache.resolve("hl7.fhir.r4.core#4.0.1").resolve("package");
    if (Files.exists(folder.resolve("package.json"))) {
      return folder;
    }
    Path building = Files.createDirectories(cache.resolve("hl7.fhir.r4.core#4.0.1.building").resolve("package"));
    XmlParser xml = new XmlParser();
    JsonParser json = new JsonParser();
    int written = 0;
    for (String name : CORE_BUNDLES) {
      try (InputStream in = ValidateVisits.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException(name + " is not on the classpath (hapi-fhir-validation-resources-r4)");
        }
        Bundle bundle = (Bundle) (name.endsWith(".json") ? json.parse(in) : xml.parse(in));
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
          Resource r = e.getResource();
          if (r == null || !r.hasIdElement()) {
            continue;
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          json.compose(out, r);
          Files.write(building.resolve(r.fhirType() + "-" + r.getIdElement().getIdPart() + ".json"), out.toByteArray());
          written++;
        }
      }
    }
    Files.writeString(
        building.resolve("package.json"),
        "{\"name\": \"hl7.fhir.r4.core\", \"version\": \"4.0.1\", \"type\": \"Core\", \"fhirVersions\": [\"4.0.1\"],"
            + " \"description\": \"FHIR R4 core definitions (" + written + " resources), written from HAPI FHIR's"
            + " hapi-fhir-validation-resources-r4\", \"canonical\": \"http://hl7.org/fhir\", \"url\": \"http://hl7.org/fhir/R4\"}",
        StandardCharsets.UTF_8);
    Files.move(building.getParent(), folder.getParent());
    return folder;
  }
}
