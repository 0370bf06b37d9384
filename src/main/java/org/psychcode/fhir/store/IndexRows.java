package org.psychcode.fhir.store;

import java.util.ArrayList;
import java.util.List;

/** The index rows one resource version gives: what its search parameters extract, and all its references. */
record IndexRows(List<Token> tokens, List<Text> strings, List<DateRange> dates, List<Ref> references) {

  IndexRows() {
    this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }

  record Token(String param, String system, String code) {}

  record Text(String param, String normalized, String exact) {}

  /** A date, dateTime, instant or Period as the milliseconds it covers, both ends included. */
  record DateRange(String param, long low, long high) {}

  /** A reference to {@code targetType/targetId}; {@code param} is null for one no search parameter covers. */
  record Ref(String param, String targetType, String targetId) {}
}
