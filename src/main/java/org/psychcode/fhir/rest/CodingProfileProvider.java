package org.psychcode.fhir.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Practitioner;
import org.psychcode.fhir.reports.CodingProfiles;
import org.psychcode.fhir.reports.Period;
import org.psychcode.fhir.reports.ProfileParameters;
import org.psychcode.fhir.reports.ReportPeriods;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.ResourceStore;
import org.psychcode.fhir.store.StoreAccess;
import org.psychcode.fhir.store.StoreErrors;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/Practitioner/<id>/$coding-profile?start=&end=} (DESIGN, "Coding habits, reporting and export"): the
 * practitioner's code mix against peers, the rate of each billing rule's findings and the signals, over the claims of
 * the period ({@link CodingProfiles}). It reads every stored Claim, so it passes the store's access check as a
 * {@link Interaction#REPORT} on Claim.
 */
@Component
class CodingProfileProvider implements IResourceProvider {

  private static final Set<String> ACCEPTED = Set.of("start", "end");

  private final CodingProfiles profiles;
  private final ResourceStore store;
  private final OperationInputs inputs;

  CodingProfileProvider(CodingProfiles profiles, ResourceStore store, OperationInputs inputs) {
    this.profiles = profiles;
    this.store = store;
    this.inputs = inputs;
  }

  @Override
  public Class<Practitioner> getResourceType() {
    return Practitioner.class;
  }

  @Operation(
      name = "$coding-profile",
      idempotent = true,
      manualRequest = true,
      returnParameters = {
        @OperationParam(name = "claims", typeName = "integer", min = 1, max = 1),
        @OperationParam(name = "lines", typeName = "integer", min = 1, max = 1),
        @OperationParam(name = "code", min = 0, max = OperationParam.MAX_UNLIMITED),
        @OperationParam(name = "finding", min = 0, max = OperationParam.MAX_UNLIMITED),
        @OperationParam(name = "signal", min = 0, max = OperationParam.MAX_UNLIMITED)
      })
  public Parameters codingProfile(@IdParam IdType id, RequestDetails request) {
    Map<String, List<String>> inputs = this.inputs.read(request, "$coding-profile", ACCEPTED, Set.of());
    Period period = ReportPeriods.period("start", OperationInputs.first(inputs, "start"), "end", OperationInputs.first(inputs, "end"));
    store.check(new StoreAccess(Interaction.REPORT, "Claim", null, null, Set.of(), Map.copyOf(request.getParameters()), request));
    String practitioner = id.getIdPart();
    Parameters answer = profiles
        .profile(practitioner, period)
        .map(ProfileParameters::of)
        .orElseThrow(
            () -> {
              String text = "Practitioner/" + practitioner + " is not known to this server and bills no stored claim.";
              return new ResourceNotFoundException(text, StoreErrors.outcome(IssueType.NOTFOUND, text, null));
            });
    store.readInBulk(Interaction.REPORT, "Claim", request);
    return answer;
  }
}
