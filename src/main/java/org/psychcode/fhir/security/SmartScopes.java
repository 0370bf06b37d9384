package org.psychcode.fhir.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The SMART App Launch scopes a token grants on resources: v2 {@code (patient|user|system)/(Type|*).(cruds)}, and v1
 * {@code .read} (r and s), {@code .write} (c, u, d) and {@code .*}. A v2 scope narrowed by a query
 * ({@code patient/Observation.rs?category=...}) grants nothing here, the server being unable to hold a client to it;
 * other scopes ({@code openid}, {@code fhirUser}, {@code launch/patient}) are not about resources and are skipped.
 *
 * @param patient the {@code patient} claim (the launch context a {@code patient/} scope is limited to), or null
 */
record SmartScopes(List<Scope> scopes, String patient) {

  /** The three contexts: {@code patient/} scopes are limited to the token's patient; the others are not. */
  enum Context {
    PATIENT,
    USER,
    SYSTEM
  }

  /** One scope: its context, the type (or {@code *}) and the letters it grants. */
  record Scope(Context context, String type, Set<Character> letters, String text) {
    boolean grants(String resourceType, char letter) {
      return (type.equals("*") || type.equals(resourceType)) && letters.contains(letter);
    }
  }

  private static final Pattern SCOPE = Pattern.compile("^(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)$");
  private static final String ORDER = "cruds";

  /** The scopes a token grants: its {@code scope} claim and {@code scp}, limited to its {@code patient} claim. */
  static SmartScopes of(Jwt jwt) {
    List<String> granted = new ArrayList<>(split(jwt.getClaims().get("scope")));
    granted.addAll(split(jwt.getClaims().get("scp")));
    Object patient = jwt.getClaims().get("patient");
    return parse(granted, patient == null ? null : patient.toString());
  }

  static SmartScopes parse(Collection<String> granted, String patient) {
    List<Scope> out = new ArrayList<>();
    for (String s : granted) {
      Scope scope = scope(s);
      if (scope != null) {
        out.add(scope);
      }
    }
    return new SmartScopes(List.copyOf(out), normalizePatient(patient));
  }

  /** Splits the {@code scope} claim (space-separated) or {@code scp} (a list or a string). */
  static List<String> split(Object claim) {
    List<String> out = new ArrayList<>();
    if (claim instanceof Collection<?> c) {
      c.forEach(x -> out.addAll(split(x)));
    } else if (claim != null) {
      for (String s : claim.toString().trim().split("\\s+")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }

  static Scope scope(String text) {
    Matcher m = SCOPE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    Context context = Context.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    String permissions = m.group(3);
    Set<Character> letters = new LinkedHashSet<>();
    switch (permissions) {
      case "read" -> {
        letters.add('r');
        letters.add('s');
      }
      case "write" -> {
        letters.add('c');
        letters.add('u');
        letters.add('d');
      }
      case "*" -> ORDER.chars().forEach(c -> letters.add((char) c));
      default -> {
        // v2: a subset of c, r, u, d, s in that order, each once
        int at = -1;
        for (char c : permissions.toCharArray()) {
          int i = ORDER.indexOf(c);
          if (i <= at) {
            return null;
          }
          at = i;
          letters.add(c);
        }
      }
    }
    return new Scope(context, m.group(2), Set.copyOf(letters), text);
  }

  private static String normalizePatient(String patient) {
    if (patient == null || patient.isBlank()) {
      return null;
    }
    String p = patient.trim();
    int slash = p.lastIndexOf("Patient/");
    return slash >= 0 ? p.substring(slash + "Patient/".length()) : p;
  }

  /** The scopes granting {@code letter} on {@code type}. */
  List<Scope> granting(String type, char letter) {
    return scopes.stream().filter(s -> s.grants(type, letter)).toList();
  }

  /** True when some scope grants it without the patient limit ({@code system/} or {@code user/}). */
  boolean unlimited(String type, char letter) {
    return granting(type, letter).stream().anyMatch(s -> s.context() != Context.PATIENT);
  }

  String describe() {
    List<String> texts = scopes.stream().map(Scope::text).toList();
    return texts.isEmpty() ? "no resource scope" : String.join(" ", texts);
  }
}
