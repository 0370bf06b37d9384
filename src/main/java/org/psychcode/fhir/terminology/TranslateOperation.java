package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code ConceptMap/$translate}: finds what a code maps to (or, given a target code, what maps to it) in a named
 * ConceptMap or in every map between the two systems. Accepts both the R4 parameter names ({@code code},
 * {@code system}, {@code reverse}) and the R5 ones ({@code sourceCode}, {@code targetCode}, ...).
 */
final class TranslateOperation {

  private final TerminologySource published;
  private final OperationParameters parameters;

  TranslateOperation(TerminologySource published, OperationParameters parameters) {
    this.published = published;
    this.parameters = parameters;
  }

  Parameters translate(TxRequest req, ConceptMap instance) {
    parameters.check(req);
    Resource inline = req.resource("conceptMap");
    TerminologySource source = req.terminology(published, inline);
    List<ConceptMap> maps = new ArrayList<>();
    if (instance != null) {
      maps.add(instance);
    } else if (inline instanceof ConceptMap cm) {
      maps.add(cm);
    } else if (req.string("url") != null) {
      String url = req.string("url");
      ConceptMap cm = source.conceptMap(url, req.string("conceptMapVersion")).orElse(null);
      if (cm == null) {
        throw TxException.notFound(
            TxIssue.error(
                IssueType.NOTFOUND,
                null,
                null,
                "A definition for the ConceptMap '" + url + "' could not be found",
                "not-found"));
      }
      maps.add(cm);
    } else {
      maps.addAll(source.conceptMaps());
    }
    boolean reverse = "true".equals(req.string("reverse"));
    Coding coding = firstCoding(req, "sourceCoding", "sourceCodeableConcept", "sourceCode", "sourceSystem", "sourceVersion");
    if (coding == null) {
      coding = firstCoding(req, "coding", "codeableConcept", "code", "system", "version");
    }
    if (coding == null) {
      coding = firstCoding(req, "targetCoding", "targetCodeableConcept", "targetCode", "targetSystem", null);
      reverse = coding != null;
    }
    if (coding == null || !coding.hasCode()) {
      throw TxException.invalid(
          TxIssue.error(
              IssueType.REQUIRED,
              null,
              null,
              "Provide the code to translate (sourceCode/sourceCoding/sourceCodeableConcept, targetCode/... for a"
                  + " reverse translation, or the R4 code/coding/codeableConcept)",
              "invalid-data"));
    }
    String otherSystem = reverse ? req.string("sourceSystem") : first(req.string("targetSystem"), req.string("targetsystem"));
    Parameters out = new Parameters();
    List<ParametersParameterComponent> matches = new ArrayList<>();
    boolean ok = false;
    for (ConceptMap cm : maps) {
      for (ConceptMapGroupComponent g : cm.getGroup()) {
        String from = TerminologyRegistry.canonicalSystem(reverse ? g.getTarget() : g.getSource());
        String to = TerminologyRegistry.canonicalSystem(reverse ? g.getSource() : g.getTarget());
        if (coding.hasSystem() && !TerminologyRegistry.canonicalSystem(coding.getSystem()).equals(from)) {
          continue;
        }
        if (otherSystem != null && !TerminologyRegistry.canonicalSystem(otherSystem).equals(to)) {
          continue;
        }
        for (SourceElementComponent e : g.getElement()) {
          for (TargetElementComponent t : e.getTarget()) {
            boolean hit = reverse ? coding.getCode().equals(t.getCode()) : coding.getCode().equals(e.getCode());
            if (!hit) {
              continue;
            }
            ParametersParameterComponent m = new ParametersParameterComponent().setName("match");
            if (reverse) {
              m.addPart().setName("concept").setValue(new Coding(g.getTarget(), t.getCode(), t.getDisplay()));
              m.addPart().setName("source").setValue(new Coding(g.getSource(), e.getCode(), e.getDisplay()));
            } else {
              m.addPart().setName("concept").setValue(new Coding(g.getTarget(), t.getCode(), t.getDisplay()));
            }
            if (t.hasEquivalence()) {
              m.addPart().setName("equivalence").setValue(new CodeType(t.getEquivalence().toCode()));
              ok |= t.getEquivalence() != ConceptMapEquivalence.UNMATCHED
                  && t.getEquivalence() != ConceptMapEquivalence.DISJOINT;
            } else {
              ok = true;
            }
            m.addPart().setName("originMap").setValue(new CanonicalType(cm.hasVersion() ? cm.getUrl() + "|" + cm.getVersion() : cm.getUrl()));
            matches.add(m);
          }
        }
      }
    }
    out.addParameter().setName("result").setValue(new BooleanType(ok));
    if (!ok) {
      out.addParameter()
          .setName("message")
          .setValue(new StringType("No translations found for " + coding.getSystem() + "#" + coding.getCode()));
    }
    matches.forEach(out::addParameter);
    return out;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static Coding firstCoding(
      TxRequest req, String codingName, String ccName, String codeName, String systemName, String versionName) {
    Coding c = req.coding(codingName);
    if (c != null) {
      return c;
    }
    CodeableConcept cc = req.codeableConcept(ccName);
    if (cc != null && cc.hasCoding()) {
      return cc.getCodingFirstRep();
    }
    String code = req.string(codeName);
    if (code == null) {
      return null;
    }
    Coding out = new Coding(req.string(systemName), code, null);
    if (versionName != null && req.string(versionName) != null) {
      out.setVersion(req.string(versionName));
    }
    return out;
  }
}
