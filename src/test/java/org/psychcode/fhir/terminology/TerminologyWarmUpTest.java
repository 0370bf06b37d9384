package org.psychcode.fhir.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.ServerTestBase;
import org.springframework.beans.factory.annotation.Autowired;

class TerminologyWarmUpTest extends ServerTestBase {

  @Autowired TerminologyWarmUp warmUp;

  @Test
  void runsEveryKindOfOperationOverThePublishedTerminologyWithoutARefusal() {
    TerminologyWarmUp.Result result = warmUp.warm(2_000, 60_000);

    assertThat(result.operations()).isEqualTo(2_000);
    assertThat(result.refused()).isZero();
  }
}
