package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.psychcode.fhir.validation.VisitValidator.ProfileFindings;
import org.springframework.stereotype.Component;

/**
 * {@code Claim/$submit}: the Claim, and the resources sent with it in a Bundle, are validated and always stored,
 * whatever {@code psychcode.store.validation} says, together with the {@code ClaimResponse} that judges them, in one
 * database transaction. The ClaimResponse's {@code outcome} is {@code complete} without an error finding and
 * {@code error} with one; each error finding is an {@code error} (its billing-rule or validator message id as
 * {@code code}, {@code itemSequence} when it concerns a line) and each warning a {@code processNote}.
 */
@Component
public class ClaimSubmission {

  static final String BILLING_RULE = "http://psychcode.org/fhir/CodeSystem/billing-rule";
  static final String MESSAGE_ID = "http://hl7.org/fhir/java-core-messageid";
  private static final Pattern ITEM = Pattern.compile("^(Claim|Bundle\\.entry\\[(\\d+)\\]\\.resource)\\.item\\[(\\d+)\\]");

  private final ResourceStore store;
  private final BundleProcessor bundles;
  private final WriteValidation validation;

  ClaimSubmission(ResourceStore store, BundleProcessor bundles, WriteValidation validation) {
    this.store = store;
    this.bundles = bundles;
    this.validation = validation;
  }

  /**
   * @param posted a Claim or a Bundle holding one Claim and what it references
   * @param text the body as posted, when {@code posted} is the body itself (null when it came in a Parameters)
   */
  public ClaimResponse submit(IBaseResource posted, String text, EncodingEnum encoding, RequestDetails request) {
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    int claimIndex = -1;
    if (posted instanceof Claim claim) {
      add(tx, claim, null);
      claimIndex = 0;
    } else if (posted instanceof Bundle bundle) {
      List<BundleEntryComponent> entries = bundle.getEntry();
      for (int i = 0; i < entries.size(); i++) {
        Resource r = entries.get(i).getResource();
        if (r == null) {
          throw StoreErrors.invalid("Bundle.entry[" + i + "] holds no resource: $submit stores what the Bundle holds.", "Bundle.entry[" + i + "]");
        }
        if (r instanceof Claim) {
          if (claimIndex >= 0) {
            throw StoreErrors.invalid("The Bundle holds more than one Claim; $submit takes one claim at a time.", "Bundle.entry[" + i + "]");
          }
          claimIndex = i;
        }
        add(tx, r, entries.get(i).getFullUrl());
      }
      if (claimIndex < 0) {
        throw StoreErrors.invalid("The Bundle holds no Claim to submit.", "Bundle.entry");
      }
    } else {
      throw StoreErrors.invalid(
          "Claim/$submit takes a Claim, a Bundle holding the Claim and what it references, or a Parameters with the resource; not "
              + (posted == null ? "an empty body" : "a " + posted.fhirType()) + ".");
    }
    store.check(new StoreAccess(Interaction.SUBMIT, "Claim", null, posted, Set.of(), Map.of(), request));
    ProfileFindings profiles = validation.profilesAlways(posted, text, encoding);
    int claimAt = claimIndex;
    return store.retrying(
        () ->
            store.inTransaction(
                () -> {
                  Bundle attempt = tx.copy();
                  BundleProcessor.Outcome done =
                      bundles.run(attempt, profiles, posted instanceof Bundle ? attempt : attempt.getEntry().get(0).getResource(), false, request);
                  Written claim = done.written(claimAt);
                  ClaimResponse response = judge((Claim) claim.resource(), done.validation(), posted instanceof Bundle ? claimAt : -1);
                  Written stored = store.insert(store.type("ClaimResponse"), store.newId(), response, Interaction.SUBMIT, null, request);
                  return (ClaimResponse) stored.resource();
                }));
  }

  private static void add(Bundle tx, Resource r, String fullUrl) {
    BundleEntryComponent e = tx.addEntry();
    String id = r.getIdElement().getIdPart();
    e.setFullUrl(fullUrl != null && !fullUrl.isBlank() ? fullUrl : id != null ? r.fhirType() + "/" + id : null);
    Resource copy = r.copy();
    copy.setIdElement(null);
    e.setResource(copy);
    e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
  }

  /** The ClaimResponse for a stored Claim and what validation found. */
  static ClaimResponse judge(Claim claim, OperationOutcome outcome, int claimEntry) {
    ClaimResponse cr = new ClaimResponse();
    cr.setStatus(ClaimResponse.ClaimResponseStatus.ACTIVE);
    cr.setType(claim.getType());
    cr.setUse(ClaimResponse.Use.fromCode(claim.hasUse() ? claim.getUse().toCode() : "claim"));
    cr.setPatient(claim.getPatient().copy());
    cr.setCreated(new Date());
    cr.setInsurer(claim.hasInsurer() ? claim.getInsurer().copy() : new Reference().setDisplay("PsychCode billing check (not a payer's adjudication)"));
    if (claim.hasProvider()) {
      cr.setRequestor(claim.getProvider().copy());
    }
    cr.setRequest(new Reference("Claim/" + claim.getIdElement().getIdPart()));
    int errors = 0;
    int warnings = 0;
    if (outcome != null) {
      for (OperationOutcomeIssueComponent issue : outcome.getIssue()) {
        String text = issue.getDetails().hasText() ? issue.getDetails().getText() : issue.getDiagnostics();
        if (issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL) {
          errors++;
          ClaimResponse.ErrorComponent error = cr.addError();
          Coding coding = issue.getDetails().getCodingFirstRep();
          Coding code = error.getCode().addCoding();
          if (coding.hasCode()) {
            code.setSystem(coding.getSystem()).setCode(coding.getCode()).setDisplay(coding.getDisplay());
          } else {
            code.setSystem(BILLING_RULE).setCode(issue.getCode() == null ? "invalid" : issue.getCode().toCode());
          }
          error.getCode().setText(text);
          Integer sequence = itemSequence(issue, claim, claimEntry);
          if (sequence != null) {
            error.setItemSequence(sequence);
          }
        } else if (issue.getSeverity() == IssueSeverity.WARNING) {
          warnings++;
          cr.addProcessNote().setNumber(warnings).setText(text);
        }
      }
    }
    cr.setOutcome(errors == 0 ? ClaimResponse.RemittanceOutcome.COMPLETE : ClaimResponse.RemittanceOutcome.ERROR);
    cr.setDisposition(
        errors == 0
            ? (warnings == 0 ? "No billing-rule or profile error: the claim agrees with its sessions as sent." : "No error; " + warnings + " warning(s) in processNote.")
            : errors + " error(s) found: the claim is wrong as billed (see error); it is stored with this response.");
    return cr;
  }

  /** The sequence of the claim line an issue's expression points into, if any. */
  private static Integer itemSequence(OperationOutcomeIssueComponent issue, Claim claim, int claimEntry) {
    for (StringType e : issue.getExpression()) {
      Matcher m = ITEM.matcher(e.getValue() == null ? "" : e.getValue());
      if (!m.find()) {
        continue;
      }
      if (m.group(2) != null && Integer.parseInt(m.group(2)) != claimEntry) {
        continue;
      }
      int k = Integer.parseInt(m.group(3));
      if (k < claim.getItem().size()) {
        Claim.ItemComponent item = claim.getItem().get(k);
        return item.hasSequence() ? item.getSequence() : k + 1;
      }
    }
    return null;
  }
}
