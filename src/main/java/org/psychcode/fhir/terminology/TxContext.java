package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * What one terminology operation call works with: where resources come from, the request's options, the version
 * rules it applied (echoed back in expansions) and the supplements it was asked to use.
 */
final class TxContext {

  final TerminologySource source;
  final TxParameters params;
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
      String target = s.getSupplements();
      if (target.contains("|") && cs.version() != null && !Versions.matches(target.split("\\|", 2)[1], cs.version())) {
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

  List<String> unusedSupplements() {
    List<String> out = new ArrayList<>();
    for (String s : requiredSupplements) {
      if (!usedSupplements.contains(s)) {
        out.add(s);
      }
    }
    return out;
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
    String u = url;
    String v = version;
    if (isEmpty(v) && url.contains("|")) {
      u = url.substring(0, url.indexOf('|'));
      v = url.substring(url.indexOf('|') + 1);
    }
    return source.valueSet(u, v).orElse(null);
  }

  /** Applies value set version rules to a referenced value set canonical. */
  String pinValueSet(String url) {
    if (url == null) {
      return null;
    }
    String base = url.contains("|") ? url.substring(0, url.indexOf('|')) : url;
    String version = url.contains("|") ? url.substring(url.indexOf('|') + 1) : null;
    String v = determineValueSetVersion(base, version);
    return isEmpty(v) ? url : base + "|" + v;
  }

  static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
