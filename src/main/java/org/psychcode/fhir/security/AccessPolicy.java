package org.psychcode.fhir.security;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.psychcode.fhir.store.Interaction;
import org.psychcode.fhir.store.StoreAccess;
import org.psychcode.fhir.store.StoredTypes;
import org.psychcode.fhir.store.StoredTypes.StoredType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Which SMART scope each interaction with stored data needs, in one table ({@link #NEEDS}), and the decision for one
 * request: 401 without a token, 403 (naming the scope needed) without a scope that grants it, and for a token whose only
 * fitting scopes are {@code patient/} ones, the limit to the token's {@code patient} compartment: a read, history entry
 * or include must be in it, a write may touch no other patient's compartment, and a search is narrowed to it
 * ({@link #narrow}) before it runs. {@code user/} scopes are read as {@code system/} ones: the server keeps no per-user
 * permissions beyond what the authorization server granted.
 */
final class AccessPolicy {

  /** What an interaction needs: a scope letter, on the type acted on ({@code type} null) or on a given type. */
  record Need(char letter, String type) {
    /**
     * Any valid token, no scope: a bulk export's status and files, reached by the random job id handed to the client
     * that started it; each file's type passes the store's access check again ({@link Interaction#EXPORT}).
     */
    static final Need ANY_TOKEN = new Need('-', null);
  }

  /**
   * The one table of interaction to scope letter: store interactions by their {@link Interaction} name, operations by
   * {@code Type/$name} ({@code $export} on the exported types, {@code type} "*").
   */
  static final Map<String, Need> NEEDS = table();

  private static Map<String, Need> table() {
    Map<String, Need> t = new LinkedHashMap<>();
    t.put(Interaction.READ.name(), new Need('r', null));
    t.put(Interaction.VREAD.name(), new Need('r', null));
    t.put(Interaction.HISTORY_INSTANCE.name(), new Need('r', null));
    t.put(Interaction.HISTORY_TYPE.name(), new Need('r', null));
    t.put(Interaction.SEARCH.name(), new Need('s', null));
    t.put(Interaction.CREATE.name(), new Need('c', null));
    t.put(Interaction.UPDATE.name(), new Need('u', null));
    t.put(Interaction.DELETE.name(), new Need('d', null));
    t.put(Interaction.SUBMIT.name(), new Need('c', "Claim"));
    // the store's checks of the reports ($coding-profile, $evaluate-measure: every Claim) and of each exported type
    t.put(Interaction.REPORT.name(), new Need('r', null));
    t.put(Interaction.EXPORT.name(), new Need('r', null));
    t.put("Claim/$submit", new Need('c', "Claim"));
    t.put("$export", new Need('r', "*"));
    t.put("Patient/$export", new Need('r', "*"));
    t.put("Group/$export", new Need('r', "*"));
    t.put("$export-poll-status", Need.ANY_TOKEN);
    t.put("$export-file", Need.ANY_TOKEN);
    t.put("Practitioner/$coding-profile", new Need('r', "Claim"));
    t.put("Measure/$evaluate-measure", new Need('r', "Claim"));
    t.put("Encounter/$suggest-codes", new Need('r', "Encounter"));
    return Map.copyOf(t);
  }

  private final StoredTypes types;

  AccessPolicy(StoredTypes types) {
    this.types = types;
  }

  // ---- store interactions ----------------------------------------------------------------------------

  /** The first check, before the store does any work: a scope granting the interaction's letter on the type. */
  void checkType(Interaction interaction, String typeName) {
    Need need = NEEDS.get(interaction.name());
    require(scopes(), need.type() != null ? need.type() : typeName, need.letter());
  }

  void check(StoreAccess access) {
    SmartScopes scopes = scopes();
    Need need = NEEDS.get(access.interaction().name());
    String type = need.type() != null ? need.type() : access.type();
    require(scopes, type, need.letter());
    if (scopes.unlimited(type, need.letter())) {
      return;
    }
    String me = "Patient/" + patient(scopes, type, need.letter());
    boolean compartment = hasCompartment(access.type());
    switch (access.interaction()) {
      case SEARCH -> {}
      case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE -> {
        if (compartment && access.resource() != null && !access.patients().contains(me)) {
          throw forbidden(
              access.type() + "/" + access.id() + " is not in the compartment of " + me + ", the patient this token's "
                  + "patient/ scopes are limited to.");
        }
      }
      case SUBMIT -> {
        if (!access.patients().isEmpty() && !Set.of(me).containsAll(access.patients())) {
          throw forbidden("The claim submitted is not " + me + "'s, the patient this token's patient/ scopes are limited to.");
        }
      }
      default -> {
        if (!compartment || access.patients().isEmpty() || !Set.of(me).containsAll(access.patients())) {
          throw forbidden(
              "A " + access.interaction().name().toLowerCase() + " of " + access.type() + " with patient/ scopes may touch only "
                  + me + "'s compartment; this one is " + (access.patients().isEmpty() ? "in no patient's compartment" : "in "
                  + String.join(", ", access.patients())) + ".");
        }
      }
    }
  }

  /** The criteria a search gets added (AND) so that a {@code patient/}-limited token searches its compartment only. */
  Map<String, List<String>> narrow(StoreAccess search) {
    SmartScopes scopes = scopes();
    if (scopes.unlimited(search.type(), 's') || !hasCompartment(search.type())) {
      return Map.of();
    }
    String me = patient(scopes, search.type(), 's');
    if ("Patient".equals(search.type())) {
      return Map.of("_id", List.of(me));
    }
    StoredType type = types.type(search.type()).orElseThrow();
    List<String> params = new ArrayList<>();
    type.referenceParams().stream().filter(p -> p.compartments().contains("Patient")).forEach(p -> params.add(p.name()));
    String param = params.contains("patient") ? "patient" : params.get(0);
    return Map.of(param, List.of("Patient/" + me));
  }

  // ---- operations ------------------------------------------------------------------------------------

  /** Whether the table knows this operation ({@code Type/$name}, or {@code $name} at the server's base). */
  static Optional<Need> operation(String key) {
    return Optional.ofNullable(NEEDS.get(key));
  }

  /**
   * An operation on stored data: {@code need.letter} on its type, or with type {@code *} on each of {@code exported}.
   * Operations that read across patients ({@code $export}, the reports) need unlimited scopes.
   */
  void checkOperation(String key, Need need, List<String> exported) {
    SmartScopes scopes = scopes();
    if (need == Need.ANY_TOKEN) {
      return;
    }
    List<String> onTypes = "*".equals(need.type()) ? exported : List.of(need.type());
    for (String type : onTypes) {
      require(scopes, type, need.letter());
      if (!scopes.unlimited(type, need.letter()) && !key.equals("Claim/$submit") && !key.equals("Encounter/$suggest-codes")) {
        throw forbidden(
            key + " reads " + type + " across patients: it needs system/" + type + "." + need.letter() + " (or user/), not a"
                + " patient/ scope.");
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private static void require(SmartScopes scopes, String type, char letter) {
    if (scopes.granting(type, letter).isEmpty()) {
      String needed = "system/" + type + "." + letter;
      throw forbidden(
          "This request needs the SMART scope " + needed + " (or user/" + type + "." + letter + ", patient/" + type + "."
              + letter + ", a " + "*" + " in place of the type, or v1 " + type + "." + (letter == 'r' || letter == 's' ? "read" : "write")
              + "); the token grants: " + scopes.describe() + ".");
    }
  }

  private static String patient(SmartScopes scopes, String type, char letter) {
    if (scopes.patient() == null) {
      throw forbidden(
          "The token's only scopes for " + type + "." + letter + " are patient/ scopes, but it carries no patient claim to limit"
              + " them to.");
    }
    return scopes.patient();
  }

  private boolean hasCompartment(String typeName) {
    if ("Patient".equals(typeName)) {
      return true;
    }
    return types.type(typeName)
        .map(t -> t.referenceParams().stream().anyMatch(p -> p.compartments().contains("Patient")))
        .orElse(false);
  }

  /**
   * The scopes of the request's token, parsed once per token ({@link TokenAuthentications}). 401 when the request
   * carries no valid token.
   */
  static SmartScopes scopes() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth instanceof TokenAuthentications.ScopedToken token && token.isAuthenticated()) {
      return token.scopes();
    }
    throw unauthenticated();
  }

  static AuthenticationException unauthenticated() {
    String text = "This request reads or writes stored data and needs a bearer token (Authorization: Bearer <JWT>).";
    AuthenticationException e = new AuthenticationException(text);
    e.setOperationOutcome(outcome(IssueType.LOGIN, text));
    e.addResponseHeader("WWW-Authenticate", "Bearer");
    return e;
  }

  static ForbiddenOperationException forbidden(String text) {
    return new ForbiddenOperationException(text, outcome(IssueType.FORBIDDEN, text));
  }

  static OperationOutcome outcome(IssueType type, String text) {
    OperationOutcome oo = new OperationOutcome();
    var issue = oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(text);
    issue.getDetails().setText(text);
    return oo;
  }
}
