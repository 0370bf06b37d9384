package org.psychcode.fhir.terminology;

import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * {@code CodeSystem/$lookup}: everything known about one code (name, version, display, definition, designations,
 * every property, parent and children), or only the properties the client names with {@code property}.
 */
final class LookupOperation {

  private final TerminologySource published;
  private final OperationParameters parameters;

  LookupOperation(TerminologySource published, OperationParameters parameters) {
    this.published = published;
    this.parameters = parameters;
  }

  Parameters lookup(TxRequest req, CodeSystemIndex instance) {
    parameters.check(req);
    TxParameters txp = new TxParameters(true);
    txp.read(req.parameters(), req.acceptLanguage());
    TxContext ctx = new TxContext(req.terminology(published), txp);
    String system;
    String version;
    String code;
    if (req.has("coding") && req.has("code")) {
      throw TxException.invalid(
          TxIssue.error(IssueType.INVALID, null, null, "Only one of code or coding may be given", "invalid-data"));
    }
    Coding coding = req.coding("coding");
    if (coding != null) {
      system = coding.getSystem();
      version = coding.getVersion();
      code = coding.getCode();
    } else {
      system = req.string("system");
      version = req.string("version");
      code = req.string("code");
    }
    system = system == null ? null : TerminologyRegistry.canonicalSystem(system);
    if (code == null || (system == null && instance == null)) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.INVALID,
              null,
              null,
              "Must provide either a coding parameter, or system and code parameters",
              "invalid-data"));
    }
    CodeSystemIndex cs = instance;
    if (cs == null) {
      cs = ctx.findCodeSystem(system, version, true);
    }
    if (cs == null) {
      String mid = version == null ? "UNKNOWN_CODESYSTEM" : "UNKNOWN_CODESYSTEM_VERSION";
      throw TxException.notFound(
          TxIssue.error(
              IssueType.NOTFOUND,
              null,
              mid,
              TxMessages.format(mid, system, version, Versions.presentList(ctx.listVersions(system))),
              "not-found"));
    }
    ctx.noteSupplements(cs);
    ctx.checkSupplementsUsed(400);
    IndexedConcept c = cs.concept(code).orElse(null);
    if (c == null) {
      throw TxException.notFound(
          TxIssue.error(
              IssueType.NOTFOUND,
              "code",
              null,
              "Unable to find code '" + code + "' in " + cs.url() + " version "
                  + (cs.version() == null ? "unknown" : cs.version()),
              "invalid-code"));
    }
    return answer(cs, c, code, txp);
  }

  private static Parameters answer(CodeSystemIndex cs, IndexedConcept c, String code, TxParameters txp) {
    List<String> wanted = txp.properties;
    Parameters out = new Parameters();
    out.addParameter().setName("name").setValue(new StringType(cs.name() == null ? cs.url() : cs.name()));
    out.addParameter().setName("code").setValue(new CodeType(code));
    out.addParameter().setName("system").setValue(new UriType(cs.url()));
    if (cs.version() != null) {
      out.addParameter().setName("version").setValue(new StringType(cs.version()));
    }
    Designations names = new Designations();
    c.addDesignations(names, cs.language());
    Designation pref = names.preferred(txp.workingLanguages());
    String display = pref != null && pref.value() != null ? pref.value() : c.display() != null ? c.display() : code;
    out.addParameter().setName("display").setValue(new StringType(display));
    if (wants(wanted, "definition") && c.definition() != null) {
      out.addParameter().setName("definition").setValue(new StringType(c.definition()));
    }
    if (wants(wanted, "abstract")) {
      out.addParameter("abstract", c.isAbstract());
    }
    if (wants(wanted, "inactive") && !c.hasProperty("inactive")) {
      property(out, "inactive", new BooleanType(c.isInactive()), null);
    }
    if (wants(wanted, "designation")) {
      for (Designation d : names.all()) {
        ParametersParameterComponent p = out.addParameter().setName("designation");
        if (d.language() != null) {
          p.addPart().setName("language").setValue(new CodeType(d.language().code()));
        }
        if (d.use() != null) {
          p.addPart().setName("use").setValue(d.use().copy());
        }
        if (d.supplement() != null) {
          p.addPart().setName("source").setValue(new CanonicalType(d.supplement()));
        }
        p.addPart().setName("value").setValue(new StringType(d.value()));
      }
    }
    for (org.hl7.fhir.r4.model.CodeSystem s : cs.supplements()) {
      out.addParameter()
          .setName("used-supplement")
          .setValue(new CanonicalType(s.hasVersion() ? s.getUrl() + "|" + s.getVersion() : s.getUrl()));
    }
    boolean allProperties = wants(wanted, "property");
    for (ConceptPropertyComponent p : c.propertyList()) {
      if (allProperties || wanted.contains(p.getCode())) {
        property(out, p.getCode(), p.getValue(), null);
      }
    }
    if (wants(wanted, "parent")) {
      for (String parent : c.parents()) {
        property(out, "parent", new CodeType(parent), cs.concept(parent).map(IndexedConcept::display).orElse(null));
      }
    }
    if (wants(wanted, "child")) {
      for (String child : c.children()) {
        property(out, "child", new CodeType(child), cs.concept(child).map(IndexedConcept::display).orElse(null));
      }
    }
    return out;
  }

  private static boolean wants(List<String> wanted, String name) {
    if (wanted.isEmpty()) {
      return true;
    }
    for (String w : wanted) {
      if (w.equals("*") || w.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static void property(Parameters out, String code, org.hl7.fhir.r4.model.Type value, String description) {
    ParametersParameterComponent p = out.addParameter().setName("property");
    p.addPart().setName("code").setValue(new CodeType(code));
    p.addPart().setName("value").setValue(value.copy());
    if (description != null) {
      p.addPart().setName("description").setValue(new StringType(description));
    }
  }
}
