package org.psychcode.fhir.rules;

import java.util.List;
import java.util.Optional;

/**
 * {@code provider-scope}: the provider's NUCC taxonomy may not bill the code. A code marked
 * {@code requires-prescriber} (90792, the E/M codes and their psychotherapy add-ons) needs a taxonomy marked
 * {@code prescriber}; one marked {@code requires-prescriptive-authority} needs {@code prescriptive-authority};
 * one marked {@code excludes-prescriber} (90863) may not be billed by a {@code prescriber}, who bills E/M
 * with an add-on instead. A taxonomy outside the published fragment says nothing either way, and a line
 * whose provider is unknown is not judged; of several taxonomies, one that may bill the code is enough.
 */
final class ProviderScopeRule extends CodeBookRule {

  static final String ID = "provider-scope";

  ProviderScopeRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (ClaimFacts claim : visit.claims()) {
      for (BilledLine line : claim.lines()) {
        BillingCode code = line.billing().orElse(null);
        if (code == null || !(code.requiresPrescriber() || code.requiresPrescriptiveAuthority() || code.excludesPrescriber())) {
          continue;
        }
        List<String> known = line.providerTaxonomies().stream().filter(t -> book.prescriber(t).isPresent()).toList();
        if (known.isEmpty() || known.stream().anyMatch(t -> book.mayBill(code, t))) {
          continue;
        }
        String taxonomy = known.get(0);
        String provider =
            "the provider's taxonomy " + taxonomy + book.taxonomyDisplay(taxonomy).map(d -> " (" + d + ")").orElse("");
        findings.add(ID, message(code, taxonomy, provider), line.providerPath(), line.codePath());
      }
    }
  }

  private String message(BillingCode code, String taxonomy, String provider) {
    boolean prescriber = book.prescriber(taxonomy).orElse(false);
    if (code.excludesPrescriber() && prescriber) {
      return code.code()
          + " is for prescribers who cannot bill E/M; "
          + provider
          + " can, and bills an E/M code with a psychotherapy add-on (90833, 90836 or 90838) instead.";
    }
    if (code.requiresPrescriber()) {
      return code.code()
          + " must be billed by a clinician who can bill E/M (a taxonomy such as "
          + Lines.codeList(book.prescriberTaxonomies())
          + "); "
          + provider
          + " may not bill it.";
    }
    Optional<String> examples =
        book.nonPrescriberAuthorities().isEmpty() ? Optional.empty() : Optional.of(Lines.codeList(book.nonPrescriberAuthorities()));
    return code.code()
        + " must be billed by a provider with prescriptive authority"
        + examples.map(e -> " (such as " + e + ")").orElse("")
        + "; "
        + provider
        + " has none.";
  }
}
