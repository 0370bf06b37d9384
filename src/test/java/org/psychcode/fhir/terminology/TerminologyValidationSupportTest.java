package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.CodeValidationResult;
import ca.uhn.fhir.context.support.IValidationSupport.LookupCodeResult;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;
import org.springframework.beans.factory.annotation.Autowired;

/** The validator's view of the engine gives the same answers as the terminology API. */
class TerminologyValidationSupportTest extends ServerTestBase {

  private static final String CPT = "http://www.ama-assn.org/go/cpt";
  private static final String VS = "http://psychcode.org/fhir/ValueSet/";

  @Autowired TerminologyValidationSupport support;
  @Autowired FhirContext ctx;

  private ValidationSupportContext context() {
    return new ValidationSupportContext(support);
  }

  @Test
  void knowsThePublishedSystemsAndSetsOnly() {
    assertThat(support.isCodeSystemSupported(context(), CPT)).isTrue();
    assertThat(support.isCodeSystemSupported(context(), "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"))
        .isTrue();
    assertThat(support.isCodeSystemSupported(context(), "http://loinc.org")).isFalse();
    assertThat(support.isValueSetSupported(context(), VS + "crisis")).isTrue();
    assertThat(support.isValueSetSupported(context(), "http://hl7.org/fhir/ValueSet/administrative-gender")).isFalse();
  }

  @Test
  void fetchesTheResourcesAsPublished() {
    assertThat(((CodeSystem) support.fetchCodeSystem(CPT)).getUrl()).isEqualTo(CPT);
    assertThat(((ValueSet) support.fetchValueSet(VS + "crisis|1.0.0")).getName()).isEqualTo("Crisis");
    assertThat(support.fetchValueSet(VS + "crisis|9.9.9")).isNull();
    List<?> all = support.fetchAllConformanceResources();
    assertThat(all).hasSizeGreaterThanOrEqualTo(7 + 14 + 1);
  }

  @Test
  void validatesACodeInACodeSystem() {
    CodeValidationResult ok =
        support.validateCode(context(), new ConceptValidationOptions(), CPT, "90834", null, null);
    CodeValidationResult fragment =
        support.validateCode(context(), new ConceptValidationOptions(), CPT, "99999", null, null);

    assertThat(ok.isOk()).isTrue();
    assertThat(ok.getDisplay()).isNotBlank();
    assertThat(fragment.isOk()).isTrue();
    assertThat(fragment.getIssues()).singleElement()
        .satisfies(i -> assertThat(i.getSeverity()).isEqualTo(IValidationSupport.IssueSeverity.WARNING));
  }

  @Test
  void validatesMembershipOfAValueSetLikeTheApi() {
    CodeValidationResult family =
        support.validateCode(
            context(), new ConceptValidationOptions(), CPT, "90847", null, VS + "psychotherapy-individual");
    CodeValidationResult individual =
        support.validateCodeInValueSet(
            context(),
            new ConceptValidationOptions(),
            CPT,
            "90837",
            null,
            support.fetchValueSet(VS + "psychotherapy-individual"));

    assertThat(family.isOk()).isFalse();
    assertThat(family.getSeverity()).isEqualTo(IValidationSupport.IssueSeverity.ERROR);
    assertThat(family.getMessage()).contains("90847").contains("psychotherapy-individual");
    assertThat(family.getIssues()).anySatisfy(i -> {
      assertThat(i.getCoding().getSystem()).isEqualTo(IValidationSupport.CodeValidationIssueCoding.TX_ISSUE_SYSTEM);
      assertThat(i.getCoding().getCode()).isEqualTo("not-in-vs");
    });
    // every issue carries its details (HAPI's validator fails on an issue whose details hold a null coding)
    assertThat(family.getIssues()).allSatisfy(i -> assertThat(i.getDetails().getCodings()).doesNotContainNull());
    assertThat(individual.isOk()).isTrue();
  }

  @Test
  void leavesSystemsItDoesNotPublishToTheNextSupport() {
    assertThat(support.validateCode(context(), new ConceptValidationOptions(), "http://loinc.org", "1-8", null, null))
        .isNull();
    assertThat(support.lookupCode(context(), new LookupCodeRequest("http://loinc.org", "1-8"))).isNull();
  }

  @Test
  void looksUpACodeWithItsProperties() {
    LookupCodeResult r = support.lookupCode(context(), new LookupCodeRequest(CPT, "90837"));

    assertThat(r.isFound()).isTrue();
    assertThat(r.getCodeDisplay()).isNotBlank();
    assertThat(r.getProperties())
        .anySatisfy(
            p -> {
              assertThat(p.getPropertyName()).isEqualTo("minimum-minutes");
              assertThat(((IValidationSupport.StringConceptProperty) p).getValue()).isEqualTo("53");
            });
    assertThat(support.lookupCode(context(), new LookupCodeRequest(CPT, "99999")).isFound()).isFalse();
  }

  @Test
  void expandsAPublishedValueSet() {
    IValidationSupport.ValueSetExpansionOutcome out =
        support.expandValueSet(context(), new ValueSetExpansionOptions(), support.fetchValueSet(VS + "crisis"));

    assertThat(out.getError()).isNull();
    ValueSet vs = (ValueSet) out.getValueSet();
    assertThat(vs.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder("90839", "90840", "G0017", "G0018");
  }
}
