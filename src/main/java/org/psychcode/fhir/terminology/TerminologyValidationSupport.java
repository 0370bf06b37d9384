package org.psychcode.fhir.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.CanonicalPair;
import org.springframework.stereotype.Component;

/**
 * HAPI's validation support backed by this server's terminology engine, so that {@code FhirInstanceValidator}
 * and the terminology API give the same answer about a code. Handles the code systems and value sets the server
 * publishes; anything else is left to the next support in the chain.
 */
@Component
public class TerminologyValidationSupport implements IValidationSupport {

  private final FhirContext ctx;
  private final TerminologyService terminology;
  private final TerminologyRegistry registry;

  public TerminologyValidationSupport(FhirContext ctx, TerminologyService terminology) {
    this.ctx = ctx;
    this.terminology = terminology;
    this.registry = terminology.registry();
  }

  @Override
  public FhirContext getFhirContext() {
    return ctx;
  }

  @Override
  public String getName() {
    return "PsychCode terminology";
  }

  @Override
  public IBaseResource fetchCodeSystem(String system) {
    if (system == null) {
      return null;
    }
    CanonicalPair canonical = CanonicalPair.of(system);
    return registry.codeSystem(canonical.getUrl(), canonical.getVersion()).map(CodeSystemIndex::codeSystem).orElse(null);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    if (url == null) {
      return null;
    }
    CanonicalPair canonical = CanonicalPair.of(url);
    return registry.valueSet(canonical.getUrl(), canonical.getVersion()).orElse(null);
  }

  @Override
  public List<IBaseResource> fetchAllConformanceResources() {
    List<IBaseResource> all = new ArrayList<>(registry.codeSystemResources());
    all.addAll(registry.valueSets());
    all.addAll(registry.conceptMaps());
    return all;
  }

  @Override
  public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
    return system != null && registry.codeSystem(system).isPresent();
  }

  @Override
  public boolean isValueSetSupported(ValidationSupportContext context, String url) {
    return fetchValueSet(url) != null;
  }

  @Override
  public CodeValidationResult validateCode(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      String valueSetUrl) {
    Parameters p = new Parameters();
    if (valueSetUrl != null) {
      if (!isValueSetSupported(context, valueSetUrl)) {
        return null;
      }
      p.addParameter().setName("url").setValue(new UriType(valueSetUrl));
      addCoded(p, system, code, display, options);
      return result(terminologyCall(() -> terminology.validateCodeInValueSet(new TxRequest(p, null), null)), code, system);
    }
    if (!isCodeSystemSupported(context, system)) {
      return null;
    }
    p.addParameter().setName("url").setValue(new UriType(system));
    p.addParameter().setName("code").setValue(new CodeType(code));
    if (display != null) {
      p.addParameter().setName("display").setValue(new StringType(display));
    }
    return result(terminologyCall(() -> terminology.validateCodeInCodeSystem(new TxRequest(p, null), null)), code, system);
  }

  @Override
  public CodeValidationResult validateCodeInValueSet(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      String system,
      String code,
      String display,
      IBaseResource valueSet) {
    if (!(valueSet instanceof ValueSet vs)) {
      return null;
    }
    Parameters p = new Parameters();
    p.addParameter().setName("valueSet").setResource(vs);
    addCoded(p, system, code, display, options);
    return result(terminologyCall(() -> terminology.validateCodeInValueSet(new TxRequest(p, null), null)), code, system);
  }

  private static void addCoded(Parameters p, String system, String code, String display, ConceptValidationOptions o) {
    p.addParameter().setName("code").setValue(new CodeType(code));
    if (system != null) {
      p.addParameter().setName("system").setValue(new UriType(system));
    } else if (o != null && o.isInferSystem()) {
      p.addParameter().setName("inferSystem").setValue(new BooleanType(true));
    }
    if (display != null) {
      p.addParameter().setName("display").setValue(new StringType(display));
    }
  }

  private interface Call {
    Parameters run();
  }

  private static Parameters terminologyCall(Call call) {
    try {
      return call.run();
    } catch (TxException e) {
      Parameters p = new Parameters();
      p.addParameter("result", false);
      p.addParameter().setName("message").setValue(new StringType(e.getMessage()));
      p.addParameter().setName("issues").setResource(e.toOperationOutcome());
      return p;
    }
  }

  private static CodeValidationResult result(Parameters answer, String code, String system) {
    CodeValidationResult r = new CodeValidationResult();
    boolean ok = false;
    for (ParametersParameterComponent p : answer.getParameter()) {
      switch (p.getName()) {
        case "result" -> ok = ((BooleanType) p.getValue()).booleanValue();
        case "code" -> r.setCode(p.getValue().primitiveValue());
        case "display" -> r.setDisplay(p.getValue().primitiveValue());
        case "version" -> r.setCodeSystemVersion(p.getValue().primitiveValue());
        case "message" -> r.setMessage(p.getValue().primitiveValue());
        case "issues" -> r.setIssues(issues((OperationOutcome) p.getResource()));
        default -> {}
      }
    }
    if (!ok) {
      r.setSeverity(IssueSeverity.ERROR);
      r.setCode(null);
    } else if (r.getCode() == null) {
      r.setCode(code);
    }
    r.setSourceDetails("PsychCode terminology: " + system);
    return r;
  }

  private static List<CodeValidationIssue> issues(OperationOutcome oo) {
    List<CodeValidationIssue> out = new ArrayList<>();
    for (OperationOutcomeIssueComponent i : oo.getIssue()) {
      IssueSeverity severity =
          switch (i.getSeverity()) {
            case FATAL -> IssueSeverity.FATAL;
            case ERROR -> IssueSeverity.ERROR;
            case WARNING -> IssueSeverity.WARNING;
            default -> IssueSeverity.INFORMATION;
          };
      CodeValidationIssueCode code =
          switch (i.getCode()) {
            case NOTFOUND -> CodeValidationIssueCode.NOT_FOUND;
            case CODEINVALID -> CodeValidationIssueCode.CODE_INVALID;
            default -> CodeValidationIssueCode.INVALID;
          };
      String txType = i.getDetails().getCoding().isEmpty() ? null : i.getDetails().getCodingFirstRep().getCode();
      CodeValidationIssue issue = new CodeValidationIssue(i.getDetails().getText(), severity, code);
      // HAPI's constructors put a null coding in the details when there is none (and the validator then fails
      // on it): the details are set here, with the tx-issue-type as sent, or none
      CodeValidationIssueDetails details = new CodeValidationIssueDetails(i.getDetails().getText());
      if (txType != null) {
        details.addCoding(CodeValidationIssueCoding.TX_ISSUE_SYSTEM, "invalid-display".equals(txType) ? "vs-display" : txType);
      }
      issue.setDetails(details);
      out.add(issue);
    }
    return out;
  }

  @Override
  public LookupCodeResult lookupCode(ValidationSupportContext context, LookupCodeRequest request) {
    if (!isCodeSystemSupported(context, request.getSystem())) {
      return null;
    }
    Parameters p = new Parameters();
    p.addParameter().setName("system").setValue(new UriType(request.getSystem()));
    p.addParameter().setName("code").setValue(new CodeType(request.getCode()));
    if (request.getDisplayLanguage() != null) {
      p.addParameter().setName("displayLanguage").setValue(new CodeType(request.getDisplayLanguage()));
    }
    if (request.getPropertyNames() != null) {
      request.getPropertyNames().forEach(n -> p.addParameter().setName("property").setValue(new CodeType(n)));
    }
    LookupCodeResult r = new LookupCodeResult();
    r.setSearchedForSystem(request.getSystem());
    r.setSearchedForCode(request.getCode());
    Parameters answer;
    try {
      answer = terminology.lookup(new TxRequest(p, null), null);
    } catch (TxException e) {
      r.setFound(false);
      r.setErrorMessage(e.getMessage());
      return r;
    }
    r.setFound(true);
    for (ParametersParameterComponent pp : answer.getParameter()) {
      switch (pp.getName()) {
        case "name" -> r.setCodeSystemDisplayName(pp.getValue().primitiveValue());
        case "version" -> r.setCodeSystemVersion(pp.getValue().primitiveValue());
        case "display" -> r.setCodeDisplay(pp.getValue().primitiveValue());
        case "abstract" -> r.setCodeIsAbstract(((BooleanType) pp.getValue()).booleanValue());
        case "property" -> r.getProperties().add(property(pp));
        case "designation" -> r.getDesignations().add(designation(pp));
        default -> {}
      }
    }
    return r;
  }

  private static BaseConceptProperty property(ParametersParameterComponent pp) {
    String code = pp.getPart().stream().filter(x -> x.getName().equals("code")).findFirst()
        .map(x -> x.getValue().primitiveValue()).orElse(null);
    Type value = pp.getPart().stream().filter(x -> x.getName().equals("value")).findFirst()
        .map(ParametersParameterComponent::getValue).orElse(null);
    if (value instanceof Coding c) {
      return new CodingConceptProperty(code, c.getSystem(), c.getCode(), c.getDisplay());
    }
    if (value instanceof BooleanType b) {
      return new BooleanConceptProperty(code, b.booleanValue());
    }
    if (value instanceof IntegerType i) {
      return new StringConceptProperty(code, Integer.toString(i.getValue()));
    }
    return new StringConceptProperty(code, value == null ? null : value.primitiveValue());
  }

  private static ConceptDesignation designation(ParametersParameterComponent pp) {
    ConceptDesignation d = new ConceptDesignation();
    for (ParametersParameterComponent part : pp.getPart()) {
      switch (part.getName()) {
        case "language" -> d.setLanguage(part.getValue().primitiveValue());
        case "value" -> d.setValue(part.getValue().primitiveValue());
        case "use" -> {
          Coding use = (Coding) part.getValue();
          d.setUseSystem(use.getSystem()).setUseCode(use.getCode()).setUseDisplay(use.getDisplay());
        }
        default -> {}
      }
    }
    return d;
  }

  @Override
  public ValueSetExpansionOutcome expandValueSet(
      ValidationSupportContext context, ValueSetExpansionOptions options, IBaseResource valueSetToExpand) {
    if (!(valueSetToExpand instanceof ValueSet vs)) {
      return null;
    }
    Parameters p = new Parameters();
    if (vs.hasUrl() && registry.valueSet(vs.getUrl(), vs.getVersion()).orElse(null) == vs) {
      p.addParameter().setName("url").setValue(new UriType(vs.getUrl()));
      if (vs.hasVersion()) {
        p.addParameter().setName("valueSetVersion").setValue(new StringType(vs.getVersion()));
      }
    } else {
      p.addParameter().setName("valueSet").setResource(vs);
    }
    if (options != null) {
      if (options.getFilter() != null) {
        p.addParameter().setName("filter").setValue(new StringType(options.getFilter()));
      }
      if (options.getOffset() > 0) {
        p.addParameter().setName("offset").setValue(new IntegerType(options.getOffset()));
      }
      p.addParameter().setName("count").setValue(new IntegerType(options.getCount()));
      if (!options.isIncludeHierarchy()) {
        p.addParameter().setName("excludeNested").setValue(new BooleanType(true));
      }
    }
    try {
      return new ValueSetExpansionOutcome(terminology.expand(new TxRequest(p, null), null));
    } catch (TxException e) {
      return new ValueSetExpansionOutcome(e.getMessage(), false);
    }
  }
}
