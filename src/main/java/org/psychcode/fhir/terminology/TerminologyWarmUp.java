package org.psychcode.fhir.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.psychcode.fhir.WarmUps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Runs the terminology operations over the published terminology, and encodes their answers, a few tens of
 * thousands of times after start-up (or for at most {@code psychcode.terminology.warm-up-millis}), in the
 * background. The JVM compiles the engine and HAPI's encoders only once they have run
 * many times; without this, the first seconds of real traffic pay for that at a fraction of the usual rate.
 * It starts once the server is ready, so it never delays the first answer, after the validator's warm-up (see
 * {@link WarmUps}), steps aside while client requests are served, and touches nothing requests see (no answer
 * cache, no per-request terminology). {@code psychcode.terminology.warm-up-millis: 0} turns it off.
 */
@Component
class TerminologyWarmUp {

  private static final Logger log = LoggerFactory.getLogger(TerminologyWarmUp.class);
  private static final int OPERATIONS = 30_000;

  private final TerminologyService terminology;
  private final FhirContext ctx;
  private final long budgetMillis;
  private final WarmUps warmUps;

  TerminologyWarmUp(
      TerminologyService terminology,
      FhirContext ctx,
      @Value("${psychcode.terminology.warm-up-millis:5000}") long budgetMillis,
      WarmUps warmUps) {
    this.terminology = terminology;
    this.ctx = ctx;
    this.budgetMillis = budgetMillis;
    this.warmUps = warmUps;
  }

  /** After the validator's warm-up, which readiness waits for (submitted when its bean is created, before this). */
  @EventListener(ApplicationReadyEvent.class)
  @Order(100)
  void start() {
    if (budgetMillis > 0) {
      warmUps.submit(() -> warm(OPERATIONS, budgetMillis));
    }
  }

  /** What one warm-up did: operations run, and how many of them the engine refused. */
  record Result(int operations, int refused) {}

  Result warm(int operations, long millis) {
    List<Call> calls = calls();
    if (calls.isEmpty()) {
      return new Result(0, 0);
    }
    IParser json = ctx.newJsonParser();
    IParser xml = ctx.newXmlParser();
    Writer sink = Writer.nullWriter();
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000L;
    int n = 0;
    int refused = 0;
    try {
      while (n < operations && warmUps.stepAside(deadline)) {
        IBaseResource answer;
        try {
          answer = answer(calls.get(n % calls.size()), n);
        } catch (TxException e) {
          answer = e.toOperationOutcome();
          refused++;
        }
        (n % 8 == 7 ? xml : json).encodeResourceToWriter(answer, sink);
        n++;
      }
      log.info(
          "Terminology warm: {} operations ({} refused) in {} ms", n, refused, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("Terminology warm-up stopped early: {}", e.toString());
    }
    return new Result(n, refused);
  }

  private IBaseResource answer(Call call, int n) {
    Parameters p = new Parameters();
    switch (call.kind()) {
      case CODE_SYSTEM -> {
        p.addParameter().setName("system").setValue(new UriType(call.url()));
        p.addParameter().setName("code").setValue(new CodeType(n % 5 == 4 ? call.code() + "x" : call.code()));
        if (n % 3 == 0) {
          p.addParameter().setName("display").setValue(new StringType("Session " + n));
        }
        return terminology.validateCodeInCodeSystem(new TxRequest(p, null), null);
      }
      case VALUE_SET -> {
        p.addParameter().setName("url").setValue(new UriType(call.url()));
        p.addParameter().setName("system").setValue(new UriType(call.system()));
        p.addParameter().setName("code").setValue(new CodeType(call.code()));
        return terminology.validateCodeInValueSet(new TxRequest(p, null), null);
      }
      case LOOKUP -> {
        p.addParameter().setName("system").setValue(new UriType(call.url()));
        p.addParameter().setName("code").setValue(new CodeType(call.code()));
        if (n % 2 == 0) {
          p.addParameter().setName("property").setValue(new CodeType("status"));
        }
        return terminology.lookup(new TxRequest(p, null), null);
      }
      default -> {
        p.addParameter().setName("url").setValue(new UriType(call.url()));
        p.addParameter().setName("count").setValue(new IntegerType(n % 20));
        if (n % 2 == 0) {
          p.addParameter().setName("filter").setValue(new StringType("psycho"));
        }
        if (n % 4 == 0) {
          p.addParameter().setName("includeDesignations").setValue(new BooleanType(true));
        }
        return terminology.expand(new TxRequest(p, null), null);
      }
    }
  }

  private List<Call> calls() {
    List<Call> out = new ArrayList<>();
    TerminologyRegistry registry = terminology.registry();
    for (CodeSystemIndex cs : registry.codeSystems()) {
      for (IndexedConcept c : cs.concepts()) {
        out.add(new Call(Kind.CODE_SYSTEM, cs.url(), null, c.code()));
        out.add(new Call(Kind.LOOKUP, cs.url(), null, c.code()));
      }
    }
    for (ValueSet vs : registry.valueSets()) {
      out.add(new Call(Kind.EXPAND, vs.getUrl(), null, null));
      for (ValueSet.ConceptSetComponent include : vs.getCompose().getInclude()) {
        registry
            .codeSystem(include.getSystem())
            .ifPresent(
                cs -> cs.concepts().stream()
                    .limit(5)
                    .forEach(c -> out.add(new Call(Kind.VALUE_SET, vs.getUrl(), cs.url(), c.code()))));
      }
    }
    return out;
  }

  private enum Kind {
    CODE_SYSTEM,
    VALUE_SET,
    LOOKUP,
    EXPAND
  }

  private record Call(Kind kind, String url, String system, String code) {}
}
