package org.psychcode.fhir.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Set;

/**
 * The endpoint families a client reaches without a token when security is on, by the request's decoded, normalised
 * path (servlet path and path info, so {@code %24validate} and {@code /a/../b} are read as Tomcat resolves them). None
 * of them answers with stored data: the published terminology, the conformance resources, {@code $validate},
 * {@code POST Encounter/$suggest-codes} and the pages only read what the request carries (and the store for context).
 * {@code /actuator/health} and the SMART configuration are always open; everything else under {@code /fhir} asks for
 * a token, except {@code POST /fhir}, whose transaction and batch entries are each judged by the store's access check
 * (a batch of terminology calls needs no token). Outside {@code /fhir} only the published-code pages are open: a page
 * added later that shows stored data (a report, an audit view) needs a token until it is named here.
 */
public final class OpenEndpoints {

  static final List<String> FAMILIES = List.of("terminology", "metadata", "validate", "suggest-codes", "pages", "actuator");
  static final List<String> DEFAULT_OPEN = List.of("terminology", "metadata", "validate", "suggest-codes", "pages");
  private static final Set<String> TERMINOLOGY = Set.of("CodeSystem", "ValueSet", "ConceptMap", "$versions");
  private static final Set<String> METADATA =
      Set.of("metadata", "StructureDefinition", "SearchParameter", "OperationDefinition", "api-docs", "swagger-ui");

  /** The pages of the published codes (search, one code, the visit checker) and their assets; any other page needs a token. */
  private static final Set<String> PAGES = Set.of("/", "/check");
  private static final List<String> PAGE_PREFIXES = List.of("/codes/", "/assets/");

  private final Set<String> open;

  OpenEndpoints(Set<String> open) {
    this.open = Set.copyOf(open);
  }

  /** The request's path as the servlet container resolved it: decoded, without {@code ..} or {@code ;params}. */
  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String info = request.getPathInfo();
    return (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
  }

  /** True when the request needs no token. */
  public boolean isOpen(HttpServletRequest request) {
    String family = family(request.getMethod(), path(request));
    return family != null && (family.equals("always") || open.contains(family));
  }

  /** The family of a path: one of {@link #FAMILIES}, {@code always}, or null for what needs a token. */
  static String family(String method, String path) {
    if (path.equals("/.well-known/smart-configuration") || path.equals("/fhir/.well-known/smart-configuration")
        || path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return "always";
    }
    if (path.equals("/actuator") || path.startsWith("/actuator/")) {
      return "actuator";
    }
    if (!path.equals("/fhir") && !path.startsWith("/fhir/")) {
      return PAGES.contains(path) || PAGE_PREFIXES.stream().anyMatch(path::startsWith) ? "pages" : null;
    }
    String rest = path.substring("/fhir".length());
    String[] parts = (rest.startsWith("/") ? rest.substring(1) : rest).split("/");
    if (parts.length == 0 || parts[0].isEmpty()) {
      return null;
    }
    if (TERMINOLOGY.contains(parts[0])) {
      return "terminology";
    }
    if (METADATA.contains(parts[0])) {
      return "metadata";
    }
    if (parts.length == 2 && parts[1].equals("$validate")) {
      return "validate";
    }
    if (parts.length == 2 && parts[0].equals("Encounter") && parts[1].equals("$suggest-codes") && "POST".equals(method)) {
      return "suggest-codes";
    }
    return null;
  }
}
