package org.psychcode.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the SMART scope strings of a token are read: v2 and v1 forms, wildcards, and what grants nothing. */
class SmartScopesTest {

  private static SmartScopes of(String scopes) {
    return SmartScopes.parse(SmartScopes.split(scopes), null);
  }

  @Test
  void v2LettersGrantExactlyThemselves() {
    SmartScopes s = of("system/Patient.rs");
    assertThat(s.granting("Patient", 'r')).hasSize(1);
    assertThat(s.granting("Patient", 's')).hasSize(1);
    assertThat(s.granting("Patient", 'c')).isEmpty();
    assertThat(s.granting("Claim", 'r')).isEmpty();
  }

  @Test
  void v1FormsAndWildcards() {
    assertThat(of("user/*.read").granting("Claim", 's')).hasSize(1);
    assertThat(of("user/*.read").granting("Claim", 'c')).isEmpty();
    assertThat(of("system/Claim.write").granting("Claim", 'd')).hasSize(1);
    assertThat(of("system/Claim.write").granting("Claim", 'r')).isEmpty();
    assertThat(of("patient/*.*").granting("Encounter", 'u')).hasSize(1);
  }

  @Test
  void malformedAndQueryNarrowedScopesGrantNothing() {
    for (String bad : List.of("system/Patient.rc", "system/Patient.rr", "system/Patient.", "admin/Patient.r", "Patient.read",
        "patient/Observation.rs?category=laboratory", "openid fhirUser launch/patient")) {
      assertThat(of(bad).granting("Patient", 'r')).as(bad).isEmpty();
    }
  }

  @Test
  void theScpClaimMayBeAListAndThePatientClaimAReference() {
    SmartScopes s = SmartScopes.parse(SmartScopes.split(List.of("patient/Claim.rs", "patient/Patient.r")), "Patient/123");
    assertThat(s.patient()).isEqualTo("123");
    assertThat(s.unlimited("Claim", 'r')).isFalse();
    assertThat(s.granting("Claim", 'r')).hasSize(1);
  }
}
