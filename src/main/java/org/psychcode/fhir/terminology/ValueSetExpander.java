package org.psychcode.fhir.terminology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceDesignationComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.hl7.fhir.utilities.CanonicalPair;

/**
 * Computes the expansion of a ValueSet's {@code compose}: includes and excludes of concept lists, filters, whole
 * code systems and imported value sets, with the hierarchy kept where the definition allows it. Follows the rules
 * of the FHIR terminology ecosystem, including the expansion parameters it reports ({@code used-codesystem},
 * {@code warning-draft}, ...). One expander per expansion; not thread-safe.
 */
final class ValueSetExpander {

  static final int EXTERNAL_LIMIT = 1000;
  static final int INTERNAL_LIMIT = 10000;
  static final String EXPANSION_PARAMETER_EXT =
      "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter";
  static final String UNCLOSED = "http://hl7.org/fhir/StructureDefinition/valueset-unclosed";
  static final String UNCLOSED_REASON = "http://hl7.org/fhir/StructureDefinition/valueset-unclosed-reason";

  private final TxContext ctx;
  private final TxParameters params;
  private final int limitCount;
  private final TextFilter filter;

  private final Map<String, Expansion.Item> map = new HashMap<>();
  private final List<Expansion.Item> rootList = new ArrayList<>();
  private final List<Expansion.Item> fullList = new ArrayList<>();
  private final Set<String> excludedSystems = new HashSet<>();
  private final Set<String> excluded = new HashSet<>();
  private final List<Map.Entry<String, Type>> expParams = new ArrayList<>();
  private final Map<String, String> propertyDefs = new LinkedHashMap<>();
  private final List<Extension> expExtensions = new ArrayList<>();
  private final Set<String> reportedSupplements = new java.util.LinkedHashSet<>();
  private boolean canBeHierarchy;
  private boolean hasExclusions;
  private boolean doingVersion;
  private boolean notClosed;
  private boolean excludeSpecialCase;
  private boolean wholeSystem;
  private ValueSet valueSet;
  private final List<String> chain;

  ValueSetExpander(TxContext ctx, int limit, TextFilter filter) {
    this(ctx, limit, filter, List.of());
  }

  private ValueSetExpander(TxContext ctx, int limit, TextFilter filter, List<String> chain) {
    this.chain = chain;
    this.ctx = ctx;
    this.params = ctx.params;
    int requested = params.limit;
    this.limitCount = requested <= 0 ? limit : Math.min(requested, limit);
    this.filter = filter;
  }

  /** Notes a ValueSet's declared expansion parameters and language before it is expanded or validated against. */
  static void seeValueSet(ValueSet vs, TxParameters params) {
    if (vs.hasCompose()) {
      for (Extension ext : vs.getCompose().getExtension()) {
        if (ext.getUrl().equals(EXPANSION_PARAMETER_EXT)
            || ext.getUrl().equals("http://hl7.org/fhir/tools/StructureDefinition/valueset-expansion-parameter")) {
          Extension name = ext.getExtensionByUrl("name");
          Extension value = ext.getExtensionByUrl("value");
          if (name != null && value != null && name.getValue() != null) {
            params.seeDeclared(name.getValue().primitiveValue(), value.getValue());
          }
        }
      }
    }
    if (params.httpLanguages == null && vs.hasLanguage()) {
      params.httpLanguages = Languages.parse(vs.getLanguage(), !params.validating());
    }
  }

  Expansion expand(ValueSet source) {
    seeValueSet(source, params);
    this.valueSet = source;
    ValueSet header = source.copy();
    header.setId((String) null);
    header.setMeta(null);
    if (!params.includeDefinition) {
      header.setPurpose(null);
      header.setCompose(null);
      header.setDescription(null);
      header.getContact().clear();
      header.setCopyright(null);
      header.setPublisher(null);
      header.getExtension().clear();
      header.setText(null);
      header.getContained().clear();
    }
    ctx.requireSupplementsOf(source);
    String timestamp = Instant.now().toString();
    if (source.hasExpansion() && !source.hasCompose()) {
      return fromExistingExpansion(header, source, timestamp);
    }
    canBeHierarchy = !params.excludeNested;
    if (params.offset > 0) {
      canBeHierarchy = false;
    }
    if (!filter.isNull()) {
      param("filter", new StringType(filter.text()));
    }
    if (params.displayLanguages != null) {
      param("displayLanguage", new CodeType(params.displayLanguages.source()));
    } else if (params.httpLanguages != null && !params.httpLanguages.source().isEmpty()) {
      param("displayLanguage", new CodeType(params.httpLanguages.source()));
    }
    params.designations.forEach(d -> param("designation", new StringType(d)));
    if (params.hasExcludeNested) {
      param("excludeNested", new BooleanType(params.excludeNested));
    }
    if (params.versionsMatch) {
      param("versionsMatch", new BooleanType(true));
    }
    if (params.hasActiveOnly) {
      param("activeOnly", new BooleanType(params.activeOnly));
    }
    if (params.hasIncludeDesignations) {
      param("includeDesignations", new BooleanType(params.includeDesignations));
    }
    if (params.hasIncludeDefinition) {
      param("includeDefinition", new BooleanType(params.includeDefinition));
    }
    if (params.hasExcludeNotForUI) {
      param("excludeNotForUI", new BooleanType(params.excludeNotForUI));
    }
    if (params.hasExcludePostCoordinated) {
      param("excludePostCoordinated", new BooleanType(params.excludePostCoordinated));
    }
    CanonicalStatus.noteworthy(CanonicalStatus.Facts.of(source), null)
        .ifPresent(status -> param("warning-" + status, new UriType(versionedUrl(source))));
    if (source.hasCompose()) {
      handleCompose(source);
    }
    ctx.checkSupplementsUsed(422);
    for (String s : reportedSupplements) {
      param("used-supplement", new UriType(s));
    }
    for (String s : ctx.foundParameters) {
      String[] kv = s.split("=", 2);
      if (!kv[1].equals(versionedUrl(source))) {
        param(kv[0], new UriType(kv[1]));
      }
    }
    if (notClosed && !hasExtension(UNCLOSED)) {
      expExtensions.add(new Extension(UNCLOSED, new BooleanType(true)));
    }
    boolean hierarchy = canBeHierarchy && !notClosed;
    if (!hierarchy) {
      for (Expansion.Item i : fullList) {
        i.children.clear();
      }
    }
    return new Expansion(
        header,
        hierarchy ? List.copyOf(rootList) : List.copyOf(fullList),
        List.copyOf(fullList),
        hierarchy,
        wholeSystem,
        notClosed,
        fullList.size(),
        List.copyOf(expParams),
        propertyDefs,
        expExtensions,
        timestamp);
  }

  private Expansion fromExistingExpansion(ValueSet header, ValueSet source, String timestamp) {
    List<Expansion.Item> all = new ArrayList<>();
    for (ValueSetExpansionContainsComponent c : source.getExpansion().getContains()) {
      flatten(c, all);
    }
    source.getExpansion().getParameter().forEach(p -> param(p.getName(), p.getValue()));
    return new Expansion(
        header, all, all, false, false, false, all.size(), List.copyOf(expParams), propertyDefs, expExtensions,
        timestamp);
  }

  private static void flatten(ValueSetExpansionContainsComponent c, List<Expansion.Item> into) {
    if (c.hasCode()) {
      Expansion.Item i = new Expansion.Item(c.getSystem(), c.getVersion(), c.getCode());
      i.display = c.getDisplay();
      i.isAbstract = c.getAbstract();
      i.inactive = c.getInactive();
      c.getDesignation().forEach(d -> i.designations.add(d.copy()));
      into.add(i);
    }
    c.getContains().forEach(cc -> flatten(cc, into));
  }

  private boolean hasExtension(String url) {
    return expExtensions.stream().anyMatch(e -> url.equals(e.getUrl()));
  }

  /** What names a value set in a chain of imports: its canonical, else its (contained) id. */
  static String identity(ValueSet vs) {
    if (vs.hasUrl()) {
      return versionedUrl(vs);
    }
    return "#" + (vs.getIdElement().getIdPart() == null ? "" : vs.getIdElement().getIdPart());
  }

  static String versionedUrl(ValueSet vs) {
    return vs.hasVersion() ? vs.getUrl() + "|" + vs.getVersion() : vs.getUrl();
  }

  private void param(String name, Type value) {
    String v = value.primitiveValue();
    for (Map.Entry<String, Type> p : expParams) {
      if (p.getKey().equals(name) && java.util.Objects.equals(p.getValue().primitiveValue(), v)) {
        return;
      }
    }
    expParams.add(Map.entry(name, value));
  }

  private boolean excludeInactives(ValueSet vs) {
    return vs.getCompose().hasInactive() && !vs.getCompose().getInactive();
  }

  private void handleCompose(ValueSet source) {
    doingVersion = false;
    Map<String, String> systemVersions = new HashMap<>();
    for (ConceptSetComponent c : source.getCompose().getInclude()) {
      checkSource(c, systemVersions, source);
    }
    for (ConceptSetComponent c : source.getCompose().getExclude()) {
      hasExclusions = true;
      checkSource(c, systemVersions, source);
    }
    checkForExclusionVersionSpecialCase(source);
    int i = 0;
    for (ConceptSetComponent c : source.getCompose().getExclude()) {
      excludeCodes(c, "ValueSet.compose.exclude[" + i + "]", source);
      i++;
    }
    List<ConceptSetComponent> includes = new ArrayList<>(source.getCompose().getInclude());
    List<ConceptSetComponent> ordered = new ArrayList<>(includes);
    ordered.sort(
        (a, b) -> {
          if (a.hasSystem() && a.getSystem().equals(b.getSystem()) && a.hasVersion() && b.hasVersion()) {
            return -Versions.compare(a.getVersion(), b.getVersion());
          }
          return 0;
        });
    for (ConceptSetComponent c : ordered) {
      includeCodes(c, "ValueSet.compose.include[" + includes.indexOf(c) + "]", source);
    }
  }

  private void checkForExclusionVersionSpecialCase(ValueSet source) {
    if (params.hasVersionsMatch) {
      return;
    }
    List<ConceptSetComponent> inc = source.getCompose().getInclude();
    List<ConceptSetComponent> exc = source.getCompose().getExclude();
    if (inc.isEmpty() || exc.isEmpty()) {
      return;
    }
    String system = inc.get(0).getSystem();
    boolean same = inc.stream().allMatch(x -> java.util.Objects.equals(x.getSystem(), system) && x.hasVersion())
        && exc.stream().allMatch(x -> java.util.Objects.equals(x.getSystem(), system) && x.hasVersion());
    boolean overlap =
        inc.stream().anyMatch(x -> exc.stream().anyMatch(e -> java.util.Objects.equals(e.getVersion(), x.getVersion())));
    if (same && !overlap) {
      params.versionsMatch = true;
      params.hasVersionsMatch = true;
      excludeSpecialCase = true;
      param("versionsMatch", new BooleanType(true));
    }
  }

  private void checkSource(ConceptSetComponent cset, Map<String, String> systemVersions, ValueSet source) {
    for (org.hl7.fhir.r4.model.CanonicalType u : cset.getValueSet()) {
      String s = ctx.pinValueSet(u.getValue());
      if (ctx.findValueSet(s, null, source) == null) {
        throw unknownImport(s);
      }
    }
    if (cset.hasSystem()) {
      if (systemVersions.containsKey(cset.getSystem())) {
        if (!java.util.Objects.equals(systemVersions.get(cset.getSystem()), cset.getVersion())) {
          doingVersion = true;
        }
      } else {
        systemVersions.put(cset.getSystem(), cset.getVersion());
      }
      CodeSystemIndex cs = ctx.findCodeSystem(cset.getSystem(), cset.getVersion(), true);
      if (cs != null) {
        switch (cs.content()) {
          case COMPLETE -> {}
          case NOTPRESENT -> throw notExpandable(cset.getSystem(), "has no content");
          case SUPPLEMENT -> throw notExpandable(cset.getSystem(), "defines a supplement");
          default -> {
            param("used-" + (cs.content() == org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode.FRAGMENT
                ? "fragment" : cs.content().toCode()), new UriType(cs.versionedUrl()));
            if (!hasExtension(UNCLOSED)) {
              expExtensions.add(new Extension(UNCLOSED, new BooleanType(true)));
              expExtensions.add(
                  new Extension(
                      UNCLOSED_REASON,
                      new StringType("This extension is based on a fragment of the code system " + cset.getSystem())));
            }
          }
        }
      }
    }
  }

  private static TxException notExpandable(String system, String why) {
    return TxException.unprocessable(
        TxIssue.error(
            IssueType.BUSINESSRULE,
            null,
            null,
            "The code system definition for " + system + " " + why + ", so this expansion cannot be performed",
            "invalid"));
  }

  private TxException unknownImport(String s) {
    CanonicalPair canonical = CanonicalPair.of(s);
    if (canonical.hasVersion()) {
      String u = canonical.getUrl();
      String v = canonical.getVersion();
      return TxException.unprocessable(
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              "VS_EXP_IMPORT_UNK_PINNED",
              TxMessages.format("VS_EXP_IMPORT_UNK_PINNED", u, v),
              "not-found"));
    }
    return TxException.unprocessable(
        TxIssue.error(
            IssueType.NOTFOUND, null, "VS_EXP_IMPORT_UNK", TxMessages.format("VS_EXP_IMPORT_UNK", s), "unknown"));
  }

  /** Expands an imported value set with the same request options but the larger internal limit. */
  private Expansion expandImport(String url, ValueSet container) {
    ValueSet vs = ctx.findValueSet(url, null, container);
    if (vs == null) {
      throw unknownImport(url);
    }
    List<String> pathway = new ArrayList<>(chain);
    pathway.add(identity(valueSet));
    if (pathway.contains(identity(vs))) {
      throw circular(vs, pathway);
    }
    TxContext inner = new TxContext(ctx.source, params.copy());
    inner.params.count = -1;
    inner.params.offset = -1;
    ValueSetExpander e = new ValueSetExpander(inner, INTERNAL_LIMIT, filter, List.copyOf(pathway));
    Expansion result = e.expand(vs);
    checkStatus(CanonicalStatus.Facts.of(vs), versionedUrl(vs));
    if (!url.startsWith("#")) {
      param("used-valueset", new UriType(versionedUrl(vs)));
    }
    return result;
  }

  static TxException circular(ValueSet target, List<String> pathway) {
    return TxException.invalid(
        TxIssue.error(
            IssueType.PROCESSING,
            null,
            "VALUESET_CIRCULAR_REFERENCE",
            TxMessages.format("VALUESET_CIRCULAR_REFERENCE", identity(target), "[" + String.join(", ", pathway) + "]"),
            "vs-invalid"));
  }

  /** A {@code warning-<status>} expansion parameter for a code system or value set the expansion used. */
  private void checkStatus(CanonicalStatus.Facts used, String url) {
    CanonicalStatus.noteworthy(used, CanonicalStatus.Facts.of(valueSet)).ifPresent(status -> param("warning-" + status, new UriType(url)));
  }

  private boolean passesImports(List<Expansion> imports, String system, String code, int offset) {
    if (imports == null) {
      return true;
    }
    for (int i = offset; i < imports.size(); i++) {
      boolean found = false;
      for (Expansion.Item it : imports.get(i).all) {
        if (it.system.equals(system) && it.code.equals(code)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private String key(String system, String version, String code) {
    return system + "~" + (doingVersion && !params.versionsMatch ? version + "~" : "") + code;
  }

  private boolean isExcluded(String system, String version, String code) {
    if (excludedSystems.contains(system)) {
      return true;
    }
    String k = doingVersion && !params.versionsMatch ? system + "|" + version : system;
    if (excludedSystems.contains(k)) {
      return true;
    }
    return excluded.contains(k + "#" + code);
  }

  private void checkLimit() {
    if (limitCount > 0 && fullList.size() >= limitCount && !hasExclusions) {
      throw TxException.unprocessable(
          TxIssue.error(
              IssueType.TOOCOSTLY,
              null,
              "VALUESET_TOO_COSTLY",
              TxMessages.format("VALUESET_TOO_COSTLY", versionedUrl(valueSet), ">" + limitCount),
              null));
    }
  }

  private Expansion.Item includeConcept(
      CodeSystemIndex cs,
      Expansion.Item parent,
      IndexedConcept c,
      List<Expansion> imports,
      ConceptReferenceComponent fromValueSet,
      boolean excludeInactive) {
    Designations names = new Designations();
    c.addDesignations(names, cs.language());
    if (fromValueSet != null) {
      names.addFromValueSet(fromValueSet, valueSet.hasLanguage() ? new Language(valueSet.getLanguage()) : null);
    }
    return includeCode(cs, parent, c.code(), c, names, imports, fromValueSet, excludeInactive);
  }



  private Expansion.Item includeCode(
      CodeSystemIndex cs,
      Expansion.Item parent,
      String code,
      IndexedConcept c,
      Designations names,
      List<Expansion> imports,
      ConceptReferenceComponent fromValueSet,
      boolean excludeInactive) {
    String system = cs.url();
    String version = cs.version();
    if (!passesImports(imports, system, code, 0)) {
      return null;
    }
    boolean inactive = c.isInactive();
    if (inactive && excludeInactive) {
      return null;
    }
    if (isExcluded(system, version, code) || params.excludes(system, version)) {
      return null;
    }
    if (!filter.isNull() && !filter.passes(names, code)) {
      return null;
    }
    checkLimit();
    param("used-codesystem", new UriType(cs.versionedUrl()));
    String k = key(system, version, code);
    if (map.containsKey(k)) {
      canBeHierarchy = false;
      return null;
    }
    Expansion.Item n = new Expansion.Item(system, doingVersion ? version : null, code);
    n.names = names;
    n.isAbstract = c.isAbstract();
    n.inactive = inactive;
    String status = c.status();
    if (status != null && !status.equalsIgnoreCase("active")) {
      property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "status", "status", new CodeType(status), false);
    } else if (c.isDeprecated()) {
      property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "status", "status", new CodeType("deprecated"), false);
    }
    for (Extension e : c.extensions()) {
      if (List.of(
              "http://hl7.org/fhir/StructureDefinition/coding-sctdescid",
              "http://hl7.org/fhir/StructureDefinition/rendering-style",
              "http://hl7.org/fhir/StructureDefinition/rendering-xhtml",
              "http://hl7.org/fhir/StructureDefinition/codesystem-alternate")
          .contains(e.getUrl())) {
        n.extensions.add(e);
      }
      if ("http://hl7.org/fhir/StructureDefinition/codesystem-label".equals(e.getUrl())) {
        property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "label", "label", e.getValue(), false);
      }
      if ("http://hl7.org/fhir/StructureDefinition/codesystem-conceptOrder".equals(e.getUrl())) {
        property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "order", "order", decimal(e.getValue()), false);
      }
      if ("http://hl7.org/fhir/StructureDefinition/itemWeight".equals(e.getUrl())) {
        property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "itemWeight", "weight", decimal(e.getValue()), false);
      }
    }
    if (fromValueSet != null) {
      for (Extension e : fromValueSet.getExtension()) {
        switch (e.getUrl()) {
          case "http://hl7.org/fhir/StructureDefinition/valueset-label" ->
              property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "label", "label", e.getValue(), false);
          case "http://hl7.org/fhir/StructureDefinition/valueset-conceptOrder" ->
              property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "order", "order", decimal(e.getValue()), false);
          case "http://hl7.org/fhir/StructureDefinition/itemWeight" ->
              property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "itemWeight", "weight", decimal(e.getValue()), false);
          case TxContext.VALUESET_SUPPLEMENT,
              "http://hl7.org/fhir/StructureDefinition/valueset-deprecated",
              CodeSystemIndex.STANDARDS_STATUS,
              "http://hl7.org/fhir/StructureDefinition/valueset-concept-definition",
              "http://hl7.org/fhir/StructureDefinition/coding-sctdescid",
              "http://hl7.org/fhir/StructureDefinition/rendering-style",
              "http://hl7.org/fhir/StructureDefinition/rendering-xhtml" -> n.extensions.add(e);
          default -> {}
        }
      }
    }
    Designation pref = names.preferred(params.workingLanguages());
    if (pref != null && pref.value() != null) {
      n.display = pref.value();
    }
    if (params.includeDesignations) {
      for (Designation d : names.all()) {
        if (d != pref && useDesignation(d) && d.value() != null) {
          ConceptReferenceDesignationComponent out = new ConceptReferenceDesignationComponent();
          if (d.language() != null) {
            out.setLanguage(d.language().code());
          }
          if (d.use() != null) {
            out.setUse(d.use().copy());
          }
          out.setValue(d.value());
          for (Extension e : d.extensions()) {
            if (List.of(
                    "http://hl7.org/fhir/StructureDefinition/coding-sctdescid",
                    "http://hl7.org/fhir/StructureDefinition/rendering-style",
                    "http://hl7.org/fhir/StructureDefinition/rendering-xhtml",
                    CodeSystemIndex.STANDARDS_STATUS,
                    "http://hl7.org/fhir/StructureDefinition/codesystem-alternate")
                .contains(e.getUrl())) {
              out.addExtension(e.copy());
            }
          }
          n.designations.add(out);
        }
      }
    }
    if (params.properties.contains("*")) {
      for (ConceptPropertyComponent p : c.propertyList()) {
        property(n, cs.propertyUri(p.getCode()), p.getCode(), p.getValue(), true);
      }
    }
    for (String pn : params.properties) {
      if (pn.equals("*")) {
        continue;
      }
      if (pn.equals("definition")) {
        if (c.definition() != null) {
          property(n, CodeSystemIndex.CONCEPT_PROPERTIES + "definition", pn, new StringType(c.definition()), false);
        }
      } else {
        for (ConceptPropertyComponent p : c.propertyList()) {
          if (pn.equals(p.getCode())) {
            property(n, cs.propertyUri(pn), pn, p.getValue(), true);
          }
        }
      }
    }
    fullList.add(n);
    map.put(k, n);
    if (parent != null) {
      parent.children.add(n);
    } else {
      rootList.add(n);
    }
    return n;
  }

  private static Type decimal(Type t) {
    if (t == null) {
      return null;
    }
    return new org.hl7.fhir.r4.model.DecimalType(t.primitiveValue());
  }

  private boolean useDesignation(Designation d) {
    if (params.designations.isEmpty()) {
      return true;
    }
    for (String s : params.designations) {
      String[] lr = s.split("\\|", 2);
      String l = lr[0];
      String r = lr.length > 1 ? lr[1] : "";
      if (d.use() != null && l.equals(d.use().getSystem()) && r.equals(d.use().getCode())) {
        return true;
      }
      if (d.language() != null && l.equals("urn:ietf:bcp:47") && r.equals(d.language().code())) {
        return true;
      }
    }
    return false;
  }

  private void property(Expansion.Item n, String uri, String code, Type value, boolean repeatable) {
    if (value == null) {
      return;
    }
    String declared = declareProperty(uri, code);
    if (repeatable) {
      for (Map.Entry<String, Type> p : n.properties) {
        if (p.getKey().equals(declared) && value.equalsDeep(p.getValue())) {
          return;
        }
      }
      n.properties.add(Map.entry(declared, value));
      return;
    }
    n.properties.removeIf(p -> p.getKey().equals(declared));
    n.properties.add(Map.entry(declared, value));
  }

  private String declareProperty(String uri, String code) {
    for (Map.Entry<String, String> e : propertyDefs.entrySet()) {
      if ((uri != null && uri.equals(e.getValue())) || e.getKey().equals(code)) {
        if (uri != null && e.getValue() == null) {
          e.setValue(uri);
        }
        return e.getKey();
      }
    }
    propertyDefs.put(code, uri);
    return code;
  }

  private void includeCodes(ConceptSetComponent cset, String path, ValueSet source) {
    boolean excludeInactive = excludeInactives(source);
    if (cset.hasValueSet() || cset.hasConcept() || cset.getFilter().size() > 1) {
      canBeHierarchy = false;
    }
    List<Expansion> imports = new ArrayList<>();
    if (!cset.hasSystem()) {
      for (org.hl7.fhir.r4.model.CanonicalType u : cset.getValueSet()) {
        imports.add(expandImport(ctx.pinValueSet(u.getValue()), source));
      }
      if (!imports.isEmpty()) {
        importValueSet(imports.get(0), imports, 1);
      }
      return;
    }
    CodeSystemIndex cs = ctx.findCodeSystem(cset.getSystem(), cset.getVersion(), true);
    if (cs == null) {
      throw unknownSystem(cset.getSystem(), ctx.determineVersion(cset.getSystem(), cset.getVersion()));
    }
    for (TxIssue issue : ctx.checkVersion(cs.url(), cs.version())) {
      throw new TxException(400, issue);
    }
    ctx.noteSupplements(cs);
    for (org.hl7.fhir.r4.model.CodeSystem s : cs.supplements()) {
      reportedSupplements.add(s.hasVersion() ? s.getUrl() + "|" + s.getVersion() : s.getUrl());
    }
    checkStatus(CanonicalStatus.Facts.of(cs), cs.versionedUrl());
    param("used-codesystem", new UriType(cs.versionedUrl()));
    for (org.hl7.fhir.r4.model.CanonicalType u : cset.getValueSet()) {
      imports.add(expandImport(ctx.pinValueSet(u.getValue()), source));
    }
    List<Expansion> importList = imports.isEmpty() ? null : imports;
    if (!cset.hasConcept() && !cset.hasFilter()) {
      wholeSystem = true;
      if (!filter.isNull()) {
        canBeHierarchy = false;
      }
      Set<String> visited = new HashSet<>();
      for (IndexedConcept root : cs.roots()) {
        includeCodeAndDescendants(cs, root, importList, null, excludeInactive, visited);
      }
    }
    if (cset.hasConcept()) {
      for (ConceptReferenceComponent cc : cset.getConcept()) {
        IndexedConcept c = cs.concept(cc.getCode()).orElse(null);
        if (c != null && (!params.activeOnly || !c.isInactive())) {
          includeConcept(cs, null, c, importList, cc, excludeInactive);
        }
      }
    }
    if (cset.hasFilter()) {
      List<ConceptFilter> filters = buildFilters(cs, cset, path);
      ConceptFilter first = filters.get(0);
      for (IndexedConcept c : first.concepts()) {
        if (params.activeOnly && c.isInactive()) {
          continue;
        }
        if (!passesFilters(c, filters)) {
          continue;
        }
        Expansion.Item parent = null;
        if (cs.hasHierarchy()) {
          if (!c.parents().isEmpty()) {
            parent = map.get(key(cs.url(), cs.version(), c.parents().get(0)));
          }
        } else {
          canBeHierarchy = false;
        }
        includeConcept(cs, parent, c, importList, null, excludeInactive);
      }
    }
  }

  private static boolean passesFilters(IndexedConcept c, List<ConceptFilter> filters) {
    for (int i = 1; i < filters.size(); i++) {
      if (!filters.get(i).includes(c)) {
        return false;
      }
    }
    return true;
  }

  private List<ConceptFilter> buildFilters(CodeSystemIndex cs, ConceptSetComponent cset, String path) {
    List<ConceptFilter> filters = new ArrayList<>();
    int i = 0;
    for (ConceptSetFilterComponent fc : cset.getFilter()) {
      String property = fc.getProperty();
      String op = ConceptFilter.operator(fc);
      if (TxContext.isEmpty(fc.getValue())) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                path + ".filter[" + i + "]",
                "UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE",
                TxMessages.format("UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE", cs.url(), property, op),
                "vs-invalid"));
      }
      if (op == null || !ConceptFilter.supported(cs, property, op)) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.NOTSUPPORTED,
                path + ".filter[" + i + "]",
                "FILTER_NOT_UNDERSTOOD",
                TxMessages.format(
                    "FILTER_NOT_UNDERSTOOD", property, op, fc.getValue(), valueSet.getUrl(), cs.url()),
                "vs-invalid"));
      }
      filters.add(ConceptFilter.of(cs, property, op, fc.getValue()));
      i++;
    }
    return filters;
  }

  private int includeCodeAndDescendants(
      CodeSystemIndex cs,
      IndexedConcept c,
      List<Expansion> imports,
      Expansion.Item parent,
      boolean excludeInactive,
      Set<String> visited) {
    if (!visited.add(c.code())) {
      canBeHierarchy = false;
      return 0;
    }
    param("used-codesystem", new UriType(cs.versionedUrl()));
    int result = 0;
    Expansion.Item n;
    if ((!params.excludeNotForUI || !c.isAbstract()) && (!params.activeOnly || !c.isInactive())) {
      n = includeConcept(cs, parent, c, imports, null, excludeInactive);
      if (n != null) {
        result++;
      } else {
        n = parent;
      }
    } else {
      n = parent;
    }
    for (IndexedConcept child : cs.children(c)) {
      result += includeCodeAndDescendants(cs, child, imports, n, excludeInactive, visited);
    }
    return result;
  }

  private void importValueSet(Expansion vs, List<Expansion> imports, int offset) {
    canBeHierarchy = false;
    for (Map.Entry<String, Type> p : vs.parameters) {
      param(p.getKey(), p.getValue());
    }
    for (Expansion.Item c : vs.all) {
      String k = key(c.system, c.version, c.code);
      if (passesImports(imports, c.system, c.code, offset)
          && !map.containsKey(k)
          && !isExcluded(c.system, c.version, c.code)
          && !params.excludes(c.system, c.version)) {
        checkLimit();
        Expansion.Item copy = new Expansion.Item(c.system, c.version, c.code);
        copy.display = c.display;
        copy.isAbstract = c.isAbstract;
        copy.inactive = c.inactive;
        copy.designations.addAll(c.designations);
        copy.properties.addAll(c.properties);
        copy.extensions.addAll(c.extensions);
        copy.names = c.names;
        for (Map.Entry<String, Type> p : c.properties) {
          declareProperty(vs.propertyDefinitions.get(p.getKey()), p.getKey());
        }
        fullList.add(copy);
        rootList.add(copy);
        map.put(k, copy);
      }
    }
  }

  private void excludeCodes(ConceptSetComponent cset, String path, ValueSet source) {
    if (cset.hasValueSet() || cset.hasConcept() || cset.getFilter().size() > 1) {
      canBeHierarchy = false;
    }
    List<Expansion> imports = new ArrayList<>();
    if (!cset.hasSystem()) {
      for (org.hl7.fhir.r4.model.CanonicalType u : cset.getValueSet()) {
        imports.add(expandImport(ctx.pinValueSet(u.getValue()), source));
      }
      if (!imports.isEmpty()) {
        for (Expansion.Item c : imports.get(0).all) {
          if (passesImports(imports, c.system, c.code, 1)) {
            excludeCode(c.system, c.version, c.code);
          }
        }
      }
      return;
    }
    CodeSystemIndex cs = ctx.findCodeSystem(cset.getSystem(), cset.getVersion(), true);
    if (cs == null) {
      return;
    }
    param("used-codesystem", new UriType(cs.versionedUrl()));
    for (org.hl7.fhir.r4.model.CanonicalType u : cset.getValueSet()) {
      imports.add(expandImport(ctx.pinValueSet(u.getValue()), source));
    }
    List<Expansion> importList = imports.isEmpty() ? null : imports;
    if (!cset.hasConcept() && !cset.hasFilter()) {
      if (!cset.hasValueSet() && !excludeSpecialCase) {
        excludedSystems.add(cset.getSystem() + (doingVersion && cset.hasVersion() ? "|" + cset.getVersion() : ""));
      } else {
        for (IndexedConcept c : cs.concepts()) {
          if (passesImports(importList, cs.url(), c.code(), 0)) {
            excludeCode(cs.url(), cs.version(), c.code());
          }
        }
      }
    }
    for (ConceptReferenceComponent cc : cset.getConcept()) {
      IndexedConcept c = cs.concept(cc.getCode()).orElse(null);
      if (c != null && (!params.activeOnly || !c.isInactive()) && passesImports(importList, cs.url(), c.code(), 0)) {
        excludeCode(cs.url(), cs.version(), cc.getCode());
      }
    }
    if (cset.hasFilter()) {
      List<ConceptFilter> filters = buildFilters(cs, cset, path);
      for (IndexedConcept c : filters.get(0).concepts()) {
        if ((!params.activeOnly || !c.isInactive()) && passesFilters(c, filters)
            && passesImports(importList, cs.url(), c.code(), 0)) {
          excludeCode(cs.url(), cs.version(), c.code());
        }
      }
    }
  }

  private void excludeCode(String system, String version, String code) {
    String k = (doingVersion && !params.versionsMatch ? system + "|" + version : system) + "#" + code;
    excluded.add(k);
  }

  private TxException unknownSystem(String url, String version) {
    if (TxContext.isEmpty(version)) {
      return TxException.unprocessable(
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              "UNKNOWN_CODESYSTEM_EXP",
              TxMessages.format("UNKNOWN_CODESYSTEM_EXP", url),
              "not-found"));
    }
    List<String> versions = ctx.listVersions(url);
    if (versions.isEmpty()) {
      return TxException.unprocessable(
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              "UNKNOWN_CODESYSTEM_VERSION_EXP_NONE",
              TxMessages.format("UNKNOWN_CODESYSTEM_VERSION_EXP_NONE", url, version),
              "not-found"));
    }
    return TxException.unprocessable(
        TxIssue.error(
            IssueType.NOTFOUND,
            null,
            "UNKNOWN_CODESYSTEM_VERSION_EXP",
            TxMessages.format("UNKNOWN_CODESYSTEM_VERSION_EXP", url, version, Versions.presentList(versions)),
            "not-found"));
  }
}
