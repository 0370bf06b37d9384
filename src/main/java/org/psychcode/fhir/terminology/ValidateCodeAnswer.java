package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The answer of one {@code $validate-code} call while it is being built: what the {@link ValueSetChecker} learns,
 * coding by coding (the issues, the messages, the unknown systems, the inactive concept, the coding that matched and
 * the one that was tried), and the {@code Parameters} made from it at the end. The order and wording of its parts
 * are those HL7's terminology tests compare.
 */
final class ValidateCodeAnswer {

  /** The issues of the answer, in the order they were found. */
  final TxOutcome op = new TxOutcome();
  /** The answer's {@code message} parts (joined, sorted, at the end). */
  final List<String> messages = new ArrayList<>();
  final Set<String> unknownSystems = new LinkedHashSet<>();
  final List<String> unknownCodes = new ArrayList<>();
  /** Indexes of the codings found in the value set. */
  final Set<Integer> matched = new LinkedHashSet<>();

  /** The overall verdict so far: true once a coding is in the value set; null when it could not be decided. */
  Boolean ok = false;
  boolean noCode;
  String cause = "null";
  String normalForm;
  String impliedSystem;
  /** The codings tried, as the "not in the value set" message lists them. */
  String codeList = "";

  boolean inactive;
  String inactivePath;
  String inactiveCode;
  String conceptStatus;

  /** The first coding found in the value set: the answer's system, code, version and display. */
  String matchedSystem;
  String matchedCode;
  String matchedPath;
  String matchedVersion;
  String display;

  /** The coding tried (the last one found, else the first): reported when none matched, outside CodeableConcepts. */
  String triedSystem;
  String triedCode;
  String triedVersion;

  /** The code system version that defined a coding outside the value set, when no other version is known. */
  String codeSystemVersion;

  /** Adds a message part once. */
  void message(String m) {
    if (m != null && !messages.contains(m)) {
      messages.add(m);
    }
  }

  /** The answer reports this inactive concept (its code, where it was, its status). */
  void markInactive(String path, String code, IndexedConcept c) {
    inactive = true;
    inactivePath = path;
    inactiveCode = code;
    conceptStatus = c.status();
  }

  /**
   * Until an inactive concept is marked, the answer notes the concept found (its code, where, its status), whether
   * it is inactive or not: its status is reported even for an active concept (deprecated, for one).
   */
  void noteConcept(String path, String code, IndexedConcept c) {
    if (!inactive) {
      inactive = c.isInactive();
      inactivePath = path;
      inactiveCode = code;
      conceptStatus = c.status();
    }
  }

  void tried(String system, String code, String version) {
    triedSystem = system;
    triedCode = code;
    triedVersion = version;
  }

  Parameters toParameters(String issuePath, CodeableConcept code, ValueSetChecker.Mode mode) {
    boolean cc = mode == ValueSetChecker.Mode.CODEABLE_CONCEPT;
    boolean valid = Boolean.TRUE.equals(ok) && !op.hasErrors();
    Parameters out = new Parameters();
    out.addParameter("result", valid);
    if (matchedSystem != null) {
      out.addParameter().setName("system").setValue(new UriType(matchedSystem));
    } else if (Boolean.TRUE.equals(ok) && impliedSystem != null) {
      out.addParameter().setName("system").setValue(new UriType(impliedSystem));
    } else if (triedSystem != null && !cc) {
      out.addParameter().setName("system").setValue(new UriType(triedSystem));
    }
    for (String us : unknownSystems) {
      if (Boolean.FALSE.equals(ok)) {
        out.addParameter().setName("x-unknown-system").setValue(new CanonicalType(us));
      } else if (!valid) {
        out.addParameter().setName("x-caused-by-unknown-system").setValue(new CanonicalType(us));
      }
    }
    if (normalForm != null) {
      out.addParameter().setName("normalized-code").setValue(new CodeType(normalForm));
    }
    if (matchedCode != null) {
      out.addParameter().setName("code").setValue(new CodeType(matchedCode));
    } else if (triedCode != null && !cc) {
      out.addParameter().setName("code").setValue(new CodeType(triedCode));
    }
    if (matchedVersion != null) {
      out.addParameter().setName("version").setValue(new StringType(matchedVersion));
    } else if (!TxContext.isEmpty(triedVersion) && !cc) {
      out.addParameter().setName("version").setValue(new StringType(triedVersion));
    } else if (codeSystemVersion != null) {
      out.addParameter().setName("version").setValue(new StringType(codeSystemVersion));
    }
    if (display != null && (matchedCode != null || (triedCode != null && !cc))) {
      out.addParameter().setName("display").setValue(new StringType(display));
    }
    addInactiveOrDeprecated(out, issuePath, cc);
    for (TxIssue iss : op.issues()) {
      if (iss.isError() && !messages.contains(iss.text())) {
        messages.add(iss.text());
      }
    }
    if (!messages.isEmpty()) {
      List<String> sorted = new ArrayList<>(messages);
      Collections.sort(sorted);
      out.addParameter().setName("message").setValue(new StringType(String.join("; ", sorted)));
    }
    if (cc) {
      out.addParameter().setName("codeableConcept").setValue(code);
    }
    if (!op.isEmpty()) {
      out.addParameter().setName("issues").setResource(op.toOperationOutcome());
    }
    return out;
  }

  private void addInactiveOrDeprecated(Parameters out, String issuePath, boolean cc) {
    if (inactive) {
      if (!cc || (matchedCode != null && Objects.equals(inactivePath, matchedPath))) {
        out.addParameter("inactive", true);
        if (conceptStatus != null && !conceptStatus.equals("inactive")) {
          out.addParameter().setName("status").setValue(new CodeType(conceptStatus));
        }
      }
      String path = inactivePath == null || inactivePath.isEmpty() ? "code" : inactivePath;
      String concept = inactiveCode != null ? inactiveCode : triedCode;
      String m =
          "inactive".equals(conceptStatus) || "DISCOURAGED".equals(conceptStatus)
              ? TxMessages.format("INACTIVE_CONCEPT_FOUND", conceptStatus, concept)
              : TxMessages.format("INACTIVE_CONCEPT_FOUND_ADD", conceptStatus, concept, "inactive");
      message(m);
      op.add(TxIssue.warning(IssueType.BUSINESSRULE, path, "INACTIVE_CONCEPT_FOUND", m, "code-comment"));
    } else if (conceptStatus != null && conceptStatus.equalsIgnoreCase("deprecated")) {
      out.addParameter().setName("status").setValue(new CodeType("deprecated"));
      String m = TxMessages.format("DEPRECATED_CONCEPT_FOUND", conceptStatus, triedCode);
      message(m);
      op.add(TxIssue.warning(IssueType.BUSINESSRULE, issuePath, "DEPRECATED_CONCEPT_FOUND", m, "code-comment"));
    }
  }
}
