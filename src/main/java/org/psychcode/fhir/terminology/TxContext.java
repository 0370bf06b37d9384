package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;

/**
 * What one terminology operation call works with: where resources come from, the request's options, the version
 * rules it applied (echoed back in expansions) and the supplements it was asked to use.
 */
final class TxContext {

  final TerminologySource source;
  final TxParameters params;
  static final String VALUESET_SUPPLEMENT = "http://hl7.org/fhir/StructureDefinition/valueset-supplement";

  final Set<String> foundParameters = new LinkedHashSet<>();
  final Set<String> requiredSupplements = new LinkedHashSet<>();
  final Set<String> usedSupplements = new LinkedHashSet<>();
  private final Map<String, CodeSystemIndex> supplemented = new HashMap<>();

  TxContext(TerminologySource source, TxParameters params) {
    this.source = source;
    this.params = params;
    requiredSupplements.addAll(params.supplements);
  }

  /** The version the request's version rules make of {@code version} for {@code url}. */
  String determineVersion(String url, String version) {
    List<TxParameters.VersionRule> rules = params.rulesFor(url);
    if (rules.isEmpty()) {
      return version;
    }
    String result = version;
    boolean found = false;
    for (TxParameters.VersionRule r : rules) {
      if (r.mode() == TxParameters.VersionMode.OVERRIDE && !r.valueSet()) {
        if (!found) {
          result = r.version();
          foundParameters.add(r.asParameterName() + "=" + r.system() + "|" + r.version());
          found = true;
        } else if (!result.equals(r.version())) {
          throw new TxException(
              400,
              TxIssue.error(
                  IssueType.EXCEPTION,
                  null,
                  "SYSTEM_VERSION_MULTIPLE_OVERRIDE",
                  TxMessages.format("SYSTEM_VERSION_MULTIPLE_OVERRIDE", url, result, r.version()),
                  "version-error"));
        }
      }
    }
    if (isEmpty(result)) {
      found = false;
      for (TxParameters.VersionRule r : rules) {
        if (r.mode() == TxParameters.VersionMode.DEFAULT && !r.valueSet()) {
          if (!found) {
            result = r.version();
            foundParameters.add(r.asParameterName() + "=" + r.system() + "|" + r.version());
            found = true;
          }
        }
      }
    }
    for (TxParameters.VersionRule r : rules) {
      if (r.mode() == TxParameters.VersionMode.CHECK && !r.valueSet() && isEmpty(result)) {
        result = r.version();
        foundParameters.add(r.asParameterName() + "=" + r.system() + "|" + r.version());
      }
    }
    return result;
  }

  /** Same as {@link #determineVersion} but for value set version rules. */
  String determineValueSetVersion(String url, String version) {
    List<TxParameters.VersionRule> rules = params.rulesFor(url);
    String result = version;
    for (TxParameters.VersionRule r : rules) {
      if (r.valueSet() && r.mode() == TxParameters.VersionMode.OVERRIDE) {
        foundParameters.add(r.asParameterName() + "=" + r.system() + "|" + r.version());
        return r.version();
      }
    }
    if (isEmpty(result)) {
      for (TxParameters.VersionRule r : rules) {
        if (r.valueSet() && r.mode() == TxParameters.VersionMode.DEFAULT) {
          foundParameters.add(r.asParameterName() + "=" + r.system() + "|" + r.version());
          return r.version();
        }
      }
    }
    return result;
  }

  /** Issues for a code system version that a {@code check-system-version} rule does not allow. */
  List<TxIssue> checkVersion(String url, String actual) {
    List<TxIssue> out = new ArrayList<>();
    for (TxParameters.VersionRule r : params.rulesFor(url)) {
      if (r.mode() == TxParameters.VersionMode.CHECK && !r.valueSet() && !Versions.matches(r.version(), actual)) {
        out.add(
            TxIssue.error(
                IssueType.EXCEPTION,
                null,
                "VALUESET_VERSION_CHECK",
                TxMessages.format("VALUESET_VERSION_CHECK", url, actual, r.version()),
                "version-error"));
      }
    }
    return out;
  }

  /**
   * The code system a reference names, with the version rules applied when {@code applyRules}; {@code null} when
   * none is known. Supplements the request asked for are merged in.
   */
  CodeSystemIndex findCodeSystem(String url, String version, boolean applyRules) {
    if (url == null || url.isEmpty()) {
      return null;
    }
    String v = applyRules ? determineVersion(url, version) : version;
    CodeSystemIndex cs = source.codeSystem(url, v).orElse(null);
    if (cs == null) {
      return null;
    }
    return withSupplements(cs);
  }

  private CodeSystemIndex withSupplements(CodeSystemIndex cs) {
    List<CodeSystem> all = source.supplementsOf(cs.url());
    if (all.isEmpty()) {
      return cs;
    }
    List<CodeSystem> chosen = new ArrayList<>();
    for (CodeSystem s : all) {
      CanonicalPair target = CanonicalPair.of(s.getSupplements());
      if (target.hasVersion() && cs.version() != null && !Versions.matches(target.getVersion(), cs.version())) {
        continue;
      }
      if (isRequired(s) || isLanguagePack(s)) {
        chosen.add(s);
      }
    }
    if (chosen.isEmpty()) {
      return cs;
    }
    String key = cs.versionedUrl() + "#" + chosen.stream().map(CodeSystem::getUrl).toList();
    return supplemented.computeIfAbsent(key, k -> CodeSystemIndex.of(cs.codeSystem(), chosen));
  }

  private boolean isRequired(CodeSystem s) {
    return requiredSupplements.contains(s.getUrl())
        || (s.hasVersion() && requiredSupplements.contains(s.getUrl() + "|" + s.getVersion()));
  }

  private static boolean isLanguagePack(CodeSystem s) {
    return s.hasLanguage() && s.getProperty().isEmpty();
  }

  /** The supplements a value set names ({@code valueset-supplement}) must be used too. */
  void requireSupplementsOf(ValueSet vs) {
    for (Extension e : vs.getExtensionsByUrl(VALUESET_SUPPLEMENT)) {
      if (e.getValue() != null) {
        requiredSupplements.add(e.getValue().primitiveValue());
      }
    }
  }

  /** Refuses the request, with this HTTP status, when a supplement it required was not used. */
  void checkSupplementsUsed(int status) {
    List<String> unused = new ArrayList<>(requiredSupplements);
    unused.removeAll(usedSupplements);
    if (!unused.isEmpty()) {
      throw new TxException(
          status,
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              "VALUESET_SUPPLEMENT_MISSING",
              TxMessages.plural(unused.size(), "VALUESET_SUPPLEMENT_MISSING", "", String.join(",", unused)),
              "not-found"));
    }
  }

  /** Notes which required supplements this code system satisfies. */
  void noteSupplements(CodeSystemIndex cs) {
    for (CodeSystem s : cs.supplements()) {
      if (requiredSupplements.contains(s.getUrl())) {
        usedSupplements.add(s.getUrl());
      }
      if (s.hasVersion() && requiredSupplements.contains(s.getUrl() + "|" + s.getVersion())) {
        usedSupplements.add(s.getUrl() + "|" + s.getVersion());
      }
    }
  }

  List<String> listVersions(String url) {
    return source.codeSystemVersions(url);
  }

  /** A value set by canonical ({@code url|version} allowed), or a {@code #id} contained in {@code container}. */
  ValueSet findValueSet(String url, String version, ValueSet container) {
    if (url == null) {
      return null;
    }
    if (url.startsWith("#")) {
      if (container != null) {
        for (Resource r : container.getContained()) {
          if (r instanceof ValueSet vs && url.substring(1).equals(r.getIdElement().getIdPart())) {
            return vs;
          }
        }
      }
      return null;
    }
    CanonicalPair canonical = CanonicalPair.of(url);
    return source.valueSet(canonical.getUrl(), isEmpty(version) ? canonical.getVersion() : version).orElse(null);
  }

  /** Applies value set version rules to a referenced value set canonical. */
  String pinValueSet(String url) {
    if (url == null) {
      return null;
    }
    CanonicalPair canonical = CanonicalPair.of(url);
    String v = determineValueSetVersion(canonical.getUrl(), canonical.getVersion());
    return isEmpty(v) ? url : canonical.getUrl() + "|" + v;
  }

  /**
   * The value set a request names by {@code url} ({@code url|version} allowed) and {@code valueSetVersion}, with the
   * request's value set version rules applied: 400 without a url, 404 when there is no such value set.
   */
  ValueSet requestedValueSet(TxRequest req, String noUrlMessage) {
    String given = req.string("url");
    if (given == null) {
      throw TxException.invalid(TxIssue.error(IssueType.INVALID, null, null, noUrlMessage, "invalid-data"));
    }
    CanonicalPair canonical = CanonicalPair.of(given);
    String version = req.string("valueSetVersion");
    version = determineValueSetVersion(canonical.getUrl(), version == null ? canonical.getVersion() : version);
    ValueSet vs = source.valueSet(canonical.getUrl(), version).orElse(null);
    if (vs == null) {
      throw TxException.notFound(
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              "Unable_to_resolve_value_Set_",
              TxMessages.format("Unable_to_resolve_value_Set_", canonical.getUrl() + (version == null ? "" : "|" + version)),
              "not-found"));
    }
    return vs;
  }

  static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
