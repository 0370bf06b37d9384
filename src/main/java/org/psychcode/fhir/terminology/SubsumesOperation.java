package org.psychcode.fhir.terminology;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;

/** {@code CodeSystem/$subsumes}: how two codes of one code system relate in its hierarchy. */
final class SubsumesOperation {

  private final TerminologySource published;
  private final OperationParameters parameters;

  SubsumesOperation(TerminologySource published, OperationParameters parameters) {
    this.published = published;
    this.parameters = parameters;
  }

  Parameters subsumes(TxRequest req, CodeSystemIndex instance) {
    parameters.check(req);
    TxParameters txp = new TxParameters(true);
    txp.read(req.parameters(), req.acceptLanguage());
    TxContext ctx = new TxContext(req.terminology(published), txp);
    Coding a = req.coding("codingA");
    Coding b = req.coding("codingB");
    if (a == null && req.string("codeA") != null) {
      a = new Coding(req.string("system"), req.string("codeA"), null).setVersion(req.string("version"));
    }
    if (b == null && req.string("codeB") != null) {
      b = new Coding(req.string("system"), req.string("codeB"), null).setVersion(req.string("version"));
    }
    if (a == null || b == null || !a.hasCode() || !b.hasCode()) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.REQUIRED,
              null,
              null,
              "Provide codeA and codeB with system, or codingA and codingB",
              "invalid-data"));
    }
    CodeSystemIndex cs = instance;
    if (cs == null) {
      String system = a.hasSystem() ? a.getSystem() : b.getSystem();
      if (system == null) {
        throw TxException.invalid(
            TxIssue.error(IssueType.REQUIRED, null, null, "No code system given for $subsumes", "invalid-data"));
      }
      if (a.hasSystem() && b.hasSystem()
          && !TerminologyRegistry.canonicalSystem(a.getSystem()).equals(TerminologyRegistry.canonicalSystem(b.getSystem()))) {
        throw TxException.invalid(
            TxIssue.error(
                IssueType.INVALID,
                null,
                null,
                "codingA and codingB must be in the same code system (" + a.getSystem() + " vs " + b.getSystem() + ")",
                "invalid-data"));
      }
      String version = a.hasVersion() ? a.getVersion() : b.getVersion();
      cs = ctx.findCodeSystem(system, version, true);
      if (cs == null) {
        throw TxException.notFound(
            TxIssue.error(
                IssueType.NOTFOUND,
                null,
                "UNKNOWN_CODESYSTEM",
                TxMessages.format("UNKNOWN_CODESYSTEM", system),
                "not-found"));
      }
    }
    IndexedConcept ca = known(cs, a.getCode());
    IndexedConcept cb = known(cs, b.getCode());
    String outcome;
    if (ca.code().equals(cb.code())) {
      outcome = "equivalent";
    } else if (cs.subsumes(ca.code(), cb.code())) {
      outcome = "subsumes";
    } else if (cs.subsumes(cb.code(), ca.code())) {
      outcome = "subsumed-by";
    } else {
      outcome = "not-subsumed";
    }
    Parameters out = new Parameters();
    out.addParameter().setName("outcome").setValue(new CodeType(outcome));
    return out;
  }

  private static IndexedConcept known(CodeSystemIndex cs, String code) {
    return cs.concept(code)
        .orElseThrow(
            () ->
                TxException.notFound(
                    TxIssue.error(
                        IssueType.NOTFOUND,
                        null,
                        cs.version() == null ? "Unknown_Code_in" : "Unknown_Code_in_Version",
                        TxMessages.format(
                            cs.version() == null ? "Unknown_Code_in" : "Unknown_Code_in_Version",
                            code,
                            cs.url(),
                            cs.version()),
                        "invalid-code")));
  }
}
