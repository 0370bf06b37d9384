package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;

/**
 * Decides whether codes belong to a value set, and says why not, the way the FHIR terminology ecosystem expects
 * ({@code result}, {@code message}, an {@code issues} OperationOutcome whose issues carry tx-issue-type codes and
 * FHIRPath expressions). Serves {@code ValueSet/$validate-code} and, through a value set made of one whole code
 * system, {@code CodeSystem/$validate-code}. One checker per call; not thread-safe.
 */
final class ValueSetChecker {

  enum Mode {
    CODE,
    CODING,
    CODEABLE_CONCEPT
  }

  private static final class PerCoding {
    String ver;
    String contentMode;
    Language defLang;
  }

  private final TxContext ctx;
  private final TxParameters params;
  private final ValueSet valueSet;
  private final boolean internallyDefined;
  private boolean explainsExclusions;
  private final Map<String, ValueSetChecker> others = new HashMap<>();
  private final DisplayCheck displays;

  ValueSetChecker(TxContext ctx, ValueSet valueSet, boolean internallyDefined) {
    this.ctx = ctx;
    this.params = ctx.params;
    this.valueSet = valueSet;
    this.internallyDefined = internallyDefined;
    this.displays = new DisplayCheck(ctx.params);
  }

  /**
   * For a value set the server publishes, a code its code system has but a property filter leaves out is explained
   * in an information issue naming the property (F41: its billable is false). Value sets a request brings are
   * answered with HL7's messages only, which its clients and tests compare.
   */
  ValueSetChecker explainingExclusions() {
    this.explainsExclusions = true;
    return this;
  }

  private void explainExclusion(String path, CodeSystemIndex cs, ConceptSetComponent cset, String code, TxOutcome op) {
    IndexedConcept c = cs.concept(code).orElse(null);
    if (c == null) {
      return;
    }
    for (ConceptSetFilterComponent f : cset.getFilter()) {
      String property = f.getProperty();
      String operator = ConceptFilter.operator(f);
      if ("concept".equals(property) || "code".equals(property) || operator == null
          || ConceptFilter.of(cs, property, operator, f.getValue()).includes(c)) {
        continue;
      }
      List<String> values = c.codeProperties(property);
      op.add(
          TxIssue.information(
              IssueType.CODEINVALID,
              addToPath(path, "code"),
              null,
              code + " is in " + cs.url() + " but not in the value set: its " + property + " is "
                  + (values.isEmpty() ? "not given" : String.join(", ", values)) + ", and the value set takes only "
                  + property + " " + operator + " " + f.getValue(),
              "not-in-vs"));
      return;
    }
  }

  private String vurl() {
    return valueSet.hasUrl() ? ValueSetExpander.versionedUrl(valueSet) : "(unidentified)";
  }

  // ---------------------------------------------------------------- preparation

  void prepare() {
    prepare(List.of());
  }

  private void prepare(List<String> chain) {
    ValueSetExpander.seeValueSet(valueSet, params);
    String identity = ValueSetExpander.identity(valueSet);
    if (chain.contains(identity)) {
      throw ValueSetExpander.circular(valueSet, chain);
    }
    List<String> pathway = new ArrayList<>(chain);
    pathway.add(identity);
    chain = List.copyOf(pathway);
    if (valueSet.hasCompose()) {
      int i = 0;
      for (ConceptSetComponent cc : valueSet.getCompose().getInclude()) {
        prepareConceptSet("include[" + i + "]", cc, chain);
        i++;
      }
      i = 0;
      for (ConceptSetComponent cc : valueSet.getCompose().getExclude()) {
        prepareConceptSet("exclude[" + i + "]", cc, chain);
        i++;
      }
    }
  }

  private void prepareConceptSet(String desc, ConceptSetComponent cc, List<String> chain) {
    for (CanonicalType u : cc.getValueSet()) {
      String s = ctx.pinValueSet(u.getValue());
      if (!others.containsKey(s)) {
        ValueSet other = ctx.findValueSet(s, null, valueSet);
        if (other == null) {
          throw new TxException(
              422,
              List.of(
                  TxIssue.error(
                      IssueType.NOTFOUND,
                      null,
                      "Unable_to_resolve_value_Set_",
                      TxMessages.format("Unable_to_resolve_value_Set_", s),
                      "not-found")),
              true,
              null);
        }
        ValueSetChecker checker = new ValueSetChecker(ctx, other, false);
        checker.prepare(chain);
        others.put(s, checker);
      }
    }
    if (!cc.hasSystem()) {
      return;
    }
    String v = ctx.determineVersion(cc.getSystem(), cc.getVersion());
    CodeSystemIndex cs = ctx.findCodeSystem(cc.getSystem(), v, false);
    if (cs == null) {
      return;
    }
    ctx.noteSupplements(cs);
    int i = 0;
    for (ConceptSetFilterComponent f : cc.getFilter()) {
      String op = ConceptFilter.operator(f);
      if (TxContext.isEmpty(f.getValue())) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                "ValueSet.compose." + desc + ".filter[" + i + "]",
                "UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE",
                TxMessages.format("UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE", cs.url(), f.getProperty(), op),
                "vs-invalid"));
      }
      if (!("concept".equals(f.getProperty()) && ("is-a".equals(op) || "descendent-of".equals(op)))
          && (op == null || !ConceptFilter.supported(cs, f.getProperty(), op))) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.NOTSUPPORTED,
                "ValueSet.compose." + desc + ".filter[" + i + "]",
                "FILTER_NOT_UNDERSTOOD",
                TxMessages.format(
                    "FILTER_NOT_UNDERSTOOD", f.getProperty(), op, f.getValue(), valueSet.getUrl(), cs.url()),
                "vs-invalid"));
      }
      i++;
    }
  }

  void checkSupplementsUsed() {
    ctx.checkSupplementsUsed(422);
  }


  // ---------------------------------------------------------------- status of referenced resources

  /** An information issue for a code system or value set the answer used that is retired, draft, .... */
  private static void checkStatus(
      TxOutcome op, String type, String url, CanonicalStatus.Facts used, CanonicalStatus.Facts user) {
    CanonicalStatus.noteworthy(used, user)
        .ifPresent(
            status -> {
              String id = "MSG_" + status.toUpperCase(java.util.Locale.ROOT);
              op.add(TxIssue.information(IssueType.BUSINESSRULE, null, id, TxMessages.format(id, url, "", type), "status-check"));
            });
  }

  private void checkStatus(TxOutcome op, CodeSystemIndex cs) {
    checkStatus(op, "CodeSystem", cs.versionedUrl(), CanonicalStatus.Facts.of(cs), CanonicalStatus.Facts.of(valueSet));
  }

  // ---------------------------------------------------------------- membership of one code

  static String addToPath(String path, String name) {
    return path == null || path.isEmpty() ? name : path + "." + name;
  }

  /**
   * One coding asked of this value set: what is asked (path, system, version, code, display), where the answer goes
   * (the answer being built, its outcome, the per-coding facts) and the displays found. A value set the compose
   * imports is asked the same through {@link #checkFor}.
   */
  private final class Probe {
    private final String path;
    private String system;
    private final String version;
    private final String code;
    private final String display;
    private final Designations displays;
    private final ValidateCodeAnswer st;
    private final PerCoding pc;
    private final TxOutcome op;

    Probe(String path, Coding c, Designations displays, ValidateCodeAnswer st, PerCoding pc) {
      this.path = path;
      this.system = c.getSystem();
      this.version = c.getVersion();
      this.code = c.getCode();
      this.display = c.getDisplay();
      this.displays = displays;
      this.st = st;
      this.pc = pc;
      this.op = st.op;
    }

    /** The same question, asked of this checker's value set. */
    Probe(Probe asked) {
      this.path = asked.path;
      this.system = asked.system;
      this.version = asked.version;
      this.code = asked.code;
      this.display = asked.display;
      this.displays = asked.displays;
      this.st = asked.st;
      this.pc = asked.pc;
      this.op = asked.op;
    }

    Boolean check() {
      pc.defLang = new Language("en");
      if (TxContext.isEmpty(system)) {
        system = inferSystem();
        if (system == null) {
          return false;
        }
      }
      checkSupplementsUsed();
      if (valueSet.hasCompose()) {
        Boolean result = checkIncludes();
        if (Boolean.TRUE.equals(result) && isExcluded()) {
          return false;
        }
        return result;
      }
      if (valueSet.hasExpansion()) {
        return checkInExpansion();
      }
      return false;
    }

    /**
     * System inference: a code without a system gets the one the value set implies when the request allows it
     * ({@code inferSystem}); null, with the reason in the answer, when it does not or the value set implies none or
     * several.
     */
    private String inferSystem() {
      if (!params.inferSystem) {
        String msg = TxMessages.format("Coding_has_no_system__cannot_validate");
        st.messages.add(msg);
        op.add(TxIssue.warning(IssueType.INVALID, path, "Coding_has_no_system__cannot_validate", msg, "invalid-data"));
        return null;
      }
      Set<String> systems = new LinkedHashSet<>();
      String system = new SystemInference(ctx, valueSet).infer(code, systems);
      if (!TxContext.isEmpty(system)) {
        st.impliedSystem = system;
        return system;
      }
      String mid =
          systems.size() > 1
              ? "Unable_to_resolve_system__value_set_has_multiple_matches"
              : "UNABLE_TO_INFER_CODESYSTEM";
      String msg =
          systems.size() > 1
              ? TxMessages.format(mid, code, vurl(), String.join(",", systems))
              : TxMessages.format(mid, code, vurl());
      op.add(TxIssue.error(IssueType.NOTFOUND, "code", mid, msg, "cannot-infer"));
      st.messages.add(msg);
      return null;
    }

    /**
     * Whether an include of the compose (or a value set it imports) holds the code: true, false, or null when the
     * include's code system is unknown (the answer then says so rather than "not in the value set").
     */
    private Boolean checkIncludes() {
      String determinedVersion = null;
      if (TxContext.isEmpty(version)) {
        Set<String> vset = new LinkedHashSet<>();
        for (ConceptSetComponent inc : valueSet.getCompose().getInclude()) {
          if (system.equals(TerminologyRegistry.canonicalSystem(inc.getSystem())) && inc.hasVersion()) {
            vset.add(inc.getVersion());
          }
        }
        if (vset.size() > 1) {
          determinedVersion = pickApplicableVersion(vset, system, code, display);
        }
      }
      List<ConceptSetComponent> includes = new ArrayList<>(valueSet.getCompose().getInclude());
      includes.sort(
          (a, b) -> {
            if (a.hasSystem() && a.getSystem().equals(b.getSystem()) && a.hasVersion() && b.hasVersion()) {
              return -Versions.compare(a.getVersion(), b.getVersion());
            }
            return 0;
          });
      Boolean result = false;
      for (ConceptSetComponent cc : includes) {
        if (!cc.hasSystem()) {
          result = true;
        } else if (TerminologyRegistry.canonicalSystem(cc.getSystem()).equals(system)
            && (determinedVersion == null || determinedVersion.equals(cc.getVersion()))
            && useThisVersion(cc, version)) {
          String v = determineVersion(path, cc.getSystem(), cc.getVersion(), version, op, st);
          CodeSystemIndex cs = knownCodeSystem(v);
          if (cs == null) {
            return params.membershipOnly ? Boolean.FALSE : null;
          }
          for (TxIssue i : ctx.checkVersion(cs.url(), cs.version())) {
            op.add(i);
          }
          pc.defLang = cs.language() == null ? new Language("en") : cs.language();
          checkStatus(op, cs);
          ctx.noteSupplements(cs);
          pc.contentMode = cs.content().toCode();
          if (cs.url().equals(system)
              && !params.excludes(cs.url(), cs.version())
              && checkConceptSet(path, true, cs, cc, code, displays, op, st)) {
            pc.ver = cs.version();
            result = true;
          } else {
            if (explainsExclusions && cc.hasFilter()) {
              explainExclusion(path, cs, cc, code, op);
            }
            result = false;
          }
        } else {
          result = false;
        }
        for (CanonicalType u : cc.getValueSet()) {
          String s = ctx.pinValueSet(u.getValue());
          ValueSetChecker checker = others.get(s);
          if (checker == null) {
            throw TxException.unprocessable(TxIssue.error(IssueType.UNKNOWN, null, null, "No Match for " + s, null));
          }
          checkStatus(
              op,
              "ValueSet",
              ValueSetExpander.versionedUrl(checker.valueSet),
              CanonicalStatus.Facts.of(checker.valueSet),
              CanonicalStatus.Facts.of(valueSet));
          if (Boolean.TRUE.equals(result)) {
            result = checker.checkFor(this);
          }
        }
        if (Boolean.TRUE.equals(result)) {
          break;
        }
      }
      return result;
    }

    /**
     * The asked system's code system at version {@code v}; null when the server has none, which the answer says
     * unless only membership is asked (the membership is then unknown, not false).
     */
    private CodeSystemIndex knownCodeSystem(String v) {
      CodeSystemIndex cs = ctx.findCodeSystem(system, v, true);
      if (cs == null && !params.membershipOnly) {
        reportUnknownSystem(path, system, v, op, st);
      }
      return cs;
    }

    /** Whether an exclude of the compose (with the value sets it names) removes the code. */
    private boolean isExcluded() {
      for (ConceptSetComponent cc : valueSet.getCompose().getExclude()) {
        boolean excluded;
        if (!cc.hasSystem()) {
          excluded = true;
        } else {
          CodeSystemIndex cs = ctx.findCodeSystem(cc.getSystem(), cc.getVersion(), true);
          excluded =
              cs != null && cs.url().equals(system) && checkConceptSet(path, false, cs, cc, code, displays, op, st);
        }
        for (CanonicalType u : cc.getValueSet()) {
          ValueSetChecker checker = others.get(ctx.pinValueSet(u.getValue()));
          if (checker != null) {
            excluded = excluded && Boolean.TRUE.equals(checker.checkFor(this));
          }
        }
        if (excluded) {
          return true;
        }
      }
      return false;
    }

    private Boolean checkInExpansion() {
      ValueSet.ValueSetExpansionContainsComponent found =
          findContains(valueSet.getExpansion().getContains(), system, code);
      if (found == null) {
        return false;
      }
      String v;
      if (!found.hasVersion() && TxContext.isEmpty(version)) {
        v = null;
      } else if (!found.hasVersion()) {
        v = version;
      } else if (TxContext.isEmpty(version) || version.equals(found.getVersion())) {
        v = found.getVersion();
      } else {
        String msg =
            "The code system \""
                + found.getSystem()
                + "\" version \""
                + found.getVersion()
                + "\" in the ValueSet expansion is different to the one in the value (\""
                + version
                + "\")";
        st.messages.add(msg);
        op.add(TxIssue.error(IssueType.NOTFOUND, addToPath(path, "version"), null, msg, "vs-invalid"));
        return false;
      }
      CodeSystemIndex cs = knownCodeSystem(v);
      if (cs == null) {
        return params.membershipOnly ? Boolean.FALSE : null;
      }
      pc.defLang = cs.language() == null ? new Language("en") : cs.language();
      checkStatus(op, cs);
      pc.ver = cs.version();
      pc.contentMode = cs.content().toCode();
      IndexedConcept c = cs.concept(code).orElse(null);
      if (c == null) {
        if (!params.membershipOnly) {
          op.add(unknownCodeIssue(path, code, cs));
        }
        return false;
      }
      if (!params.abstractOk && c.isAbstract()) {
        if (!params.membershipOnly) {
          op.add(abstractIssue(path, cs, code));
        }
        return false;
      }
      st.noteConcept(path, code, c);
      c.addDesignations(displays, cs.language());
      return true;
    }
  }

  /** Whether this value set holds what another value set's probe asks (an import in a compose). */
  private Boolean checkFor(Probe asked) {
    return new Probe(asked).check();
  }

  private static ValueSet.ValueSetExpansionContainsComponent findContains(
      List<ValueSet.ValueSetExpansionContainsComponent> list, String system, String code) {
    for (ValueSet.ValueSetExpansionContainsComponent c : list) {
      if (system.equals(c.getSystem()) && code.equals(c.getCode())) {
        return c;
      }
      ValueSet.ValueSetExpansionContainsComponent f = findContains(c.getContains(), system, code);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private void reportUnknownSystem(String path, String system, String v, TxOutcome op, ValidateCodeAnswer st) {
    String msg;
    String mid;
    boolean add = true;
    if (TxContext.isEmpty(v)) {
      mid = "UNKNOWN_CODESYSTEM";
      msg = TxMessages.format(mid, system);
      st.unknownSystems.add(system);
    } else {
      List<String> vl = ctx.listVersions(system);
      String vn;
      if (vl.isEmpty()) {
        mid = "UNKNOWN_CODESYSTEM_VERSION_NONE";
        vn = system;
      } else {
        mid = "UNKNOWN_CODESYSTEM_VERSION";
        vn = system + "|" + v;
      }
      msg = TxMessages.format(mid, system, v, Versions.presentList(vl));
      add = st.unknownSystems.add(vn);
    }
    st.messages.add(msg);
    if (add) {
      op.add(TxIssue.error(IssueType.NOTFOUND, addToPath(path, "system"), mid, msg, "not-found"));
    }
  }

  private TxIssue unknownCodeIssue(String path, String code, CodeSystemIndex cs) {
    boolean versioned = cs.version() != null;
    String mid = versioned ? "Unknown_Code_in_Version" : "Unknown_Code_in";
    return TxIssue.error(
        IssueType.CODEINVALID,
        addToPath(path, "code"),
        mid,
        TxMessages.format(mid, code, cs.url(), cs.version()),
        "invalid-code");
  }

  private static TxIssue fragmentIssue(String path, String code, CodeSystemIndex cs) {
    return TxIssue.warning(
        IssueType.CODEINVALID,
        addToPath(path, "code"),
        "UNKNOWN_CODE_IN_FRAGMENT",
        TxMessages.format("UNKNOWN_CODE_IN_FRAGMENT", code, cs.url(), cs.version()),
        "invalid-code");
  }

  private static TxIssue abstractIssue(String path, CodeSystemIndex cs, String code) {
    return TxIssue.error(
        IssueType.BUSINESSRULE,
        addToPath(path, "code"),
        "ABSTRACT_CODE_NOT_ALLOWED",
        TxMessages.format("ABSTRACT_CODE_NOT_ALLOWED", cs.url(), code),
        "code-rule");
  }

  private String determineVersion(
      String path, String system, String versionVS, String versionCoding, TxOutcome op, ValidateCodeAnswer st) {
    CodeSystemIndex csa = ctx.findCodeSystem(system, null, false);
    String result = ctx.determineVersion(system, versionVS);
    if (TxContext.isEmpty(versionCoding)) {
      return result;
    }
    if (!TxContext.isEmpty(result) && csa != null && !versionCoding.equals(result) && Versions.matches(result, versionCoding)) {
      result = versionCoding;
    }
    if (TxContext.isEmpty(result)) {
      for (String v : ctx.listVersions(system)) {
        if (v.equals(versionCoding) || Versions.matches(versionCoding, v)) {
          result = versionCoding;
          break;
        }
      }
    }
    CodeSystemIndex cs = ctx.findCodeSystem(system, result, false);
    if (cs != null && !java.util.Objects.equals(cs.version(), versionCoding) && !Versions.matches(versionCoding, cs.version())) {
      IssueSeverity level = IssueSeverity.ERROR;
      String msg;
      String mid;
      if (TxContext.isEmpty(result)) {
        if (!cs.codeSystem().getVersionNeeded()) {
          level = IssueSeverity.WARNING;
        }
        msg = TxMessages.format("VALUESET_VALUE_MISMATCH_DEFAULT", system, cs.version(), versionVS, versionCoding);
        mid = "VALUESET_VALUE_MISMATCH_DEFAULT";
      } else if (!result.equals(versionVS)) {
        msg =
            TxMessages.format(
                "VALUESET_VALUE_MISMATCH_CHANGED", system, result, versionVS == null ? "" : versionVS, versionCoding);
        mid = "VALUESET_VALUE_MISMATCH_CHANGED";
      } else {
        msg = TxMessages.format("VALUESET_VALUE_MISMATCH", system, versionVS, versionCoding);
        mid = "VALUESET_VALUE_MISMATCH";
      }
      op.add(new TxIssue(level, IssueType.INVALID, addToPath(path, "version"), mid, msg, "vs-invalid"));
      if (level == IssueSeverity.ERROR) {
        st.messages.add(msg);
      }
      CodeSystemIndex cs2 = ctx.findCodeSystem(system, versionCoding, false);
      if (cs2 == null) {
        List<String> vl = ctx.listVersions(system);
        st.unknownSystems.add(system + "|" + versionCoding);
        String m = TxMessages.format("UNKNOWN_CODESYSTEM_VERSION", system, versionCoding, Versions.presentList(vl));
        op.add(TxIssue.error(IssueType.NOTFOUND, addToPath(path, "system"), "UNKNOWN_CODESYSTEM_VERSION", m, "not-found"));
        st.messages.add(m);
      }
    } else if (cs == null && !java.util.Objects.equals(result, versionCoding)) {
      String msg = TxMessages.format("VALUESET_VALUE_MISMATCH", system, result, versionCoding);
      op.add(TxIssue.error(IssueType.INVALID, addToPath(path, "version"), "VALUESET_VALUE_MISMATCH", msg, "vs-invalid"));
      st.messages.add(msg);
    }
    return result;
  }

  private String pickApplicableVersion(Set<String> vset, String system, String code, String display) {
    List<String> found = new ArrayList<>();
    for (String v : vset) {
      CodeSystemIndex cs = ctx.findCodeSystem(system, v, false);
      if (cs != null) {
        IndexedConcept c = cs.concept(code).orElse(null);
        if (c != null && (display == null || displayIsOk(cs, c, display))) {
          found.add(v);
        }
      }
    }
    if (found.size() == vset.size()) {
      return null;
    }
    List<String> pool = found.isEmpty() ? new ArrayList<>(vset) : found;
    pool.sort((a, b) -> -Versions.compare(a, b));
    return pool.get(0);
  }

  private static boolean displayIsOk(CodeSystemIndex cs, IndexedConcept c, String display) {
    if (display.equals(c.display())) {
      return true;
    }
    Designations d = new Designations();
    c.addDesignations(d, cs.language());
    return d.all().stream().anyMatch(x -> display.equals(x.value()));
  }

  private boolean useThisVersion(ConceptSetComponent cc, String version) {
    if (TxContext.isEmpty(version) || version.equals(cc.getVersion())) {
      return true;
    }
    for (ConceptSetComponent inc : valueSet.getCompose().getInclude()) {
      if (version.equals(inc.getVersion())) {
        return false;
      }
    }
    return true;
  }

  private boolean excludeInactives() {
    return valueSet.hasCompose() && valueSet.getCompose().hasInactive() && !valueSet.getCompose().getInactive();
  }

  private boolean checkConceptSet(
      String path,
      boolean in,
      CodeSystemIndex cs,
      ConceptSetComponent cset,
      String code,
      Designations displays,
      TxOutcome op,
      ValidateCodeAnswer st) {
    if (!cset.hasConcept() && !cset.hasFilter()) {
      IndexedConcept c = cs.concept(code).orElse(null);
      if (c == null) {
        if (!params.membershipOnly && in) {
          if (!cs.isComplete()) {
            op.add(fragmentIssue(path, code, cs));
            return true;
          }
          op.add(unknownCodeIssue(path, code, cs));
        }
        return false;
      }
      normalise(path, code, c, cs, op, st);
      c.addDesignations(displays, cs.language());
      if (!params.abstractOk && c.isAbstract()) {
        if (!params.membershipOnly && in) {
          op.add(abstractIssue(path, cs, code));
        }
        return false;
      }
      if (excludeInactives() && c.isInactive()) {
        if (in) {
          String msg = TxMessages.format("STATUS_CODE_WARNING_CODE", "not active", code);
          op.add(TxIssue.error(IssueType.BUSINESSRULE, addToPath(path, "code"), "STATUS_CODE_WARNING_CODE", msg, "code-rule"));
          st.messages.add(msg);
          if (!params.membershipOnly) {
            st.markInactive(path, code, c);
          }
        }
        return false;
      }
      if (params.activeOnly && c.isInactive()) {
        if (in) {
          st.markInactive(path, code, c);
          String msg = TxMessages.format("STATUS_CODE_WARNING_CODE", "not active", code);
          st.messages.add(msg);
          op.add(TxIssue.error(IssueType.BUSINESSRULE, addToPath(path, "code"), "STATUS_CODE_WARNING_CODE", msg, "code-rule"));
        }
        return false;
      }
      if (in) {
        st.noteConcept(path, code, c);
      }
      return true;
    }
    for (ConceptReferenceComponent cc : cset.getConcept()) {
      if (code.equals(cc.getCode())) {
        IndexedConcept c = cs.concept(code).orElse(null);
        if (c == null) {
          continue;
        }
        c.addDesignations(displays, cs.language());
        displays.addFromValueSet(cc, valueSet.hasLanguage() ? new Language(valueSet.getLanguage()) : null);
        if (!params.abstractOk && c.isAbstract()) {
          if (!params.membershipOnly) {
            op.add(abstractIssue(path, cs, code));
          }
        } else if (excludeInactives() && c.isInactive()) {
          if (!params.membershipOnly) {
            st.markInactive(path, code, c);
          }
        } else if (params.activeOnly && c.isInactive()) {
          refuseInactive(path, code, c, op, st, in);
        } else {
          Extension ss = cc.getExtensionByUrl(CodeSystemIndex.STANDARDS_STATUS);
          String sstatus = ss != null && ss.getValue() != null ? ss.getValue().primitiveValue() : null;
          if ("withdrawn".equals(sstatus) || "deprecated".equals(sstatus)) {
            op.add(deprecatedInValueSet(path, cs, code, sstatus));
          } else if (cc.hasExtension("http://hl7.org/fhir/StructureDefinition/valueset-deprecated")) {
            op.add(deprecatedInValueSet(path, cs, code, "deprecated"));
          }
          if (in) {
            st.noteConcept(path, code, c);
          }
          return true;
        }
      }
    }
    if (cset.hasFilter()) {
      List<ConceptFilter> filters = new ArrayList<>();
      for (ConceptSetFilterComponent fc : cset.getFilter()) {
        filters.add(ConceptFilter.of(cs, fc.getProperty(), ConceptFilter.operator(fc), fc.getValue()));
      }
      IndexedConcept c = cs.concept(code).orElse(null);
      boolean member = c != null && filters.stream().allMatch(f -> f.includes(c));
      if (member) {
        c.addDesignations(displays, cs.language());
        if (!params.abstractOk && c.isAbstract()) {
          if (!params.membershipOnly) {
            op.add(abstractIssue(path, cs, code));
          }
        } else if (excludeInactives() && c.isInactive()) {
          if (!params.membershipOnly) {
            st.markInactive(path, code, c);
          }
        } else if (params.activeOnly && c.isInactive()) {
          refuseInactive(path, code, c, op, st, in);
        } else {
          if (in && !st.inactive && c.isInactive()) {
            st.markInactive(path, code, c);
          }
          return true;
        }
      }
    }
    return false;
  }

  private void refuseInactive(String path, String code, IndexedConcept c, TxOutcome op, ValidateCodeAnswer st, boolean in) {
    if (!in) {
      return;
    }
    st.markInactive(path, code, c);
    String msg = TxMessages.format("STATUS_CODE_WARNING_CODE", "not active", code);
    st.messages.add(msg);
    op.add(TxIssue.error(IssueType.BUSINESSRULE, addToPath(path, "code"), "STATUS_CODE_WARNING_CODE", msg, "code-rule"));
  }

  private TxIssue deprecatedInValueSet(String path, CodeSystemIndex cs, String code, String status) {
    return TxIssue.warning(
        IssueType.BUSINESSRULE,
        addToPath(path, "code"),
        "CONCEPT_DEPRECATED_IN_VALUESET",
        TxMessages.format("CONCEPT_DEPRECATED_IN_VALUESET", cs.url(), code, status, vurl()),
        "code-comment");
  }



  private void normalise(String path, String code, IndexedConcept c, CodeSystemIndex cs, TxOutcome op, ValidateCodeAnswer st) {
    if (!c.code().equals(code)) {
      String csDesc = cs.versionedUrl();
      String msg = TxMessages.format("CODE_CASE_DIFFERENCE", code, c.code(), csDesc);
      op.add(TxIssue.information(IssueType.BUSINESSRULE, addToPath(path, "code"), "CODE_CASE_DIFFERENCE", msg, "code-rule"));
      st.normalForm = c.code();
    }
  }

  // ---------------------------------------------------------------- the answer

  /** Validates a coded value (one or more codings) and builds the Parameters answer. */
  Parameters checkCodeableConcept(String issuePath, CodeableConcept code, Mode mode) {
    ValidateCodeAnswer st = new ValidateCodeAnswer();
    checkStatus(st.op, "ValueSet", vurl(), CanonicalStatus.Facts.of(valueSet), null);
    Designations list = new Designations();
    int i = 0;
    for (Coding c : code.getCoding()) {
      String path = "CodeableConcept".equals(issuePath) ? addToPath(issuePath, "coding[" + i + "]") : issuePath;
      if (!c.hasCode()) {
        String m =
            c.hasSystem()
                ? "Coding has no code for system " + c.getSystem() + " and cannot be validated"
                : "Coding has no code and cannot be validated";
        st.message(m);
        st.op.add(TxIssue.warning(IssueType.INVALID, path, null, m, "invalid-data"));
        st.noCode = true;
        break;
      }
      list.clear();
      checkCoding(st, issuePath, path, i, c, mode, list);
      i++;
    }
    if ("CodeableConcept".equals(issuePath) && !st.matched.isEmpty()) {
      downgradeUnknownSystemsOfUncheckedCodings(st, issuePath, code);
    }
    boolean noCodeSummary = st.noCode && (mode != Mode.CODEABLE_CONCEPT || internallyDefined);
    if (Boolean.FALSE.equals(st.ok) && !noCodeSummary && (!internallyDefined || !st.op.hasErrors())) {
      addNotInValueSet(st, issuePath, code, mode);
    }
    return st.toParameters(issuePath, code, mode);
  }

  /** The coding check: one coding of the request, in the value set, else against its code system. */
  private void checkCoding(
      ValidateCodeAnswer st, String issuePath, String path, int i, Coding c, Mode mode, Designations list) {
    PerCoding pc = new PerCoding();
    Boolean v = new Probe(path, c, list, st, pc).check();
    if (Boolean.FALSE.equals(v)) {
      st.cause = "code-invalid";
    }
    if (Boolean.TRUE.equals(v)) {
      st.matched.add(i);
    }
    String ws = st.impliedSystem != null ? st.impliedSystem : c.getSystem();
    if (st.triedCode == null || Boolean.TRUE.equals(v)) {
      st.tried(c.getSystem(), c.getCode(), c.getVersion());
    }
    if (TxContext.isEmpty(st.triedVersion) && pc.ver != null) {
      st.triedVersion = pc.ver;
    }
    String cc = (ws == null ? "" : ws) + (c.hasVersion() ? "|" + c.getVersion() : "") + "#" + c.getCode();
    if (c.hasDisplay()) {
      cc = cc + " ('" + c.getDisplay() + "')";
    }
    st.codeList = st.codeList.isEmpty() ? "'" + cc + "'" : st.codeList + ", '" + cc + "'";
    if (Boolean.FALSE.equals(v) && !internallyDefined && mode == Mode.CODEABLE_CONCEPT) {
      String m = TxMessages.format("None_of_the_provided_codes_are_in_the_value_set_one", "", vurl(), "'" + cc + "'");
      st.op.add(
          TxIssue.information(
              IssueType.CODEINVALID,
              issuePath + ".coding[" + i + "].code",
              "None_of_the_provided_codes_are_in_the_value_set_one",
              m,
              "this-code-not-in-vs"));
      if ("null".equals(st.cause)) {
        st.cause = "unknown";
      }
    }
    if (!Boolean.TRUE.equals(st.ok) && !Boolean.FALSE.equals(v)) {
      st.ok = v;
    }
    if (Boolean.TRUE.equals(v)) {
      foundInValueSet(st, path, c, pc, list);
    } else if (!params.membershipOnly && ws != null) {
      checkAgainstCodeSystem(st, issuePath, path, i, c, ws, mode, list);
    }
  }

  private void foundInValueSet(ValidateCodeAnswer st, String path, Coding c, PerCoding pc, Designations list) {
    if ("example".equals(pc.contentMode)) {
      String m =
          "The system " + c.getSystem() + " was found but did not contain enough information to properly validate the code \""
              + c.getCode() + "\" (\"" + c.getDisplay() + "\") (mode = " + pc.contentMode + ")";
      st.message(m);
      st.op.add(TxIssue.warning(IssueType.NOTFOUND, path, null, m, "vs-invalid"));
    } else if (c.hasDisplay() && !list.isEmpty()) {
      displays.inValueSet(list, pc.defLang, c, st::message, st.op, path);
    }
    if (st.matchedCode == null) {
      st.matchedSystem = c.getSystem();
      st.matchedCode = c.getCode();
      st.matchedPath = path;
      if (pc.ver != null) {
        st.matchedVersion = pc.ver;
      }
      String pd = list.preferredDisplay(params.workingLanguages());
      st.display = pd != null ? pd : list.preferredDisplay(null);
    }
  }

  /**
   * A coding not in the value set is still checked against its code system, so the answer says whether the code
   * exists at all, whether its system is known, and whether its display is right.
   */
  private void checkAgainstCodeSystem(
      ValidateCodeAnswer st, String issuePath, String path, int i, Coding c, String ws, Mode mode, Designations list) {
    if (!isAbsoluteUrl(ws)) {
      String m = TxMessages.format("Terminology_TX_System_Relative");
      String p =
          mode == Mode.CODING
              ? issuePath + ".system"
              : mode == Mode.CODEABLE_CONCEPT ? issuePath + ".coding[" + i + "].system" : issuePath;
      st.messages.add(m);
      st.op.add(TxIssue.error(IssueType.INVALID, p, "Terminology_TX_System_Relative", m, "invalid-data"));
    }
    String lookupVersion = c.hasVersion() ? c.getVersion() : vsVersionFor(c.getSystem());
    CodeSystemIndex prov = ctx.findCodeSystem(ws, lookupVersion, true);
    if (prov == null) {
      reportMissingCodeSystem(st, path, c, ws, lookupVersion);
      return;
    }
    TxOutcome op = st.op;
    checkStatus(op, prov);
    IndexedConcept concept = prov.concept(c.getCode()).orElse(null);
    if (concept == null) {
      String vs = ws + "|" + prov.version() + "#" + c.getCode();
      if (!st.unknownCodes.contains(vs)) {
        st.unknownCodes.add(vs);
        st.cause = "code-invalid";
        if (prov.isComplete()) {
          TxIssue issue = unknownCodeIssue(path, c.getCode(), prov);
          st.message(issue.text());
          op.add(issue);
        } else {
          op.add(fragmentIssue(path, c.getCode(), prov));
        }
      }
      return;
    }
    concept.addDesignations(list, prov.language());
    if (!params.membershipOnly && !st.inactive && concept.isInactive()) {
      st.markInactive(path, c.getCode(), concept);
    }
    String pd = list.preferredDisplay(params.workingLanguages());
    if (pd != null) {
      st.display = pd;
    }
    if (st.display == null) {
      st.display = list.preferredDisplay(null);
    }
    if (c.hasDisplay() && !list.isEmpty()) {
      displays.inCodeSystem(list, prov, c, st::message, op, path);
    }
    if (prov.version() != null && mode != Mode.CODEABLE_CONCEPT && st.codeSystemVersion == null) {
      st.codeSystemVersion = prov.version();
    }
  }

  /** The coding's system is not a code system here: a value set's URL, a supplement, an unknown system or version. */
  private void reportMissingCodeSystem(ValidateCodeAnswer st, String path, Coding c, String ws, String lookupVersion) {
    String systemPath = addToPath(path, "system");
    st.cause = "invalid";
    if (ctx.source.valueSet(ws, null).isPresent()) {
      String m = TxMessages.format("Terminology_TX_System_ValueSet2", ws);
      st.message(m);
      st.op.add(TxIssue.error(IssueType.INVALID, systemPath, "Terminology_TX_System_ValueSet2", m, "invalid-data"));
      return;
    }
    var supplement = ctx.source.supplement(ws, lookupVersion);
    if (supplement.isPresent()) {
      String m = TxMessages.format("CODESYSTEM_CS_NO_SUPPLEMENT", CodeSystemIndex.of(supplement.get()).versionedUrl());
      st.message(m);
      st.op.add(TxIssue.error(IssueType.INVALID, systemPath, "CODESYSTEM_CS_NO_SUPPLEMENT", m, "invalid-data"));
      return;
    }
    String m;
    String mid;
    boolean first;
    if (ctx.findCodeSystem(ws, null, true) == null && TxContext.isEmpty(lookupVersion)) {
      mid = "UNKNOWN_CODESYSTEM";
      m = TxMessages.format(mid, ws);
      first = st.unknownSystems.add(ws);
    } else {
      List<String> known = ctx.listVersions(c.getSystem());
      mid = known.isEmpty() ? "UNKNOWN_CODESYSTEM_VERSION_NONE" : "UNKNOWN_CODESYSTEM_VERSION";
      m = TxMessages.format(mid, ws, lookupVersion, Versions.presentList(known));
      first = st.unknownSystems.add(known.isEmpty() ? ws : ws + "|" + lookupVersion);
    }
    if (first) {
      st.op.add(TxIssue.error(IssueType.NOTFOUND, systemPath, mid, m, "not-found"));
    }
    st.message(m);
    st.cause = "not-found";
  }

  /**
   * Once one coding of a CodeableConcept is in the value set, the others' unknown systems are no longer errors:
   * those codings were not needed, and HL7's message says they were not checked.
   */
  private static void downgradeUnknownSystemsOfUncheckedCodings(
      ValidateCodeAnswer st, String issuePath, CodeableConcept code) {
    Set<String> notChecked = Set.of("UNKNOWN_CODESYSTEM", "UNKNOWN_CODESYSTEM_VERSION", "UNKNOWN_CODESYSTEM_VERSION_NONE");
    int j = 0;
    for (Coding c : code.getCoding()) {
      if (!st.matched.contains(j)) {
        String sysPath = issuePath + ".coding[" + j + "].system";
        for (TxIssue iss : new ArrayList<>(st.op.issues())) {
          if (iss.isError() && notChecked.contains(iss.messageId()) && sysPath.equals(iss.path())) {
            String now =
                TxMessages.format(
                    "UNKNOWN_CODESYSTEM_CODING_NOT_CHECKED",
                    c.hasVersion() ? c.getSystem() + "|" + c.getVersion() : c.getSystem());
            st.op.replace(
                iss, iss.withSeverity(IssueSeverity.WARNING).withText("UNKNOWN_CODESYSTEM_CODING_NOT_CHECKED", now));
            st.messages.remove(iss.text());
            st.message(now);
          }
        }
      }
      j++;
    }
  }

  private void addNotInValueSet(ValidateCodeAnswer st, String issuePath, CodeableConcept code, Mode mode) {
    String mid;
    String m;
    String p;
    if (mode == Mode.CODEABLE_CONCEPT) {
      mid = "TX_GENERAL_CC_ERROR_MESSAGE";
      m = TxMessages.format(mid, vurl());
      p = "";
    } else {
      mid = "None_of_the_provided_codes_are_in_the_value_set_one";
      m = TxMessages.format(mid, "", vurl(), st.codeList);
      if (issuePath == null || issuePath.isEmpty()) {
        p = "code";
      } else if (!"CodeableConcept".equals(issuePath)) {
        p = issuePath + ".code";
      } else if (code.getCoding().size() == 1) {
        p = issuePath + ".coding[0].code";
      } else {
        p = issuePath;
      }
    }
    if (st.op.add(TxIssue.error(IssueType.CODEINVALID, p, mid, m, "not-in-vs"))) {
      st.message(m);
    }
  }

  private String vsVersionFor(String system) {
    String v = null;
    if (!valueSet.hasCompose()) {
      return null;
    }
    for (ConceptSetComponent inc : valueSet.getCompose().getInclude()) {
      if (inc.hasVersion() && java.util.Objects.equals(inc.getSystem(), system)) {
        if (v == null || Versions.compare(inc.getVersion(), v) > 0) {
          v = inc.getVersion();
        }
      }
    }
    return v;
  }

  static boolean isAbsoluteUrl(String s) {
    return s.startsWith("urn:") || s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  static Parameters emptyBool(boolean b) {
    Parameters p = new Parameters();
    p.addParameter().setName("result").setValue(new BooleanType(b));
    return p;
  }
}
