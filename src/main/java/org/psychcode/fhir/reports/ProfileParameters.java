package org.psychcode.fhir.reports;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.psychcode.fhir.reports.CodingProfiles.CodeShare;
import org.psychcode.fhir.reports.CodingProfiles.FindingRate;
import org.psychcode.fhir.reports.CodingProfiles.Profile;
import org.psychcode.fhir.reports.CodingProfiles.Signal;
import org.psychcode.fhir.rules.Systems;

/**
 * A coding profile as {@code Practitioner/$coding-profile} answers it (DESIGN): {@code claims}, {@code lines}, one
 * {@code code} per billed code (parts {@code code}, {@code count}, {@code share}, and {@code peerShare} and
 * {@code peerPercentile} when there are peers to compare with), one {@code finding} per rule that fired (parts
 * {@code rule}, {@code count}, {@code rate}) and one {@code signal} per signal (parts {@code id}, {@code severity},
 * {@code text}).
 */
public final class ProfileParameters {

  private ProfileParameters() {}

  public static Parameters of(Profile p) {
    Parameters out = new Parameters();
    out.addParameter().setName("claims").setValue(new IntegerType(p.claims()));
    out.addParameter().setName("lines").setValue(new IntegerType(p.lines()));
    for (CodeShare c : p.codes()) {
      if (c.code() == null) {
        continue;
      }
      ParametersParameterComponent code = out.addParameter().setName("code");
      code.addPart().setName("code").setValue(new Coding(c.system(), c.code(), c.display()));
      code.addPart().setName("count").setValue(new IntegerType(c.lines()));
      code.addPart().setName("share").setValue(new DecimalType(c.share()));
      if (c.peerShare() != null) {
        code.addPart().setName("peerShare").setValue(new DecimalType(c.peerShare()));
        code.addPart().setName("peerPercentile").setValue(new DecimalType(c.peerPercentile()));
      }
    }
    for (FindingRate f : p.findings()) {
      ParametersParameterComponent finding = out.addParameter().setName("finding");
      finding.addPart().setName("rule").setValue(new Coding(Systems.BILLING_RULE, f.rule(), f.display()));
      finding.addPart().setName("count").setValue(new IntegerType(f.claims()));
      finding.addPart().setName("rate").setValue(new DecimalType(f.rate()));
    }
    for (Signal s : p.signals()) {
      ParametersParameterComponent signal = out.addParameter().setName("signal");
      signal.addPart().setName("id").setValue(new CodeType(s.id()));
      signal.addPart().setName("severity").setValue(new CodeType(s.severity()));
      signal.addPart().setName("text").setValue(new StringType(s.text()));
    }
    return out;
  }
}
