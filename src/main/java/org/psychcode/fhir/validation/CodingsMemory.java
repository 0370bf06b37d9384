package org.psychcode.fhir.validation;

import java.lang.reflect.Field;
import java.util.List;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties what an {@link InstanceValidator} remembers of the codings it has validated. The HL7 validator keeps
 * every coding it sees, with the document it sits in, so that IPS checks can run at the end; nothing ever
 * clears that list, so a reused validator would hold every document it validated. The list and the
 * AI text checks are private state of the HL7 library: when a later version renames them, this reports that
 * it does not work and the pool retires each validator after one use instead.
 */
final class CodingsMemory {

  private static final Logger log = LoggerFactory.getLogger(CodingsMemory.class);

  private final Field observer;
  private final Field list;

  private CodingsMemory(Field observer, Field list) {
    this.observer = observer;
    this.list = list;
  }

  static CodingsMemory find() {
    try {
      Field observer = InstanceValidator.class.getDeclaredField("codingObserver");
      observer.setAccessible(true);
      Field list = observer.getType().getDeclaredField("list");
      list.setAccessible(true);
      return new CodingsMemory(observer, list);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("The validator's coding list cannot be emptied ({}); each validator is used once", e.toString());
      return new CodingsMemory(null, null);
    }
  }

  boolean works() {
    return observer != null;
  }

  void forget(InstanceValidator validator) {
    validator.getTextsToCheck().clear();
    if (observer == null) {
      return;
    }
    try {
      Object codings = observer.get(validator);
      if (codings != null) {
        ((List<?>) list.get(codings)).clear();
      }
    } catch (IllegalAccessException | RuntimeException e) {
      log.debug("could not empty the validator's coding list", e);
    }
  }
}
