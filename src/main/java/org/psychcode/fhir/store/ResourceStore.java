package org.psychcode.fhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.primitive.InstantDt;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.store.ResourceRepository.Current;
import org.psychcode.fhir.store.StoredTypes.SearchParam;
import org.psychcode.fhir.store.StoredTypes.StoredType;
import org.psychcode.fhir.validation.VisitValidator.ProfileFindings;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's interactions: create, read, vread, update (creating with the client's id), conditional create and
 * update, delete, history and search, each in one database transaction, and the building blocks a transaction Bundle
 * runs inside its own. Version checks are the database's ({@link ResourceRepository}); a write that loses a race for
 * a new id or a lock is retried from the start, a stale {@code If-Match} is a 412.
 *
 * <p>Extension points, each a Spring bean interface: {@link StoreAccessCheck} sees every interaction before it happens
 * (authorization); {@link StoreWriteListener} is called inside the transaction of every write (audit, derived rows);
 * {@link StoreReadListener} is told what reads and searches returned. {@link #stream} reads a type from a cursor (bulk
 * export); {@link #patients} tells the Patient compartments of a resource.
 */
@Service
public class ResourceStore {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final int TRIES = 5;

  private final FhirContext ctx;
  private final StoredTypes types;
  private final SearchIndexer indexer;
  private final ResourceRepository resources;
  private final IndexRepository indexes;
  private final SearchRepository searches;
  private final SearchParser parser;
  private final WriteValidation validation;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final TransactionTemplate readOnly;
  private final List<StoreWriteListener> writeListeners;
  private final List<StoreReadListener> readListeners;
  private final List<StoreAccessCheck> accessChecks;
  private final ResourceKeys keys;
  private final CriteriaLocks criteriaLocks;
  private final WriteClock clock;

  ResourceStore(
      FhirContext ctx,
      StoredTypes types,
      ResourceRepository resources,
      IndexRepository indexes,
      SearchRepository searches,
      StoreProperties properties,
      WriteValidation validation,
      JdbcTemplate jdbc,
      PlatformTransactionManager transactions,
      List<StoreWriteListener> writeListeners,
      List<StoreReadListener> readListeners,
      List<StoreAccessCheck> accessChecks,
      ResourceKeys keys,
      CriteriaLocks criteriaLocks,
      WriteClock clock) {
    this.ctx = ctx;
    this.types = types;
    this.indexer = new SearchIndexer(ctx);
    this.resources = resources;
    this.indexes = indexes;
    this.searches = searches;
    this.parser = new SearchParser(types, properties);
    this.validation = validation;
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactions);
    this.readOnly = new TransactionTemplate(transactions);
    readOnly.setReadOnly(true);
    this.writeListeners = List.copyOf(writeListeners);
    this.readListeners = List.copyOf(readListeners);
    this.accessChecks = List.copyOf(accessChecks);
    this.keys = keys;
    this.criteriaLocks = criteriaLocks;
    this.clock = clock;
  }

  public StoredTypes types() {
    return types;
  }

  public FhirContext fhirContext() {
    return ctx;
  }

  /** The stored type of this name, or a 404 for a type the store does not hold. */
  public StoredType type(String name) {
    return types.type(name).orElseThrow(() -> StoreErrors.notFound(name + " is not a resource type this server stores."));
  }

  // ---- single interactions --------------------------------------------------------------------------

  /** Create, or with {@code ifNoneExist} a conditional create (the match answered when there is one). */
  public Written create(String typeName, IBaseResource resource, String text, EncodingEnum encoding, String ifNoneExist, RequestDetails request) {
    checkType(Interaction.CREATE, typeName);
    StoredType type = type(typeName);
    requireType(type, resource, null);
    localReferences(resource, request);
    ProfileFindings profiles = validation.profiles(resource, text, encoding);
    return retrying(
        () ->
            inTransaction(
                () -> {
                  if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                    Optional<Current> match = matchForCreate(type, ifNoneExist);
                    if (match.isPresent()) {
                      return matched(type, match.get(), request);
                    }
                  }
                  requireReferences(resource);
                  OperationOutcome outcome = validation.rules(profiles, resource);
                  return insert(type, newId(), resource, Interaction.CREATE, outcome, request);
                }));
  }

  /** Update (PUT): a new version, or with an id not yet stored the first one; {@code ifMatch} checks the version. */
  public Written update(
      String typeName, String id, Long ifMatch, IBaseResource resource, String text, EncodingEnum encoding, RequestDetails request) {
    checkType(Interaction.UPDATE, typeName);
    StoredType type = type(typeName);
    requireId(id);
    requireType(type, resource, id);
    localReferences(resource, request);
    ProfileFindings profiles = validation.profiles(resource, text, encoding);
    return retrying(
        () ->
            inTransaction(
                () -> {
                  requireReferences(resource);
                  OperationOutcome outcome = validation.rules(profiles, withId(resource, type.name(), id));
                  return put(type, id, ifMatch, resource, outcome, request);
                }));
  }

  /** Conditional update: the one match is updated, none creates, more than one is a 412. */
  public Written conditionalUpdate(
      String typeName, String criteria, IBaseResource resource, String text, EncodingEnum encoding, RequestDetails request) {
    checkType(Interaction.UPDATE, typeName);
    StoredType type = type(typeName);
    requireType(type, resource, null);
    localReferences(resource, request);
    ProfileFindings profiles = validation.profiles(resource, text, encoding);
    return retrying(
        () ->
            inTransaction(
                () -> {
                  Optional<Current> match = matchForCreate(type, criteria);
                  String bodyId = resource.getIdElement().getIdPart();
                  String id;
                  if (match.isPresent()) {
                    id = match.get().id();
                    if (bodyId != null && !bodyId.equals(id)) {
                      throw StoreErrors.invalid(
                          "The criteria match " + type.name() + "/" + id + ", but the body's id is " + bodyId + ".", type.name() + ".id");
                    }
                  } else {
                    id = bodyId != null ? bodyId : newId();
                    requireId(id);
                  }
                  requireReferences(resource);
                  OperationOutcome outcome = validation.rules(profiles, withId(resource, type.name(), id));
                  return put(type, id, null, resource, outcome, request);
                }));
  }

  public Written delete(String typeName, String id, Long ifMatch, RequestDetails request) {
    checkType(Interaction.DELETE, typeName);
    StoredType type = type(typeName);
    requireId(id);
    return retrying(() -> inTransaction(() -> remove(type, id, ifMatch, request)));
  }

  /** Conditional delete: the one match is deleted, none is a 404, more than one a 412. */
  public Written conditionalDelete(String typeName, String criteria, RequestDetails request) {
    checkType(Interaction.DELETE, typeName);
    StoredType type = type(typeName);
    return retrying(
        () ->
            inTransaction(
                () -> {
                  Current match =
                      matchOne(type, criteria)
                          .orElseThrow(() -> StoreErrors.notFound("No " + type.name() + " matches " + criteria + "; nothing was deleted."));
                  return remove(type, match.id(), null, request);
                }));
  }

  /** Read, or with a version vread: 404 when it never existed, 410 when deleted. */
  public IBaseResource read(String typeName, String id, Long version, RequestDetails request) {
    checkType(version == null ? Interaction.READ : Interaction.VREAD, typeName);
    StoredType type = type(typeName);
    Optional<StoredVersion> found = version == null ? resources.read(type.name(), id) : resources.read(type.name(), id, version);
    StoredVersion v =
        found.orElseThrow(
            () ->
                StoreErrors.notFound(
                    type.name() + "/" + id + (version == null ? "" : "/_history/" + version) + " is not known to this server."));
    if (v.deleted()) {
      String text = type.name() + "/" + id + " was deleted (version " + v.version() + ").";
      throw new ResourceGoneException(text, StoreErrors.outcome(IssueType.DELETED, text, null));
    }
    IBaseResource resource = parse(v);
    Interaction interaction = version == null ? Interaction.READ : Interaction.VREAD;
    check(new StoreAccess(interaction, type.name(), id, resource, patients(resource), Map.of(), request));
    readListeners.forEach(l -> l.returned(interaction, type.name(), List.of(resource), request));
    return resource;
  }

  /**
   * A report or an export file that read a type's stored resources in bulk ({@link Interaction#REPORT},
   * {@link Interaction#EXPORT}): the read listeners are told, without the resources.
   */
  public void readInBulk(Interaction interaction, String type, RequestDetails request) {
    readListeners.forEach(l -> l.returned(interaction, type, List.of(), request));
  }

  /** A page of a search: the matches, then what {@code _include}/{@code _revinclude} add, and the total when known. */
  public record SearchPage(List<IBaseResource> matches, List<IBaseResource> included, Integer total, int offset, int count) {}

  public SearchPage search(String typeName, Map<String, String[]> parameters, RequestDetails request) {
    return search(typeName, parameters, request, false);
  }

  /**
   * A search whose resources are, with {@code asStored}, stand-ins for their stored JSON rather than parsed: each an
   * empty resource of its type with its id and version, its stored JSON in {@link #storedJson} and its Patient
   * compartments (from the reference index, for the access checks and the audit trail) known to {@link #patients}.
   * For an answer that writes the stored JSON as it is, when nothing needs the parsed resource; {@link #parsed} turns a
   * stand-in into its resource.
   */
  public SearchPage search(String typeName, Map<String, String[]> parameters, RequestDetails request, boolean asStored) {
    checkType(Interaction.SEARCH, typeName);
    StoredType type = type(typeName);
    StoreAccess access = new StoreAccess(Interaction.SEARCH, type.name(), null, null, Set.of(), parameters, request);
    check(access);
    SearchRequest search = parser.parse(type, narrowed(access));
    SearchPage page =
        readOnly.execute(
            status -> {
              if (search.countOnly()) {
                return new SearchPage(List.of(), List.of(), searches.count(search), search.offset(), 0);
              }
              List<StoredVersion> rows = searches.page(search, search.offset(), search.count() + 1);
              boolean more = rows.size() > search.count();
              if (more) {
                rows = rows.subList(0, search.count());
              }
              Integer total =
                  !more ? Integer.valueOf(search.offset() + rows.size()) : search.totalWanted() ? Integer.valueOf(searches.count(search)) : null;
              List<StoredVersion> included = includes(search, rows);
              Function<StoredVersion, IBaseResource> resource = asStored ? standIns(rows, included) : this::parse;
              return new SearchPage(
                  rows.stream().map(resource).toList(), included.stream().map(resource).toList(), total, search.offset(), search.count());
            });
    // what _include and _revinclude add passes the access check as a read of its own
    page.included().forEach(r -> checkReturned(Interaction.READ, r, request));
    List<IBaseResource> all = new ArrayList<>(page.matches());
    all.addAll(page.included());
    readListeners.forEach(l -> l.returned(Interaction.SEARCH, type.name(), all, request));
    return page;
  }

  /** The search's parameters with what the access checks add to them (each a further AND). */
  private Map<String, String[]> narrowed(StoreAccess search) {
    Map<String, String[]> out = null;
    for (StoreAccessCheck c : accessChecks) {
      for (Map.Entry<String, List<String>> e : c.narrow(search).entrySet()) {
        if (out == null) {
          out = new LinkedHashMap<>(search.parameters());
        }
        List<String> values = new ArrayList<>(List.of(out.getOrDefault(e.getKey(), new String[0])));
        values.addAll(e.getValue());
        out.put(e.getKey(), values.toArray(String[]::new));
      }
    }
    return out == null ? search.parameters() : out;
  }

  /** Checks a resource a search includes or a history returns, as a read of it, when any access check is registered. */
  private void checkReturned(Interaction interaction, IBaseResource resource, RequestDetails request) {
    if (!accessChecks.isEmpty() && !resource.getIdElement().isEmpty()) {
      String id = resource.getIdElement().getIdPart();
      check(new StoreAccess(interaction, resource.fhirType(), id, resource, patients(resource), Map.of(), request));
    }
  }

  private List<StoredVersion> includes(SearchRequest search, List<StoredVersion> rows) {
    if (rows.isEmpty() || (search.includes().isEmpty() && search.revIncludes().isEmpty())) {
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    rows.forEach(r -> seen.add(r.type() + "/" + r.id()));
    List<StoredVersion> out = new ArrayList<>();
    List<Long> pks = rows.stream().map(StoredVersion::pk).toList();
    for (SearchRequest.Include include : search.includes()) {
      Map<String, List<String>> byType = new LinkedHashMap<>();
      for (String[] target : searches.included(pks, include)) {
        if (types.isStored(target[0]) && ID.matcher(target[1]).matches() && seen.add(target[0] + "/" + target[1])) {
          byType.computeIfAbsent(target[0], t -> new ArrayList<>()).add(target[1]);
        }
      }
      byType.forEach((t, ids) -> out.addAll(resources.readCurrent(t, ids)));
    }
    List<String> ids = rows.stream().map(StoredVersion::id).toList();
    for (SearchRequest.Include include : search.revIncludes()) {
      for (StoredVersion v : searches.revIncluded(search.type().name(), ids, include)) {
        if (seen.add(v.type() + "/" + v.id())) {
          out.add(v);
        }
      }
    }
    return out;
  }

  private static final String STORED_JSON = ResourceStore.class.getName() + ".storedJson";
  private static final String REFERENCES = ResourceStore.class.getName() + ".references";
  private static final String PATIENTS = ResourceStore.class.getName() + ".patients";

  /** Stand-ins of these versions (see {@link #search(String, Map, RequestDetails, boolean)}), their compartments read at once. */
  private Function<StoredVersion, IBaseResource> standIns(List<StoredVersion> rows, List<StoredVersion> included) {
    List<Long> pks = new ArrayList<>(rows.size() + included.size());
    rows.forEach(r -> pks.add(r.pk()));
    included.forEach(r -> pks.add(r.pk()));
    Map<Long, List<String[]>> references = searches.patientReferences(pks);
    return v -> {
      StoredType type = type(v.type());
      IBaseResource standIn = ctx.getResourceDefinition(type.resourceClass()).newInstance();
      standIn.setId(new IdType(v.type(), v.id(), Long.toString(v.version())));
      Set<String> patients = selfCompartment(type, v.id());
      for (String[] ref : references.getOrDefault(v.pk(), List.of())) {
        if (inPatientCompartment(type, ref[0])) {
          patients.add("Patient/" + ref[1]);
        }
      }
      standIn.setUserData(STORED_JSON, v.content());
      standIn.setUserData(PATIENTS, Set.copyOf(patients));
      return standIn;
    };
  }

  /** The stored JSON of a stand-in from a search with {@code asStored}, or null for any other resource. */
  public static String storedJson(IBaseResource resource) {
    return resource.getUserData(STORED_JSON) instanceof String json ? json : null;
  }

  /** The resource a stand-in stands for, parsed from its stored JSON; any other resource as it is. */
  public IBaseResource parsed(IBaseResource resource) {
    String json = storedJson(resource);
    if (json == null) {
      return resource;
    }
    IBaseResource parsed = ctx.newJsonParser().parseResource(resource.getClass(), json);
    parsed.setId(resource.getIdElement());
    return parsed;
  }

  /** A page of history (instance when {@code id} is given, else of the type), newest first, and the total. */
  public record HistoryPage(List<IBaseResource> versions, int total) {}

  public HistoryPage history(String typeName, String id, Long since, int offset, int count, RequestDetails request) {
    checkType(id == null ? Interaction.HISTORY_TYPE : Interaction.HISTORY_INSTANCE, typeName);
    StoredType type = type(typeName);
    Interaction interaction = id == null ? Interaction.HISTORY_TYPE : Interaction.HISTORY_INSTANCE;
    check(new StoreAccess(interaction, type.name(), id, null, Set.of(), Map.of(), request));
    HistoryPage page =
        readOnly.execute(
            status -> {
              if (id != null && resources.current(type.name(), id).isEmpty()) {
                throw StoreErrors.notFound(type.name() + "/" + id + " is not known to this server.");
              }
              List<StoredVersion> rows =
                  id == null ? resources.typeHistory(type.name(), since, offset, count) : resources.history(type.name(), id, since, offset, count);
              int total = id == null ? resources.countTypeHistory(type.name(), since) : resources.countHistory(type.name(), id, since);
              List<IBaseResource> versions = new ArrayList<>();
              rows.forEach(v -> versions.add(historyEntry(type, v)));
              return new HistoryPage(versions, total);
            });
    page.versions().forEach(v -> checkReturned(interaction, v, request));
    readListeners.forEach(l -> l.returned(interaction, type.name(), page.versions(), request));
    return page;
  }

  /**
   * Streams the current resources of a type from a database cursor, for bulk export: changed since {@code since}
   * (epoch ms, null for all), and with {@code patientId} only those in that patient's compartment. Runs in a read-only
   * transaction of its own (or the caller's); {@code each} sees one resource at a time.
   */
  public void stream(String typeName, Long since, String patientId, Consumer<IBaseResource> each) {
    StoredType type = type(typeName);
    List<String> compartment =
        type.referenceParams().stream().filter(p -> p.compartments().contains("Patient")).map(SearchParam::name).toList();
    readOnly.executeWithoutResult(
        status -> resources.stream(type.name(), since, patientId, compartment, 500, v -> each.accept(parse(v))));
  }

  /** The Patient compartments ({@code Patient/123}) a resource is in, from its compartment reference parameters. */
  public Set<String> patients(IBaseResource resource) {
    Set<String> out = new LinkedHashSet<>();
    if (resource == null) {
      return out;
    }
    if (resource.getUserData(PATIENTS) instanceof Set<?> known) {
      known.forEach(p -> out.add((String) p));
      return out;
    }
    if ("Patient".equals(resource.fhirType()) && resource.getIdElement().hasIdPart()) {
      out.add("Patient/" + resource.getIdElement().getIdPart());
    }
    Optional<StoredType> type = types.type(resource.fhirType());
    if (type.isEmpty()) {
      return out;
    }
    return patients(type.get(), indexer.compartments(resource, type.get()), out);
  }

  private static Set<String> patients(StoredType type, IndexRows rows, Set<String> out) {
    for (IndexRows.Ref r : rows.references()) {
      if (r.param() != null && "Patient".equals(r.targetType()) && inPatientCompartment(type, r.param())) {
        out.add("Patient/" + r.targetId());
      }
    }
    return out;
  }

  /** Whether a Patient that {@code type}'s search parameter {@code param} references has the resource in its compartment. */
  private static boolean inPatientCompartment(StoredType type, String param) {
    SearchParam p = type.params().get(param);
    return p != null && p.compartments().contains("Patient");
  }

  // ---- building blocks (inside a database transaction) ----------------------------------------------

  /** Runs work in one database transaction (joining the caller's, if any). */
  public <T> T inTransaction(Supplier<T> work) {
    return tx.execute(status -> work.get());
  }

  /**
   * Runs a whole transaction again when it lost a race the database decided: a new id another write took first, a
   * lock it could not get, a serialization failure.
   */
  public <T> T retrying(Supplier<T> attempt) {
    for (int i = 1; ; i++) {
      try {
        return attempt.get();
      } catch (DuplicateKeyException | ConcurrencyFailureException e) {
        if (i >= TRIES) {
          throw StoreErrors.conflict("The write met concurrent writes to the same resources " + TRIES + " times; send it again.");
        }
      } catch (DataIntegrityViolationException e) {
        throw StoreErrors.invalid("The database refused the write: " + rootMessage(e));
      }
    }
  }

  /** A new server-assigned id: time-ordered, see {@link ResourceIds}. */
  public String newId() {
    return ResourceIds.next();
  }

  /**
   * Matches conditional-create criteria ({@code identifier=sys|123}) under the criteria's lock, so that two servers
   * creating with the same criteria at once see each other: the current match, none, or a 412 for several.
   */
  public Optional<Current> matchForCreate(StoredType type, String criteria) {
    lockCriteria(type, criteria);
    return matchOne(type, criteria);
  }

  /** Takes the lock of conditional-create criteria until the transaction ends (see {@link CriteriaLocks}). */
  public void lockCriteria(StoredType type, String criteria) {
    criteriaLocks.lock(type.name() + "?" + normalize(criteria));
  }

  /** Takes the locks of several conditional-create criteria ({@code Type?criteria}), in the one order that cannot deadlock. */
  public void lockCriteria(List<String> typeAndCriteria) {
    criteriaLocks.lockAll(
        typeAndCriteria.stream().map(c -> c.substring(0, c.indexOf('?')) + "?" + normalize(c.substring(c.indexOf('?') + 1))).toList());
  }

  /** The one current resource the criteria match, none, or a 412 when they match several. */
  public Optional<Current> matchOne(StoredType type, String criteria) {
    Map<String, String[]> params = query(criteria);
    if (params.isEmpty()) {
      throw StoreErrors.invalid("The conditional criteria '" + criteria + "' hold no search parameter.");
    }
    for (String name : params.keySet()) {
      if (SearchRequest.isResultParam(name) && !name.equals("_id") && !name.equals("_lastUpdated")) {
        throw StoreErrors.invalid("The conditional criteria '" + criteria + "' may not use " + name + ".");
      }
    }
    SearchRequest search = parser.parse(type, params);
    List<StoredVersion> rows = searches.page(search, 0, 2);
    if (rows.size() > 1) {
      throw StoreErrors.preconditionFailed(
          "The criteria " + type.name() + "?" + criteria + " match more than one resource (" + rows.get(0).type() + "/"
              + rows.get(0).id() + ", " + rows.get(1).type() + "/" + rows.get(1).id() + "); make them select one.");
    }
    return rows.isEmpty() ? Optional.empty() : resources.current(type.name(), rows.get(0).id());
  }

  /** A conditional create's match: nothing written, the stored resource answered. */
  public Written matched(StoredType type, Current match, RequestDetails request) {
    StoredVersion v = resources.read(type.name(), match.id()).orElseThrow();
    IBaseResource resource = parse(v);
    check(new StoreAccess(Interaction.READ, type.name(), match.id(), resource, patients(resource), Map.of(), request));
    return new Written(Written.Kind.MATCHED, type.name(), match.id(), v.version(), v.lastUpdated(), resource, null);
  }

  /** The index rows of a resource about to be stored; its references kept on it for {@link #missingReferences}. */
  private IndexRows indexed(IBaseResource resource, StoredType type) {
    IndexRows rows = indexer.index(resource, type);
    resource.setUserData(REFERENCES, rows.references());
    return rows;
  }

  /** Stores a new resource under {@code id} (a DuplicateKeyException when the id is taken). */
  public Written insert(StoredType type, String id, IBaseResource resource, Interaction interaction, OperationOutcome outcome, RequestDetails request) {
    long now = clock.stamp();
    stamp(resource, type.name(), id, 1, now);
    IndexRows rows = indexed(resource, type);
    Set<String> patients = patients(type, rows, selfCompartment(type, id));
    check(new StoreAccess(interaction, type.name(), id, resource, patients, Map.of(), request));
    WriteBatch batch = batch();
    long pk = keys.next();
    batch.resources.add(new WriteBatch.NewResource(pk, type.name(), id, now));
    batch.versions.add(new WriteBatch.Version(pk, 1, type.name(), id, "POST", now, encode(resource)));
    batch.indexes.add(new WriteBatch.Index(pk, type.name(), rows));
    batch.written.add(new StoreWrite(Interaction.CREATE, type.name(), id, 1, now, resource, patients, request));
    batch.wrote(type.name(), id, resource);
    return new Written(Written.Kind.CREATED, type.name(), id, 1, now, resource, outcome);
  }

  /**
   * Stores a resource the server writes itself about what a client did (an AuditEvent), in the current database
   * transaction's batch of writes (a write listener's record is sent in the same flush): a new id, no access check, no
   * write listeners (so recording a write is not itself a write to record), no reference check (a record may name what
   * is gone or was never stored).
   */
  public void record(String typeName, IBaseResource resource) {
    record(typeName, resource, this::encode);
  }

  /** As {@link #record(String, IBaseResource)}, the stored JSON written by {@code json} (HAPI's encoding, exactly). */
  public <R extends IBaseResource> void record(String typeName, R resource, Function<R, String> json) {
    StoredType type = type(typeName);
    String id = newId();
    long now = clock.stamp();
    stamp(resource, type.name(), id, 1, now);
    IndexRows rows = indexer.index(resource, type);
    WriteBatch batch = batch();
    long pk = keys.next();
    batch.resources.add(new WriteBatch.NewResource(pk, type.name(), id, now));
    batch.versions.add(new WriteBatch.Version(pk, 1, type.name(), id, "POST", now, sized(resource, json.apply(resource))));
    batch.indexes.add(new WriteBatch.Index(pk, type.name(), rows));
  }

  /** Update-or-create of {@code type/id}, the current row locked; {@code ifMatch} must be the current version. */
  public Written put(StoredType type, String id, Long ifMatch, IBaseResource resource, OperationOutcome outcome, RequestDetails request) {
    Optional<Current> locked = resources.lockCurrent(type.name(), id);
    if (locked.isEmpty()) {
      if (ifMatch != null) {
        throw StoreErrors.preconditionFailed(type.name() + "/" + id + " does not exist, so If-Match W/\"" + ifMatch + "\" cannot hold.");
      }
      return insert(type, id, resource, Interaction.CREATE, outcome, request);
    }
    Current current = locked.get();
    if (type.immutable() && !current.deleted()) {
      throw immutable(type);
    }
    if (ifMatch != null && ifMatch != current.version()) {
      throw StoreErrors.preconditionFailed(
          type.name() + "/" + id + " is at version " + current.version() + ", not " + ifMatch
              + " (If-Match); read it again and apply the change to the current version.");
    }
    long version = current.version() + 1;
    long now = Math.max(clock.stamp(), current.lastUpdated());
    stamp(resource, type.name(), id, version, now);
    IndexRows rows = indexed(resource, type);
    Set<String> patients = patients(type, rows, selfCompartment(type, id));
    if (!current.deleted()) {
      resources.read(type.name(), id).filter(v -> !v.deleted()).ifPresent(v -> patients.addAll(patients(parse(v))));
    }
    check(new StoreAccess(Interaction.UPDATE, type.name(), id, resource, patients, Map.of(), request));
    WriteBatch batch = batch();
    batch.advances.add(new WriteBatch.Advance(current.pk(), current.version(), version, false, now));
    batch.versions.add(new WriteBatch.Version(current.pk(), version, type.name(), id, "PUT", now, encode(resource)));
    batch.cleared.add(current.pk());
    batch.indexes.add(new WriteBatch.Index(current.pk(), type.name(), rows));
    batch.written.add(new StoreWrite(Interaction.UPDATE, type.name(), id, version, now, resource, patients, request));
    batch.wrote(type.name(), id, resource);
    return new Written(current.deleted() ? Written.Kind.CREATED : Written.Kind.UPDATED, type.name(), id, version, now, resource, outcome);
  }

  /** Deletes {@code type/id}: 404 when unknown, 409 while other resources reference it; deleting twice is fine. */
  public Written remove(StoredType type, String id, Long ifMatch, RequestDetails request) {
    flush();
    Current current =
        resources.lockCurrent(type.name(), id)
            .orElseThrow(() -> StoreErrors.notFound(type.name() + "/" + id + " is not known to this server; nothing was deleted."));
    if (type.immutable()) {
      throw immutable(type);
    }
    if (ifMatch != null && ifMatch != current.version()) {
      throw StoreErrors.preconditionFailed(type.name() + "/" + id + " is at version " + current.version() + ", not " + ifMatch + " (If-Match).");
    }
    if (current.deleted()) {
      return new Written(Written.Kind.DELETED, type.name(), id, current.version(), current.lastUpdated(), null, null);
    }
    StoredVersion before = resources.read(type.name(), id).orElseThrow();
    IBaseResource old = parse(before);
    Set<String> patients = patients(old);
    check(new StoreAccess(Interaction.DELETE, type.name(), id, null, patients, Map.of(), request));
    List<String> referencing = resources.referencing(type.name(), id, 5, immutableTypes());
    if (!referencing.isEmpty()) {
      throw StoreErrors.conflict(
          type.name() + "/" + id + " cannot be deleted: " + String.join(", ", referencing) + (referencing.size() == 5 ? " and others" : "")
              + " reference it. Delete or change those first.");
    }
    long version = current.version() + 1;
    long now = Math.max(clock.stamp(), current.lastUpdated());
    WriteBatch batch = batch();
    batch.advances.add(new WriteBatch.Advance(current.pk(), current.version(), version, true, now));
    batch.versions.add(new WriteBatch.Version(current.pk(), version, type.name(), id, "DELETE", now, null));
    batch.cleared.add(current.pk());
    batch.written.add(new StoreWrite(Interaction.DELETE, type.name(), id, version, now, old, patients, request));
    batch.wrote(type.name(), id, null);
    return new Written(Written.Kind.DELETED, type.name(), id, version, now, null, null);
  }

  /**
   * References to stored types that point at nothing stored: each as the FHIRPath where it sits. {@code pending} are
   * {@code Type/id}s written by the same transaction.
   */
  public List<String> missingReferences(IBaseResource resource, Set<String> pending) {
    if (resource.getUserData(REFERENCES) instanceof List<?> indexed && allKnown(indexed, pending)) {
      return List.of();
    }
    Map<String, Set<String>> byType = new LinkedHashMap<>();
    Map<String, String> where = new LinkedHashMap<>();
    for (var info : ctx.newTerser().getAllResourceReferences(resource)) {
      IndexRows.Ref ref = SearchIndexer.reference(null, info.getResourceReference());
      if (!toLookUp(ref, pending)) {
        continue;
      }
      group(byType, ref);
      where.putIfAbsent(ref.targetType() + "/" + ref.targetId(), resource.fhirType() + "." + info.getName());
    }
    List<String> missing = new ArrayList<>();
    absent(byType).forEach(key -> missing.add(key + " at " + where.get(key)));
    return missing;
  }

  /**
   * Whether every reference of a resource's index rows ({@link IndexRows#references}: all its references, as the walk
   * of {@link #missingReferences} finds them) to a stored type is pending or stored: the common case, answered without
   * walking the resource again. When one is not, {@link #missingReferences} walks it to say where.
   */
  private boolean allKnown(List<?> references, Set<String> pending) {
    Map<String, Set<String>> byType = new LinkedHashMap<>();
    for (Object o : references) {
      IndexRows.Ref ref = (IndexRows.Ref) o;
      if (toLookUp(ref, pending)) {
        group(byType, ref);
      }
    }
    return absent(byType).isEmpty();
  }

  private static void group(Map<String, Set<String>> byType, IndexRows.Ref ref) {
    byType.computeIfAbsent(ref.targetType(), t -> new LinkedHashSet<>()).add(ref.targetId());
  }

  /**
   * The {@code Type/id}s of {@code byType} (ids grouped by type) that nothing stored answers, one query per type, in
   * the map's order: what {@link #allKnown} and the walk of {@link #missingReferences} both ask the store.
   */
  private Set<String> absent(Map<String, Set<String>> byType) {
    Set<String> absent = new LinkedHashSet<>();
    byType.forEach(
        (t, ids) -> {
          Set<String> found = new LinkedHashSet<>(resources.existing(t, ids));
          ids.stream().filter(i -> !found.contains(i)).forEach(i -> absent.add(t + "/" + i));
        });
    return absent;
  }

  /**
   * Whether a reference needs a look-up in the store to be known to exist: one to a stored type, by a relative id (an
   * absolute URL is not checked), that this transaction does not write. The one rule both {@link #allKnown} and the
   * walk of {@link #missingReferences} apply, so that they agree on what is missing.
   */
  private boolean toLookUp(IndexRows.Ref ref, Set<String> pending) {
    return ref != null
        && types.isStored(ref.targetType())
        && !ref.targetId().startsWith("http")
        && !pending.contains(ref.targetType() + "/" + ref.targetId());
  }

  /** The current resources (at most five) that reference {@code type/id}: what stands in the way of deleting it. */
  public List<String> referencing(String typeName, String id) {
    return types.isStored(typeName) && id != null ? resources.referencing(typeName, id, 5, immutableTypes()) : List.of();
  }

  /** A 400 naming the references to stored types that point at nothing stored. */
  public void requireReferences(IBaseResource resource) {
    List<String> missing = missingReferences(resource, Set.of());
    if (!missing.isEmpty()) {
      throw StoreErrors.invalid(
          "The " + resource.fhirType() + " references what this server does not hold: " + String.join("; ", missing)
              + ". Store those first, or send them in the same transaction.");
    }
  }

  /**
   * Makes the references to this server's own base relative: {@code http://host/fhir/Patient/1} becomes
   * {@code Patient/1}, as FHIR asks a server to store them, so that they are searched, included, checked for
   * existence and resolved by the rules like any other; references to other servers stay as they are. The base is
   * the one the request came in on.
   */
  public void localReferences(IBaseResource resource, RequestDetails request) {
    String prefix = ownBase(request);
    if (prefix == null) {
      return;
    }
    for (var info : ctx.newTerser().getAllResourceReferences(resource)) {
      String local = local(info.getResourceReference().getReferenceElement().getValue(), prefix);
      if (local != null) {
        info.getResourceReference().setReference(local);
      }
    }
  }

  /** The base the request came in on, ending with '/', or null. */
  static String ownBase(RequestDetails request) {
    String base = request == null ? null : request.getFhirServerBase();
    return base == null || base.isBlank() ? null : base.endsWith("/") ? base : base + "/";
  }

  /** The reference made relative when it points at {@code ownBase} ({@link #ownBase}); else null. */
  static String local(String reference, String ownBase) {
    return ownBase != null && reference != null && reference.startsWith(ownBase) && reference.length() > ownBase.length()
        ? reference.substring(ownBase.length())
        : null;
  }

  /** The current version of a stored resource, parsed, or empty (unknown or deleted). */
  public Optional<IBaseResource> current(String typeName, String id) {
    if (!types.isStored(typeName) || id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return resources.read(typeName, id).filter(v -> !v.deleted()).map(this::parse);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** Types whose resources are records of others (an audit trail): what they reference may still be deleted. */
  private List<String> immutableTypes() {
    return types.all().stream().filter(StoredType::immutable).map(StoredType::name).toList();
  }

  public void check(StoreAccess access) {
    accessChecks.forEach(c -> c.check(access));
  }

  /** The first check of an interaction, before any work: may this client do it on this type at all. */
  public void checkType(Interaction interaction, String typeName) {
    accessChecks.forEach(c -> c.checkType(interaction, typeName));
  }

  /**
   * The current transaction's batch of writes, made and bound to it on first use: flushed before the transaction
   * commits (see {@link WriteBatch}), dropped when it ends.
   */
  private WriteBatch batch() {
    WriteBatch batch = WriteBatch.current();
    if (batch == null) {
      WriteBatch created = new WriteBatch();
      TransactionSynchronizationManager.bindResource(WriteBatch.class, created);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
              ResourceStore.this.flushBeforeCommit();
            }

            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(WriteBatch.class);
            }
          });
      batch = created;
    }
    return batch;
  }

  /**
   * Sends what the current transaction has written so far to the database, one batch per table, then tells the write
   * listeners (which may write more: that is sent too). Called before anything reads what was written, and by the
   * transaction before it commits.
   */
  public void flush() {
    WriteBatch batch = WriteBatch.current();
    for (int round = 0; batch != null && !batch.isEmpty(); round++) {
      if (round == 10) {
        throw new IllegalStateException("the write listeners went on writing through ten rounds");
      }
      List<StoreWrite> written = List.copyOf(batch.written);
      resources.insert(batch.resources);
      resources.advance(batch.advances);
      resources.insertVersions(batch.versions);
      indexes.delete(batch.cleared);
      indexes.insert(batch.indexes);
      batch.clear();
      batch.sent.addAll(written);
      for (StoreWrite w : written) {
        writeListeners.forEach(l -> l.written(w, jdbc));
      }
    }
  }

  /**
   * The last flush of a transaction: what is left, then the write listeners told of the transaction's writes as a
   * whole ({@link StoreWriteListener#committing}), then what they wrote.
   */
  private void flushBeforeCommit() {
    flush();
    WriteBatch batch = WriteBatch.current();
    if (batch != null && !batch.sent.isEmpty()) {
      List<StoreWrite> all = List.copyOf(batch.sent);
      batch.sent.clear();
      writeListeners.forEach(l -> l.committing(all, jdbc));
      flush();
    }
  }

  private static Set<String> selfCompartment(StoredType type, String id) {
    Set<String> s = new LinkedHashSet<>();
    if ("Patient".equals(type.name())) {
      s.add("Patient/" + id);
    }
    return s;
  }

  private static MethodNotAllowedException immutable(StoredType type) {
    String text = type.name() + " resources cannot be changed or deleted once stored.";
    return new MethodNotAllowedException(text, StoreErrors.outcome(IssueType.NOTSUPPORTED, text, null));
  }

  private static void requireId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw StoreErrors.invalid("'" + id + "' is not a FHIR id: 1 to 64 letters, digits, '-' and '.'.");
    }
  }

  private static void requireType(StoredType type, IBaseResource resource, String urlId) {
    if (resource == null) {
      throw StoreErrors.invalid("The request has no " + type.name() + " in its body.");
    }
    if (!type.name().equals(resource.fhirType())) {
      throw StoreErrors.invalid("The body is a " + resource.fhirType() + ", but the URL is for " + type.name() + ".", resource.fhirType());
    }
    String bodyId = resource.getIdElement().getIdPart();
    if (urlId != null && bodyId != null && !bodyId.equals(urlId)) {
      throw StoreErrors.invalid(
          "The body's id (" + bodyId + ") is not the id in the URL (" + urlId + "); an update keeps the resource's id.", type.name() + ".id");
    }
  }

  private static IBaseResource withId(IBaseResource resource, String type, String id) {
    resource.setId(new IdType(type, id));
    return resource;
  }

  /** Sets the id and the server's meta: versionId and lastUpdated. */
  private static void stamp(IBaseResource resource, String type, String id, long version, long now) {
    resource.setId(new IdType(type, id, Long.toString(version)));
    resource.getMeta().setVersionId(Long.toString(version));
    resource.getMeta().setLastUpdated(new java.util.Date(now));
  }

  String encode(IBaseResource resource) {
    return sized(resource, ctx.newJsonParser().encodeResourceToString(resource));
  }

  /** The JSON of a resource to be stored; a 413 beyond the size the store keeps. */
  private static String sized(IBaseResource resource, String json) {
    if (json.length() > 1_000_000) {
      throw StoreErrors.status(
          413, IssueType.TOOLONG, resource.fhirType() + " is " + json.length() + " characters as JSON; the store keeps resources of up to 1,000,000.");
    }
    return json;
  }

  IBaseResource parse(StoredVersion v) {
    Class<? extends IBaseResource> type = type(v.type()).resourceClass();
    IBaseResource resource = ctx.newJsonParser().parseResource(type, v.content());
    resource.setId(new IdType(v.type(), v.id(), Long.toString(v.version())));
    return resource;
  }

  private IBaseResource historyEntry(StoredType type, StoredVersion v) {
    IBaseResource resource;
    if (v.deleted()) {
      resource = ctx.getResourceDefinition(type.name()).newInstance();
      resource.setId(new IdType(type.name(), v.id(), Long.toString(v.version())));
      resource.getMeta().setVersionId(Long.toString(v.version()));
      resource.getMeta().setLastUpdated(new java.util.Date(v.lastUpdated()));
      if (resource instanceof IAnyResource any) {
        ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.DELETED_AT.put(any, new InstantDt(new java.util.Date(v.lastUpdated())));
      }
    } else {
      resource = parse(v);
    }
    if (resource instanceof IAnyResource any) {
      ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(
          any, ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum.valueOf(v.method()));
    }
    return resource;
  }

  /** A query string as a parameter map ({@code a=1&b=2}, decoded; repeats kept in order), criteria included. */
  public static Map<String, String[]> query(String criteria) {
    String q = criteria.contains("?") ? criteria.substring(criteria.indexOf('?') + 1) : criteria;
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
    return out;
  }

  private static String normalize(String criteria) {
    List<String> parts = new ArrayList<>();
    query(criteria).forEach((k, v) -> parts.add(k + "=" + String.join("&" + k + "=", v)));
    parts.sort(String::compareTo);
    return String.join("&", parts);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** An information outcome for a write that validation did not speak about. */
  public static OperationOutcome information(String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics(text).getDetails().setText(text);
    return oo;
  }
}
