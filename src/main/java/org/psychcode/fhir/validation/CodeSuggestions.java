package org.psychcode.fhir.validation;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.psychcode.fhir.rules.BillingSuggester;
import org.psychcode.fhir.rules.Suggestion;

/**
 * {@code $suggest-codes} behind HTTP and the pages: reads the Encounters of a posted Encounter or Bundle as the
 * rules read them (references the request does not hold are looked up in the store, as for {@code $validate}) and
 * asks the {@link BillingSuggester} what to bill.
 */
public class CodeSuggestions {

  private final VisitReader reader;
  private final BillingSuggester suggester;

  CodeSuggestions(VisitReader reader, BillingSuggester suggester) {
    this.reader = reader;
    this.suggester = suggester;
  }

  /** @param taxonomy the billing provider's NUCC code; empty to read it from the encounters */
  public List<Suggestion> suggest(IBaseResource resource, Optional<String> taxonomy) {
    return suggester.suggest(reader.sessions(resource), taxonomy);
  }
}
