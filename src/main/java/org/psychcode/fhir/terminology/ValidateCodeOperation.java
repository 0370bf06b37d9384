package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * {@code $validate-code} on CodeSystem and ValueSet: reads the coded value ({@code code}+{@code system},
 * {@code coding} or {@code codeableConcept}), finds what to check it against, and answers with the ecosystem's
 * Parameters ({@code result}, {@code code}, {@code system}, {@code version}, {@code display}, {@code message},
 * {@code issues}).
 */
final class ValidateCodeOperation {

  private static final String NO_CODE_VS =
      "Unable to find code to validate (looked for coding | codeableConcept | code+system | code+inferSystem in parameters";
  private static final String NO_CODE_CS =
      "Unable to find code to validate (looked for coding | codeableConcept | code in parameters)";

  record Coded(CodeableConcept value, ValueSetChecker.Mode mode, String issuePath) {}

  private final TerminologySource published;
  private final OperationParameters inCodeSystem;
  private final OperationParameters inValueSet;

  ValidateCodeOperation(
      TerminologySource published, OperationParameters inCodeSystem, OperationParameters inValueSet) {
    this.published = published;
    this.inCodeSystem = inCodeSystem;
    this.inValueSet = inValueSet;
  }

  Parameters codeSystem(TxRequest req, CodeSystemIndex instance) {
    TxParameters txp = new TxParameters(true);
    Coded coded = extract(req, true, txp);
    if (coded == null) {
      throw TxException.invalid(TxIssue.error(IssueType.INVALID, null, null, NO_CODE_CS, null));
    }
    inCodeSystem.check(req);
    txp.read(req.parameters(), req.acceptLanguage());
    if (coded.mode() != ValueSetChecker.Mode.CODE) {
      txp.inferSystem = false;
    }
    Resource inline = req.resource("codeSystem");
    TxContext ctx = new TxContext(req.terminology(published, inline), txp);
    try {
      CodeSystemIndex cs = instance;
      if (cs == null && inline instanceof CodeSystem c) {
        cs = CodeSystemIndex.of(c);
      }
      if (cs == null) {
        cs = resolveCodeSystem(req, ctx, coded);
      }
      if (cs == null) {
        Coding first = coded.value().getCodingFirstRep();
        if (!first.hasSystem()) {
          throw new TxException(
              400,
              List.of(
                  TxIssue.warning(
                      IssueType.INVALID,
                      codingPath(coded.mode()),
                      "Coding_has_no_system__cannot_validate",
                      TxMessages.format("Coding_has_no_system__cannot_validate"),
                      "invalid-data")),
              true,
              null);
        }
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                null,
                null,
                "No CodeSystem specified - provide url parameter or codeSystem resource",
                "invalid-data"));
      }
      if (instance != null || inline instanceof CodeSystem) {
        // at instance level (or with the CodeSystem sent), the code system is that one: a code needs no system
        for (Coding c : coded.value().getCoding()) {
          if (!c.hasSystem()) {
            c.setSystem(cs.url());
          }
        }
      }
      if (cs.content() == CodeSystem.CodeSystemContentMode.SUPPLEMENT) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                systemPath(coded.mode()),
                "CODESYSTEM_CS_NO_SUPPLEMENT",
                TxMessages.format("CODESYSTEM_CS_NO_SUPPLEMENT", cs.versionedUrl()),
                "invalid-data"));
      }
      ValueSet vs = new ValueSet();
      vs.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
      vs.setUrl(cs.codeSystem().hasValueSet() ? cs.codeSystem().getValueSet() : cs.url() + "/vs");
      ValueSet.ConceptSetComponent inc = vs.getCompose().addInclude().setSystem(cs.url());
      if (cs.version() != null) {
        vs.setVersion(cs.version());
        inc.setVersion(cs.version());
      }
      TxContext checkCtx = ctx;
      if (instance != null || inline != null) {
        checkCtx = new TxContext(new RequestTerminology(ctx.source, List.of(cs.codeSystem())), txp);
      }
      ValueSetChecker checker = new ValueSetChecker(checkCtx, vs, true);
      return checker.checkCodeableConcept(coded.issuePath(), coded.value(), coded.mode());
    } catch (TxException e) {
      if (!e.inParameters()) {
        throw e;
      }
      return failure(e, coded, ctx);
    }
  }

  Parameters valueSet(TxRequest req, ValueSet instance) {
    TxParameters txp = new TxParameters(true);
    txp.inferSystem = "true".equals(req.string("inferSystem"));
    Coded coded = extract(req, false, txp);
    if (coded == null) {
      throw TxException.invalid(TxIssue.error(IssueType.INVALID, null, null, NO_CODE_VS, null));
    }
    inValueSet.check(req);
    txp.read(req.parameters(), req.acceptLanguage());
    if (coded.mode() != ValueSetChecker.Mode.CODE) {
      txp.inferSystem = false;
    }
    Resource inline = req.resource("valueSet");
    TxContext ctx = new TxContext(req.terminology(published, inline), txp);
    ValueSet vs =
        instance != null
            ? instance
            : inline instanceof ValueSet v ? v : ctx.requestedValueSet(req, "No ValueSet specified - provide url parameter or valueSet resource");
    ctx.requireSupplementsOf(vs);
    ValueSetChecker checker = new ValueSetChecker(ctx, vs, false);
    if (ctx.source.isPublished() && published.valueSet(vs.getUrl(), vs.getVersion()).orElse(null) == vs) {
      checker.explainingExclusions();
    }
    try {
      checker.prepare();
      checker.checkSupplementsUsed();
    } catch (TxException e) {
      if (!e.inParameters()) {
        throw e;
      }
      return failure(e, coded, ctx);
    }
    try {
      return checker.checkCodeableConcept(coded.issuePath(), coded.value(), coded.mode());
    } catch (TxException e) {
      if (!e.inParameters()) {
        throw e;
      }
      return failure(e, coded, ctx);
    }
  }

  private static String systemPath(ValueSetChecker.Mode mode) {
    return switch (mode) {
      case CODE -> "system";
      case CODING -> "Coding.system";
      case CODEABLE_CONCEPT -> "CodeableConcept.coding[0].system";
    };
  }

  private static String codingPath(ValueSetChecker.Mode mode) {
    return switch (mode) {
      case CODE -> "";
      case CODING -> "Coding";
      case CODEABLE_CONCEPT -> "CodeableConcept.coding[0]";
    };
  }

  private CodeSystemIndex resolveCodeSystem(TxRequest req, TxContext ctx, Coded coded) {
    String path = systemPath(coded.mode());
    Coding first = coded.value().getCodingFirstRep();
    boolean fromCoded = false;
    String url = req.string("url");
    if (url == null && first.hasSystem()) {
      fromCoded = true;
      url = first.getSystem();
    }
    url = url == null ? null : TerminologyRegistry.canonicalSystem(url);
    if (url == null) {
      return null;
    }
    List<TxIssue> issues = new ArrayList<>();
    if (!ValueSetChecker.isAbsoluteUrl(url)) {
      issues.add(
          TxIssue.error(
              IssueType.INVALID,
              path,
              "Terminology_TX_System_Relative",
              TxMessages.format("Terminology_TX_System_Relative", url),
              "invalid-data"));
    }
    String version = req.string("version");
    if (version == null && fromCoded) {
      version = first.getVersion();
    }
    version = ctx.determineVersion(url, version);
    CodeSystemIndex cs = ctx.findCodeSystem(url, version, false);
    if (cs != null) {
      return cs;
    }
    Optional<CodeSystem> supplement = ctx.source.supplement(url, version);
    if (supplement.isPresent()) {
      CodeSystem s = supplement.get();
      issues.add(
          0,
          TxIssue.error(
              IssueType.INVALID,
              path,
              "CODESYSTEM_CS_NO_SUPPLEMENT",
              TxMessages.format(
                  "CODESYSTEM_CS_NO_SUPPLEMENT", s.hasVersion() ? s.getUrl() + "|" + s.getVersion() : s.getUrl()),
              "invalid-data"));
      throw new TxException(400, issues, true, url);
    }
    if (ctx.source.valueSet(url, version).isPresent()) {
      issues.add(
          0,
          TxIssue.error(
              IssueType.INVALID,
              path,
              "Terminology_TX_System_ValueSet2",
              TxMessages.format("Terminology_TX_System_ValueSet2", url),
              "invalid-data"));
      throw new TxException(422, issues, true, null);
    }
    String unknown;
    TxIssue issue;
    if (version != null) {
      List<String> vl = ctx.listVersions(url);
      String mid = vl.isEmpty() ? "UNKNOWN_CODESYSTEM_VERSION_NONE" : "UNKNOWN_CODESYSTEM_VERSION";
      issue =
          TxIssue.error(
              IssueType.NOTFOUND, path, mid, TxMessages.format(mid, url, version, Versions.presentList(vl)), "not-found");
      unknown = vl.isEmpty() ? url : url + "|" + version;
    } else {
      issue =
          TxIssue.error(
              IssueType.NOTFOUND, path, "UNKNOWN_CODESYSTEM", TxMessages.format("UNKNOWN_CODESYSTEM", url), "not-found");
      unknown = url;
    }
    issues.add(0, issue);
    throw new TxException(422, issues, true, unknown);
  }

  /** Reads the coded value to validate; {@code null} when there is none. */
  static Coded extract(TxRequest req, boolean forCodeSystem, TxParameters txp) {
    int given = (req.has("codeableConcept") ? 1 : 0) + (req.has("coding") ? 1 : 0) + (req.has("code") ? 1 : 0);
    if (given > 1) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.INVALID,
              null,
              null,
              "Only one of code, coding or codeableConcept may be given",
              "invalid-data"));
    }
    CodeableConcept cc = req.codeableConcept("codeableConcept");
    if (cc != null) {
      CodeableConcept canonical = cc.copy();
      canonical.getCoding().forEach(ValidateCodeOperation::canonicalise);
      return new Coded(canonical, ValueSetChecker.Mode.CODEABLE_CONCEPT, "CodeableConcept");
    }
    Coding coding = req.coding("coding");
    if (coding != null) {
      return new Coded(
          new CodeableConcept().addCoding(canonicalise(coding.copy())), ValueSetChecker.Mode.CODING, "Coding");
    }
    String code = req.string("code");
    if (code == null) {
      return null;
    }
    String system;
    String version;
    if (forCodeSystem) {
      system = req.string("url");
      if (system == null) {
        system = req.string("system");
      }
      version = req.string("version");
    } else {
      system = req.string("system");
      version = req.string("systemVersion");
      if (version == null) {
        version = req.string("version");
      }
    }
    if (system == null && !txp.inferSystem && !forCodeSystem) {
      return null;
    }
    Coding c = new Coding().setCode(code);
    if (system != null) {
      c.setSystem(TerminologyRegistry.canonicalSystem(system));
    }
    if (version != null) {
      c.setVersion(version);
    }
    String display = req.string("display");
    if (display != null) {
      c.setDisplay(display);
    }
    return new Coded(new CodeableConcept().addCoding(c), ValueSetChecker.Mode.CODE, "");
  }

  /** The HCPCS {@code http://} alias is the same system: answers name it as published. */
  private static Coding canonicalise(Coding c) {
    if (c.hasSystem()) {
      c.setSystem(TerminologyRegistry.canonicalSystem(c.getSystem()));
    }
    return c;
  }

  private static Parameters failure(TxException e, Coded coded, TxContext ctx) {
    Parameters p = new Parameters();
    p.addParameter().setName("issues").setResource(e.toOperationOutcome());
    p.addParameter("result", false);
    p.addParameter().setName("message").setValue(new StringType(e.getMessage()));
    if (coded != null) {
      if (coded.mode() == ValueSetChecker.Mode.CODEABLE_CONCEPT) {
        p.addParameter().setName("codeableConcept").setValue(coded.value());
      } else {
        Coding c = coded.value().getCodingFirstRep();
        if (c.hasSystem()) {
          p.addParameter().setName("system").setValue(new UriType(c.getSystem()));
        }
        if (c.hasVersion()) {
          p.addParameter().setName("version").setValue(new StringType(c.getVersion()));
        } else if (c.hasSystem()) {
          CodeSystemIndex cs = ctx.findCodeSystem(c.getSystem(), null, false);
          if (cs != null && cs.version() != null) {
            p.addParameter().setName("version").setValue(new StringType(cs.version()));
          }
        }
        if (c.hasCode()) {
          p.addParameter().setName("code").setValue(new CodeType(c.getCode()));
        }
      }
    }
    if (e.unknownSystem() != null) {
      p.addParameter().setName("x-caused-by-unknown-system").setValue(new CanonicalType(e.unknownSystem()));
    }
    return p;
  }
}
