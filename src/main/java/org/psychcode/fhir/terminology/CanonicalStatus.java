package org.psychcode.fhir.terminology;

import java.util.Optional;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The status of a CodeSystem or ValueSet that an answer points out when it is used: deprecated, withdrawn (the
 * standards-status extension), retired, experimental or draft, each only where the value set that uses it is not
 * so itself. One rule for {@code $validate-code} (an information issue, {@code MSG_DRAFT}, ...) and {@code $expand}
 * (an expansion parameter, {@code warning-draft}, ...).
 */
final class CanonicalStatus {

  /** What the rule reads of a resource. */
  record Facts(PublicationStatus status, String standardsStatus, boolean experimental) {

    static Facts of(ValueSet vs) {
      return new Facts(vs.getStatus(), CanonicalStatus.standardsStatus(vs), vs.getExperimental());
    }

    static Facts of(CodeSystemIndex cs) {
      return new Facts(cs.status(), CanonicalStatus.standardsStatus(cs.codeSystem()), cs.experimental());
    }

    boolean draft() {
      return status == PublicationStatus.DRAFT || "draft".equals(standardsStatus);
    }
  }

  private CanonicalStatus() {}

  /** The standards-status extension's value, or {@code null}. */
  static String standardsStatus(DomainResource r) {
    Extension e = r.getExtensionByUrl(CodeSystemIndex.STANDARDS_STATUS);
    return e != null && e.getValue() != null ? e.getValue().primitiveValue() : null;
  }

  /**
   * The status worth pointing out when {@code used} is used by {@code user}: {@code deprecated}, {@code withdrawn},
   * {@code retired}, {@code experimental} or {@code draft}, the first that applies; empty when none does, or when
   * {@code user} shares it. With no user (the value set an operation was asked about), only the first three.
   */
  static Optional<String> noteworthy(Facts used, Facts user) {
    if ("deprecated".equals(used.standardsStatus()) || "withdrawn".equals(used.standardsStatus())) {
      return user != null && used.standardsStatus().equals(user.standardsStatus())
          ? Optional.empty()
          : Optional.of(used.standardsStatus());
    }
    if (used.status() == PublicationStatus.RETIRED) {
      return user != null && user.status() == PublicationStatus.RETIRED ? Optional.empty() : Optional.of("retired");
    }
    if (user == null) {
      return Optional.empty();
    }
    if (used.experimental()) {
      return user.experimental() ? Optional.empty() : Optional.of("experimental");
    }
    if (used.draft()) {
      return user.draft() ? Optional.empty() : Optional.of("draft");
    }
    return Optional.empty();
  }
}
