package org.psychcode.fhir.store;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.psychcode.fhir.store.ResourceRepository.Current;
import org.psychcode.fhir.store.StoredTypes.StoredType;
import org.psychcode.fhir.validation.ValidationProperties;
import org.psychcode.fhir.validation.VisitValidator.ProfileFindings;
import org.springframework.stereotype.Component;

/**
 * {@code POST /fhir} with a {@code transaction} or {@code batch} Bundle of store interactions.
 *
 * <p>A transaction is all or nothing, in one database transaction: its conditional creates and updates are matched
 * (under the criteria's lock), every POST gets its id, {@code urn:uuid:} and other {@code fullUrl} references and
 * conditional references ({@code Patient?identifier=...}) are rewritten to {@code Type/id}, the Encounters and Claims
 * are validated with the Bundle and the store as context, and the entries run in FHIR's order (DELETE, POST, PUT,
 * GET). Any failure rolls everything back and answers the failing entry's status and OperationOutcome, its
 * expressions pointing into the posted Bundle ({@code Bundle.entry[3].resource.subject}). The answer is a
 * {@code transaction-response} with each entry's status, location, etag and lastModified, the resource or the
 * OperationOutcome as {@code Prefer: return=} asks, and validation's findings in {@code response.outcome}.
 *
 * <p>A batch runs each entry on its own, each in its own database transaction; one entry's failure is its own
 * answer. Terminology calls are for the caller to answer (see {@link #batch}).
 */
@Component
public class BundleProcessor {

  private final ResourceStore store;
  private final WriteValidation validation;
  private final int maxEntries;

  BundleProcessor(ResourceStore store, WriteValidation validation, ValidationProperties limits) {
    this.store = store;
    this.validation = validation;
    this.maxEntries = limits.maxBundleEntries();
  }

  /** What {@code Prefer: return=} asks of each entry's answer. */
  public enum Return {
    MINIMAL,
    REPRESENTATION,
    OPERATION_OUTCOME;

    public static Return of(String prefer, Return fallback) {
      if (prefer == null) {
        return fallback;
      }
      for (String part : prefer.split("[;,]")) {
        String p = part.trim();
        if (p.equalsIgnoreCase("return=minimal")) {
          return MINIMAL;
        }
        if (p.equalsIgnoreCase("return=representation")) {
          return REPRESENTATION;
        }
        if (p.equalsIgnoreCase("return=OperationOutcome")) {
          return OPERATION_OUTCOME;
        }
      }
      return fallback;
    }
  }

  /** One entry, read: what it asks and of which type. */
  private record Step(int index, BundleEntryComponent entry, HTTPVerb method, StoredType type, String id, String query, Long version) {
    String label() {
      return "Bundle.entry[" + index + "]";
    }

    Interaction interaction() {
      return switch (method) {
        case POST -> Interaction.CREATE;
        case PUT -> Interaction.UPDATE;
        case DELETE -> Interaction.DELETE;
        default -> id == null ? Interaction.SEARCH : version == null ? Interaction.READ : Interaction.VREAD;
      };
    }
  }

  // ---- transaction ----------------------------------------------------------------------------------

  public Bundle transaction(Bundle bundle, String text, EncodingEnum encoding, RequestDetails request) {
    List<BundleEntryComponent> entries = bundle.getEntry();
    if (entries.size() > maxEntries) {
      throw StoreErrors.status(
          413, IssueType.TOOLONG, "The Bundle holds " + entries.size() + " entries; a transaction may hold at most " + maxEntries + ".");
    }
    for (Step s : steps(bundle)) {
      atEntry(s, () -> store.checkType(s.interaction(), s.type().name()));
    }
    ProfileFindings profiles = validation.profiles(bundle, text, encoding);
    Return wanted = Return.of(request == null ? null : request.getHeader("Prefer"), Return.MINIMAL);
    int[] attempt = {0};
    return store.retrying(
        () -> {
          // a retry starts from the Bundle as posted: the attempt before rewrote ids and references it could not keep
          Bundle b = attempt[0]++ == 0 ? bundle : (Bundle) reparse(text, encoding);
          return store.inTransaction(() -> runTransaction(b, steps(b), profiles, b, true, request).answer(wanted));
        });
  }

  private List<Step> steps(Bundle bundle) {
    List<Step> steps = new ArrayList<>();
    Set<String> fullUrls = new HashSet<>();
    List<BundleEntryComponent> entries = bundle.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      Step step = step(i, entries.get(i), false);
      String fullUrl = entries.get(i).getFullUrl();
      if (fullUrl != null && !fullUrl.isBlank() && !fullUrls.add(fullUrl)) {
        throw StoreErrors.invalid(step.label() + ".fullUrl " + fullUrl + " is used by another entry too.", step.label() + ".fullUrl");
      }
      steps.add(step);
    }
    return steps;
  }

  private IBaseResource reparse(String text, EncodingEnum encoding) {
    if (text == null) {
      throw StoreErrors.conflict("The transaction met a concurrent write to the same resources; send it again.");
    }
    var parser = encoding == EncodingEnum.XML ? store.fhirContext().newXmlParser() : store.fhirContext().newJsonParser();
    return parser.parseResource(Bundle.class, text);
  }

  /** What a transaction did: each entry's write (by index), and what validation said of the whole. */
  final class Outcome {
    private final List<Step> steps;
    private final Map<Integer, Written> results;
    private final OperationOutcome validation;
    private final RequestDetails request;

    Outcome(List<Step> steps, Map<Integer, Written> results, OperationOutcome validation, RequestDetails request) {
      this.steps = steps;
      this.results = results;
      this.validation = validation;
      this.request = request;
    }

    OperationOutcome validation() {
      return validation;
    }

    Written written(int index) {
      return results.get(index);
    }

    Bundle answer(Return wanted) {
      Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
      for (Step s : steps) {
        BundleEntryComponent answer = response.addEntry();
        if (s.method() == HTTPVerb.GET || s.method() == HTTPVerb.HEAD) {
          atEntry(s, () -> read(s, answer, request));
        } else {
          BundleProcessor.answer(answer, results.get(s.index()), wanted);
        }
      }
      return response;
    }
  }

  /** Runs a transaction Bundle as a whole; see {@link #transaction}. */
  Outcome run(Bundle bundle, ProfileFindings profiles, IBaseResource validated, boolean refuse, RequestDetails request) {
    return runTransaction(bundle, steps(bundle), profiles, validated, refuse, request);
  }

  private Outcome runTransaction(
      Bundle bundle, List<Step> steps, ProfileFindings profiles, IBaseResource validated, boolean refuse, RequestDetails request) {
    Map<String, String> targets = new HashMap<>();
    Map<Integer, String> ids = new HashMap<>();
    Map<Integer, Written> results = new HashMap<>();
    List<String> criteria = new ArrayList<>();
    for (Step s : steps) {
      String ifNoneExist = s.entry().getRequest().getIfNoneExist();
      if (s.method() == HTTPVerb.POST && ifNoneExist != null && !ifNoneExist.isBlank()) {
        criteria.add(s.type().name() + "?" + ifNoneExist);
      } else if (s.method() == HTTPVerb.PUT && s.id() == null) {
        criteria.add(s.type().name() + "?" + s.query());
      }
    }
    store.lockCriteria(criteria);
    Map<String, Integer> writers = new HashMap<>();
    for (Step s : steps) {
      if (s.method() == HTTPVerb.POST) {
        String ifNoneExist = s.entry().getRequest().getIfNoneExist();
        Optional<Current> match = Optional.empty();
        if (ifNoneExist != null && !ifNoneExist.isBlank()) {
          match = atEntry(s, () -> store.matchForCreate(s.type(), ifNoneExist));
        }
        if (match.isPresent()) {
          Current found = match.get();
          results.put(s.index(), atEntry(s, () -> store.matched(s.type(), found, request)));
          ids.put(s.index(), match.get().id());
        } else {
          ids.put(s.index(), store.newId());
        }
      } else if (s.method() == HTTPVerb.PUT) {
        String id = s.id();
        if (id == null) {
          Optional<Current> match = atEntry(s, () -> store.matchForCreate(s.type(), s.query()));
          String bodyId = s.entry().getResource().getIdElement().getIdPart();
          if (match.isPresent()) {
            id = match.get().id();
            if (bodyId != null && !bodyId.equals(id)) {
              throw at(s, StoreErrors.invalid("The criteria match " + s.type().name() + "/" + id + ", but the entry's resource has the id " + bodyId + "."));
            }
          } else {
            id = bodyId != null ? bodyId : store.newId();
          }
        }
        ids.put(s.index(), id);
      }
      String fullUrl = s.entry().getFullUrl();
      if (ids.containsKey(s.index()) && fullUrl != null && !fullUrl.isBlank()) {
        targets.put(fullUrl, s.type().name() + "/" + ids.get(s.index()));
      }
      if (ids.containsKey(s.index()) && !results.containsKey(s.index())) {
        Integer other = writers.putIfAbsent(s.type().name() + "/" + ids.get(s.index()), s.index());
        if (other != null) {
          throw at(s, StoreErrors.invalid(
              "Bundle.entry[" + other + "] writes " + s.type().name() + "/" + ids.get(s.index()) + " too; a transaction writes each resource once."));
        }
      }
    }
    for (Step s : steps) {
      Resource resource = s.entry().getResource();
      if (resource != null && (s.method() == HTTPVerb.POST || s.method() == HTTPVerb.PUT)) {
        resource.setId(new IdType(s.type().name(), ids.get(s.index())));
        rewrite(s, resource, targets, ResourceStore.ownBase(request));
      }
    }
    OperationOutcome outcome = profiles == null ? null : validation.rules(profiles, validated, refuse);
    // what this transaction writes, and the matches of its conditional creates (read under their criteria's lock):
    // references to these need no look-up in the store
    Set<String> written = new HashSet<>();
    results.values().forEach(w -> written.add(w.type() + "/" + w.id()));
    for (HTTPVerb phase : List.of(HTTPVerb.DELETE, HTTPVerb.POST, HTTPVerb.PUT)) {
      for (Step s : steps) {
        if (s.method() != phase || results.containsKey(s.index())) {
          continue;
        }
        OperationOutcome own = outcome == null ? null : entryOutcome(outcome, s, validated == bundle);
        Written w =
            atEntry(
                s,
                () ->
                    switch (phase) {
                      case DELETE -> s.id() != null
                          ? store.remove(s.type(), s.id(), ifMatch(s), request)
                          : store.remove(
                              s.type(),
                              store.matchOne(s.type(), s.query())
                                  .orElseThrow(() -> StoreErrors.notFound("No " + s.type().name() + " matches " + s.query() + "; nothing was deleted."))
                                  .id(),
                              ifMatch(s),
                              request);
                      case POST -> store.insert(s.type(), ids.get(s.index()), s.entry().getResource(), Interaction.CREATE, own, request);
                      default -> store.put(s.type(), ids.get(s.index()), ifMatch(s), s.entry().getResource(), own, request);
                    });
        results.put(s.index(), w);
        if (w.resource() != null) {
          written.add(w.type() + "/" + w.id());
        }
      }
    }
    store.flush();
    for (Step s : steps) {
      Written w = results.get(s.index());
      if (w != null && w.resource() != null && w.kind() != Written.Kind.MATCHED) {
        List<String> missing = store.missingReferences(w.resource(), written);
        if (!missing.isEmpty()) {
          throw at(
              s,
              StoreErrors.invalid(
                  "The " + s.type().name() + " references what neither this transaction nor the server holds: " + String.join("; ", missing) + "."));
        }
      }
    }
    return new Outcome(steps, results, outcome, request);
  }

  /** The issues of the Bundle's outcome that point into this entry (all of them when none points anywhere). */
  private static OperationOutcome entryOutcome(OperationOutcome outcome, Step s, boolean bundlePaths) {
    if (!WriteValidation.VALIDATED.contains(s.type().name())) {
      return null;
    }
    if (!bundlePaths) {
      return outcome;
    }
    String prefix = s.label() + ".";
    OperationOutcome own = new OperationOutcome();
    for (var issue : outcome.getIssue()) {
      boolean here = issue.getExpression().stream().anyMatch(e -> e.getValue() != null && e.getValue().startsWith(prefix));
      boolean nowhere = issue.getExpression().stream().noneMatch(e -> e.getValue() != null && e.getValue().startsWith("Bundle.entry["));
      if (here || nowhere) {
        own.addIssue(issue.copy());
      }
    }
    if (own.getIssue().isEmpty()) {
      return ResourceStore.information("No profile or billing-rule issue found in this entry.");
    }
    return own;
  }

  /**
   * Rewrites {@code fullUrl} references to the ids they got, conditional references to their one match, and references
   * to this server's own base ({@code ownBase}, see {@link ResourceStore#localReferences}) to relative ones.
   */
  private void rewrite(Step s, Resource resource, Map<String, String> targets, String ownBase) {
    for (ResourceReferenceInfo info : store.fhirContext().newTerser().getAllResourceReferences(resource)) {
      IBaseReference ref = info.getResourceReference();
      String value = ref.getReferenceElement().getValue();
      if (value == null || value.isEmpty() || value.startsWith("#")) {
        continue;
      }
      String target = targets.get(value);
      if (target == null && value.contains("?")) {
        String typeName = value.substring(0, value.indexOf('?'));
        StoredType type =
            store.types().type(typeName)
                .orElseThrow(() -> at(s, StoreErrors.invalid("The conditional reference " + value + " names a type this server does not store.")));
        Current match =
            atEntry(s, () -> store.matchOne(type, value.substring(value.indexOf('?') + 1)))
                .orElseThrow(() -> at(s, StoreErrors.invalid("The conditional reference " + value + " matches no stored resource.")));
        target = type.name() + "/" + match.id();
      }
      if (target == null) {
        target = ResourceStore.local(value, ownBase);
      }
      if (target == null && value.startsWith("urn:")) {
        throw at(s, StoreErrors.invalid("The reference " + value + " points at no entry of the Bundle (no entry has that fullUrl)."));
      }
      if (target != null) {
        ref.setReference(target);
        ref.setResource(null);
      }
    }
  }

  private void read(Step s, BundleEntryComponent answer, RequestDetails request) {
    if (s.id() != null) {
      IBaseResource r = store.read(s.type().name(), s.id(), s.version(), request);
      answer.setResource((Resource) r);
      answer.getResponse().setStatus("200 OK").setEtag("W/\"" + r.getIdElement().getVersionIdPart() + "\"");
      return;
    }
    ResourceStore.SearchPage page = store.search(s.type().name(), ResourceStore.query(s.query() == null ? "" : s.query()), request);
    Bundle set = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    if (page.total() != null) {
      set.setTotal(page.total());
    }
    page.matches().forEach(m -> set.addEntry().setFullUrl(m.getIdElement().toUnqualifiedVersionless().getValue()).setResource((Resource) m)
        .getSearch().setMode(Bundle.SearchEntryMode.MATCH));
    page.included().forEach(m -> set.addEntry().setFullUrl(m.getIdElement().toUnqualifiedVersionless().getValue()).setResource((Resource) m)
        .getSearch().setMode(Bundle.SearchEntryMode.INCLUDE));
    answer.setResource(set);
    answer.getResponse().setStatus("200 OK");
  }

  // ---- batch ----------------------------------------------------------------------------------------

  /**
   * Runs each entry of a batch on its own. {@code others} answers entries that are not store interactions (the
   * terminology operations), or returns null when it cannot either.
   */
  public Bundle batch(Bundle bundle, RequestDetails request, Function<BundleEntryComponent, BundleEntryComponent> others) {
    List<BundleEntryComponent> entries = bundle.getEntry();
    if (entries.size() > maxEntries) {
      throw StoreErrors.status(413, IssueType.TOOLONG, "The Bundle holds " + entries.size() + " entries; a batch may hold at most " + maxEntries + ".");
    }
    Return wanted = Return.of(request == null ? null : request.getHeader("Prefer"), Return.MINIMAL);
    Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      BundleEntryComponent answered = others.apply(entry);
      if (answered != null) {
        response.addEntry(answered);
        continue;
      }
      BundleEntryComponent answer = new BundleEntryComponent();
      try {
        Step s = step(i, entry, true);
        Resource resource = entry.getResource();
        String ifNoneExist = entry.getRequest().getIfNoneExist();
        switch (s.method()) {
          case GET, HEAD -> read(s, answer, request);
          case POST -> answer(answer, store.create(s.type().name(), resource, null, null, ifNoneExist, request), wanted);
          case PUT -> answer(
              answer,
              s.id() != null
                  ? store.update(s.type().name(), s.id(), ifMatch(s), resource, null, null, request)
                  : store.conditionalUpdate(s.type().name(), s.query(), resource, null, null, request),
              wanted);
          default -> answer(
              answer,
              s.id() != null ? store.delete(s.type().name(), s.id(), ifMatch(s), request) : store.conditionalDelete(s.type().name(), s.query(), request),
              wanted);
        }
      } catch (BaseServerResponseException e) {
        answer = new BundleEntryComponent();
        answer.getResponse().setStatus(e.getStatusCode() + " " + reason(e.getStatusCode()));
        answer.getResponse().setOutcome(outcomeOf(e));
      }
      response.addEntry(answer);
    }
    return response;
  }

  // ---- entries --------------------------------------------------------------------------------------

  /** Reads an entry's request: method, type, id or criteria, version; a 400 when it is not a store interaction. */
  private Step step(int i, BundleEntryComponent entry, boolean batch) {
    String label = "Bundle.entry[" + i + "]";
    if (!entry.hasRequest() || entry.getRequest().getMethod() == null || !entry.getRequest().hasUrl()) {
      throw StoreErrors.invalid(label + " has no request.method and request.url: each entry of a transaction or batch says what to do.", label + ".request");
    }
    HTTPVerb method = entry.getRequest().getMethod();
    String url = entry.getRequest().getUrl().trim();
    String path = url;
    String query = null;
    int q = url.indexOf('?');
    if (q >= 0) {
      path = url.substring(0, q);
      query = url.substring(q + 1);
    }
    path = path.replaceFirst("^/", "");
    String[] parts = path.split("/");
    String typeName = parts[0];
    StoredType type =
        store.types().type(typeName)
            .orElseThrow(() -> StoreErrors.invalid(label + ".request.url " + url + " names no type this server stores.", label + ".request.url"));
    String id = null;
    Long version = null;
    if (parts.length == 2 || (parts.length == 4 && "_history".equals(parts[2]))) {
      id = parts[1];
      if (!ResourceStore.ID.matcher(id).matches()) {
        throw StoreErrors.invalid(label + ".request.url " + url + ": '" + id + "' is not a FHIR id.", label + ".request.url");
      }
      if (parts.length == 4) {
        version = versionOf(parts[3], label);
      }
    } else if (parts.length != 1) {
      throw StoreErrors.invalid(label + ".request.url " + url + " is not an interaction this server answers in a Bundle.", label + ".request.url");
    }
    Resource resource = entry.getResource();
    switch (method) {
      case POST -> {
        if (id != null || query != null) {
          throw StoreErrors.invalid(label + ": POST creates at the type's URL (" + typeName + "), not " + url + ".", label + ".request.url");
        }
        requireResource(label, type, resource);
      }
      case PUT -> {
        if (id == null && query == null) {
          throw StoreErrors.invalid(label + ": PUT needs " + typeName + "/[id] or " + typeName + "?[criteria].", label + ".request.url");
        }
        requireResource(label, type, resource);
        String bodyId = resource.getIdElement().getIdPart();
        if (id != null && bodyId != null && !bodyId.equals(id)) {
          throw StoreErrors.invalid(
              label + ": the resource's id (" + bodyId + ") is not the id in request.url (" + id + ").", label + ".resource.id");
        }
      }
      case DELETE -> {
        if (id == null && query == null) {
          throw StoreErrors.invalid(label + ": DELETE needs " + typeName + "/[id] or " + typeName + "?[criteria].", label + ".request.url");
        }
      }
      case GET, HEAD -> {}
      default -> throw StoreErrors.invalid(label + ": " + method.toCode() + " is not supported in a " + (batch ? "batch" : "transaction") + ".", label + ".request.method");
    }
    return new Step(i, entry, method, type, id, query, version);
  }

  private static void requireResource(String label, StoredType type, Resource resource) {
    if (resource == null) {
      throw StoreErrors.invalid(label + " has no resource to store.", label + ".resource");
    }
    if (!type.name().equals(resource.fhirType())) {
      throw StoreErrors.invalid(
          label + ".resource is a " + resource.fhirType() + ", but request.url is for " + type.name() + ".", label + ".resource");
    }
  }

  private static Long ifMatch(Step s) {
    String v = s.entry().getRequest().getIfMatch();
    if (v == null || v.isBlank()) {
      return null;
    }
    String digits = v.trim().replaceFirst("^W/", "").replace("\"", "");
    return versionOf(digits, s.label());
  }

  private static Long versionOf(String v, String label) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw StoreErrors.invalid(label + ": '" + v + "' is not a version of this server (whole numbers).", label + ".request");
    }
  }

  static void answer(BundleEntryComponent answer, Written w, Return wanted) {
    BundleEntryResponseComponent response = answer.getResponse();
    response.setStatus(w.created() ? "201 Created" : "200 OK");
    response.setLocation(w.type() + "/" + w.id() + "/_history/" + w.version());
    response.setEtag("W/\"" + w.version() + "\"");
    if (w.lastUpdated() > 0) {
      response.setLastModified(new java.util.Date(w.lastUpdated()));
    }
    if (wanted == Return.REPRESENTATION && w.resource() instanceof Resource r) {
      answer.setFullUrl(w.type() + "/" + w.id());
      answer.setResource(r);
    }
    if (w.outcome() != null) {
      response.setOutcome(w.outcome());
    } else if (wanted == Return.OPERATION_OUTCOME) {
      response.setOutcome(ResourceStore.information(w.sentence()));
    }
  }

  // ---- errors ---------------------------------------------------------------------------------------

  private interface Work<T> {
    T run();
  }

  private static <T> T atEntry(Step s, Work<T> work) {
    try {
      return work.run();
    } catch (BaseServerResponseException e) {
      throw at(s, e);
    }
  }

  private static void atEntry(Step s, Runnable work) {
    try {
      work.run();
    } catch (BaseServerResponseException e) {
      throw at(s, e);
    }
  }

  /** The entry's failure, answered for the whole transaction: its message and expressions placed in the Bundle. */
  static BaseServerResponseException at(Step s, BaseServerResponseException e) {
    String label = s.label();
    if (e.getMessage() != null && e.getMessage().contains(label)) {
      return e;
    }
    String type = s.type() == null ? null : s.type().name();
    OperationOutcome oo = outcomeOf(e);
    for (var issue : oo.getIssue()) {
      String text = label + " (" + s.method().toCode() + " " + s.entry().getRequest().getUrl() + "): "
          + (issue.getDetails().hasText() ? issue.getDetails().getText() : issue.getDiagnostics());
      issue.setDiagnostics(text);
      issue.getDetails().setText(text);
      List<StringType> placed = new ArrayList<>();
      for (StringType ex : issue.getExpression()) {
        String v = ex.getValue();
        placed.add(new StringType(type != null && v != null && (v.equals(type) || v.startsWith(type + ".")) ? label + ".resource" + v.substring(type.length()) : v));
      }
      issue.setExpression(placed);
      if (placed.isEmpty()) {
        issue.addExpression(label);
      }
    }
    BaseServerResponseException placed = BaseServerResponseException.newInstance(e.getStatusCode(), label + ": " + e.getMessage());
    placed.setOperationOutcome(oo);
    e.getResponseHeaders().forEach((name, values) -> values.forEach(v -> placed.addResponseHeader(name, v)));
    return placed;
  }

  static OperationOutcome outcomeOf(BaseServerResponseException e) {
    if (e.getOperationOutcome() instanceof OperationOutcome oo) {
      return oo.copy();
    }
    return StoreErrors.outcome(IssueType.PROCESSING, e.getMessage(), null);
  }

  /** The reason phrase of a status, for {@code Bundle.entry.response.status}. */
  public static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Payload Too Large";
      case 422 -> "Unprocessable Entity";
      default -> "";
    };
  }
}
