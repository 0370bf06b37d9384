package org.psychcode.fhir.terminology;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * {@code ValueSet/$batch-validate-code}: several {@code $validate-code} calls in one request. Each
 * {@code validation} Parameters is one call; the other parameters (the value set, {@code tx-resource}, options)
 * apply to all of them. Each answer is the call's Parameters, or the OperationOutcome it failed with.
 */
final class BatchValidateOperation {

  private final ValidateCodeOperation validate;
  private final OperationParameters parameters;

  BatchValidateOperation(ValidateCodeOperation validate, OperationParameters parameters) {
    this.validate = validate;
    this.parameters = parameters;
  }

  Parameters batch(TxRequest req) {
    parameters.check(req);
    Parameters out = new Parameters();
    boolean any = false;
    for (ParametersParameterComponent v : req.parameters().getParameter()) {
      if (!"validation".equals(v.getName())) {
        continue;
      }
      any = true;
      if (!(v.getResource() instanceof Parameters one)) {
        throw TxException.invalid(
            TxIssue.error(IssueType.INVALID, null, null, "Each validation must be a Parameters resource", "invalid-data"));
      }
      Parameters merged = new Parameters();
      for (ParametersParameterComponent p : req.parameters().getParameter()) {
        if (!"validation".equals(p.getName())) {
          merged.addParameter(p);
        }
      }
      one.getParameter().forEach(merged::addParameter);
      ParametersParameterComponent answer = out.addParameter().setName("validation");
      try {
        TxRequest call = new TxRequest(merged, req.acceptLanguage());
        Parameters result = validate.valueSet(call, null);
        answer.setResource(call.diagnostics() == null ? result : call.diagnostics().addTo(result));
      } catch (TxException e) {
        answer.setResource(e.toOperationOutcome());
      }
    }
    if (!any) {
      throw TxException.invalid(
          TxIssue.error(IssueType.REQUIRED, null, null, "No validation parameters were given", "invalid-data"));
    }
    return out;
  }
}
