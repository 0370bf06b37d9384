package org.psychcode.fhir.rules;

import java.util.List;

/**
 * {@code diagnosis-not-billable}: a diagnosis is an ICD-10-CM chapter 5 code that may not stand on a claim, a
 * category or subcategory with subcodes (F41, F43.1) or a code the release does not have (F41.5). ICD-10-CM is
 * coded to the highest number of characters available (Official Guidelines I.B.2), and only the codes CMS marks
 * valid for HIPAA-covered transactions are billable. The billable codes, and so the sentence's suggestions, are
 * those of the published value set ({@link Diagnoses}). Every claim is held to it, whatever it bills.
 */
final class DiagnosisNotBillableRule extends CodeBookRule {

  static final String ID = "diagnosis-not-billable";
  private static final int NAMED = 10;

  DiagnosisNotBillableRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (Coded diagnosis : claim.diagnoses()) {
        book.diagnoses()
            .unbillable(diagnosis.system(), diagnosis.code())
            .ifPresent(u -> findings.add(ID, sentence(u), diagnosis.path()));
      }
    }
  }

  private static String sentence(Diagnoses.Unbillable u) {
    if (u.dotted().isPresent()) {
      return u.code() + " is not a code of ICD-10-CM (release " + u.release() + "): an ICD-10-CM code carries a dot after"
          + " its third character, " + u.dotted().get() + ".";
    }
    String codes = named(u.billableCodes());
    if (u.inRelease()) {
      return u.code() + " is not a billable ICD-10-CM code: it has subcodes, and a claim carries one of them. Bill "
          + (u.billableCodes().size() == 1 ? codes : "one of " + codes) + ".";
    }
    return u.code() + " is not a code of ICD-10-CM (release " + u.release() + "); the billable codes under "
        + u.under() + " are " + codes + ".";
  }

  /** "F43.10, F43.11 or F43.12"; beyond ten codes, the first nine and how many more. */
  private static String named(List<String> codes) {
    if (codes.size() == 1) {
      return codes.get(0);
    }
    if (codes.size() <= NAMED) {
      return String.join(", ", codes.subList(0, codes.size() - 1)) + " or " + codes.get(codes.size() - 1);
    }
    return String.join(", ", codes.subList(0, NAMED - 1)) + " or one of " + (codes.size() - NAMED + 1) + " more";
  }
}
