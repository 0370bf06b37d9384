package org.psychcode.fhir.pages;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import org.springframework.stereotype.Component;

/**
 * The code pages, rendered once each: a page is a function of the published terminology alone, which is fixed
 * while the server runs, so the HTML is kept (56 pages, about 10 KB each) and a request for one costs a map read.
 */
@Component
class RenderedPages {

  private final ITemplateEngine engine;
  private final CodeCatalog catalog;
  private final Map<String, String> codePages = new ConcurrentHashMap<>();

  RenderedPages(ITemplateEngine engine, CodeCatalog catalog) {
    this.engine = engine;
    this.catalog = catalog;
  }

  /** The page of a published code, or null when the code is not published. */
  String codePage(String code) {
    return catalog.get(code).map(e -> codePages.computeIfAbsent(e.id(), k -> engine.process("code", new Context(Locale.ENGLISH, Map.of("e", e))))).orElse(null);
  }
}
