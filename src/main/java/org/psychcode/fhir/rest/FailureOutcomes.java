package org.psychcode.fhir.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.stereotype.Component;

/**
 * The OperationOutcomes HAPI writes for its own failures say {@code processing} whatever happened and carry
 * only a diagnostics line with HAPI's message number. Here each such issue gets the FHIR issue type of what
 * happened ({@code not-found} for an unknown id or operation definition, {@code invalid} for a body that cannot
 * be parsed or a content type that cannot be read, {@code not-supported} for an interaction the server does
 * not have) and the sentence, without the number, in {@code details.text}, as the server's own answers have.
 */
@Component
@Interceptor
public class FailureOutcomes {

  private static final Pattern HAPI_MESSAGE = Pattern.compile("^HAPI-(\\d{4}): (.*)$", Pattern.DOTALL);

  @Hook(Pointcut.SERVER_OUTGOING_FAILURE_OPERATIONOUTCOME)
  public void name(RequestDetails request, IBaseOperationOutcome outcome) {
    if (!(outcome instanceof OperationOutcome oo)) {
      return;
    }
    for (OperationOutcome.OperationOutcomeIssueComponent issue : oo.getIssue()) {
      if (issue.getCode() != IssueType.PROCESSING || !issue.hasDiagnostics()) {
        continue;
      }
      Matcher m = HAPI_MESSAGE.matcher(issue.getDiagnostics());
      if (!m.matches()) {
        continue;
      }
      IssueType type = typeOf(m.group(1), m.group(2));
      if (type != null) {
        issue.setCode(type);
      }
      if (!issue.hasDetails()) {
        String text = m.group(2);
        issue.getDetails().setText("2249".equals(m.group(1)) ? text + " is not known" : text);
      }
    }
  }

  private static IssueType typeOf(String number, String message) {
    return switch (number) {
      case "0971", "2249" -> IssueType.NOTFOUND;
      case "0449", "0450", "1861", "1852", "0446" -> IssueType.INVALID;
      default -> message.contains("does not know how to handle") ? IssueType.NOTSUPPORTED
          : message.contains("is not known") ? IssueType.NOTFOUND : null;
    };
  }
}
