package org.psychcode.fhir.pages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.psychcode.fhir.rules.Systems;
import org.psychcode.fhir.terminology.IndexedConcept;
import org.psychcode.fhir.terminology.TerminologyRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The pages for people (DESIGN, "Pages for people"), outside {@code /fhir}: {@code /} to search the published codes,
 * {@code /codes/<code>} for one code, {@code /check} for the visit checker. Server-rendered; every form works without
 * JavaScript.
 */
@Controller
class PagesController {

  /** A pasted or uploaded visit larger than this is refused on the page (the FHIR API takes up to its own limit). */
  static final int MAX_VISIT_CHARS = 2_000_000;

  private static final MediaType HTML = new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8);

  private final CodeCatalog catalog;
  private final RenderedPages pages;
  private final VisitCheck check;
  private final Map<String, String> taxonomies = new LinkedHashMap<>();
  private final Map<String, String> places = new LinkedHashMap<>();

  PagesController(CodeCatalog catalog, RenderedPages pages, VisitCheck check, TerminologyRegistry registry) {
    this.catalog = catalog;
    this.pages = pages;
    this.check = check;
    registry.codeSystem(Systems.NUCC).ifPresent(cs -> cs.concepts().stream().sorted(java.util.Comparator.comparing(IndexedConcept::display)).forEach(c -> taxonomies.put(c.code(), c.display())));
    registry.codeSystem(Systems.PLACE_OF_SERVICE).ifPresent(cs -> cs.concepts().forEach(c -> places.put(c.code(), c.display())));
  }

  @GetMapping("/")
  String index(@RequestParam(required = false) String q, @RequestParam(required = false) String type, Model model) {
    String query = q == null ? "" : q.strip();
    String sessionType = type != null && catalog.sessionTypes().containsKey(type) ? type : null;
    List<CodeEntry> results = catalog.search(query, sessionType);
    boolean searched = !query.isEmpty() || sessionType != null;
    model.addAttribute("title", searched ? "Codes matching " + (query.isEmpty() ? catalog.sessionTypes().get(sessionType) : "\u201c" + query + "\u201d") : "Behavioral-health codes");
    model.addAttribute("q", query);
    model.addAttribute("type", sessionType);
    model.addAttribute("sessionTypes", catalog.sessionTypes());
    model.addAttribute("results", results);
    model.addAttribute(
        "heading",
        searched ? results.size() + (results.size() == 1 ? " code" : " codes") + " found" : "All " + results.size() + " codes");
    return "index";
  }

  @GetMapping("/codes/{code}")
  Object code(@PathVariable String code, Model model, HttpServletResponse response) {
    String page = pages.codePage(code);
    if (page != null) {
      return ResponseEntity.ok().contentType(HTML).body(page);
    }
    response.setStatus(HttpStatus.NOT_FOUND.value());
    model.addAttribute("code", code);
    model.addAttribute("close", catalog.closeTo(code));
    return "not-found";
  }

  @GetMapping("/check")
  String check(@RequestParam(required = false) String example, Model model) {
    String bundle = example == null ? "" : check.examples().getOrDefault(example, "");
    model.addAttribute("example", example);
    return checkPage(model, bundle, null, null, null);
  }

  @PostMapping("/check")
  String check(
      @RequestParam(required = false) String mode,
      @RequestParam(required = false) String bundle,
      @RequestParam(required = false) MultipartFile file,
      @RequestParam(required = false) String minutes,
      @RequestParam(required = false) String sessionType,
      @RequestParam(required = false) String encounterClass,
      @RequestParam(required = false) String taxonomy,
      @RequestParam(required = false) String codes,
      @RequestParam(required = false) String place,
      @RequestParam(required = false) String modifiers,
      @RequestParam(required = false) String diagnosis,
      @RequestHeader(name = "X-Requested-With", required = false) String requestedWith,
      Model model,
      HttpServletResponse response) {
    String text = bundle == null ? "" : bundle;
    VisitCheck.Form form = null;
    VisitCheck.Result result = null;
    String problem = null;
    try {
      if (file != null && !file.isEmpty()) {
        if (file.getSize() > MAX_VISIT_CHARS) {
          throw new VisitCheck.Unreadable("The file is larger than " + MAX_VISIT_CHARS / 1_000_000 + " MB; check a smaller visit, or post it to /fhir/Bundle/$validate.");
        }
        text = new String(file.getBytes(), StandardCharsets.UTF_8);
      }
      if (!"form".equals(mode) && !text.isBlank()) {
        if (text.length() > MAX_VISIT_CHARS) {
          throw new VisitCheck.Unreadable("The visit is larger than " + MAX_VISIT_CHARS / 1_000_000 + " MB; check a smaller visit, or post it to /fhir/Bundle/$validate.");
        }
        result = check.check(text);
      } else {
        form = new VisitCheck.Form(number(minutes), sessionType, encounterClass, taxonomy, codes, place, modifiers, diagnosis);
        result = check.check(form);
      }
    } catch (VisitCheck.Unreadable e) {
      problem = e.getMessage();
      response.setStatus(HttpStatus.BAD_REQUEST.value());
    } catch (IOException e) {
      problem = "The uploaded file could not be read.";
      response.setStatus(HttpStatus.BAD_REQUEST.value());
    } catch (NumberFormatException e) {
      problem = "The minutes must be a whole number.";
      response.setStatus(HttpStatus.BAD_REQUEST.value());
    }
    checkPage(model, text, form, result, problem);
    return "fetch".equals(requestedWith) ? "check :: results" : "check";
  }

  private String checkPage(Model model, String bundle, VisitCheck.Form form, VisitCheck.Result result, String problem) {
    model.addAttribute("bundle", bundle);
    model.addAttribute("form", form);
    model.addAttribute("result", result);
    model.addAttribute("problem", problem);
    model.addAttribute("examples", check.examples().keySet());
    model.addAttribute("sessionTypes", catalog.sessionTypes());
    model.addAttribute("taxonomies", taxonomies);
    model.addAttribute("places", places);
    return "check";
  }

  private static Integer number(String minutes) {
    return minutes == null || minutes.isBlank() ? null : Integer.valueOf(minutes.trim());
  }
}
