package org.psychcode.fhir.rules;

/** A rule that reads its numbers and relations from the {@link CodeBook}: its id and the book, once. */
abstract class CodeBookRule implements BillingRule {

  private final String id;
  protected final CodeBook book;

  CodeBookRule(String id, CodeBook book) {
    this.id = id;
    this.book = book;
  }

  @Override
  public final String id() {
    return id;
  }
}
