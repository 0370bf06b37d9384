package org.psychcode.fhir.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.psychcode.fhir.support.RawHttp;
import org.psychcode.fhir.support.TokenIssuer;

/**
 * The corpus: malformed and truncated JSON and XML, deep nesting, huge strings and arrays, wrong types, duplicate
 * keys, byte order marks, invalid UTF-8, XXE and billion laughs, posted to each endpoint family (terminology,
 * $validate, create and update, transaction and batch, $submit, $suggest-codes, search, the checker page, the
 * actuator) with a valid token; then unencoded, over-long and malformed URLs, header abuse, and forged, expired and
 * unsigned tokens. Every answer is below 500 without a stack trace, and no stored type holds one resource more after.
 * Run with security on ({@link HostileCorpusSecuredTest}) and off ({@link HostileCorpusOpenTest}): the filters in
 * front of the server differ, and each must refuse what it cannot read as a 4xx.
 */
abstract class HostileCorpus extends ContractTestBase {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final TokenIssuer ISSUER = TokenIssuer.INSTANCE;
  private final String admin = ISSUER.token("system/*.cruds");
  private final List<String> failures = new ArrayList<>();
  private final List<String> accepted = new ArrayList<>();
  private int sent;

  /** Whether the server under test checks tokens. */
  abstract boolean secured();

  /** The hostile bodies, by name. */
  Map<String, byte[]> bodies() {
    Map<String, byte[]> b = new LinkedHashMap<>();
    String patient = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Hostile\"}],\"birthDate\":\"1990-01-01\"}";
    String visit = json(Visit.individual().bill("90834").bundle());
    put(b, "empty", "");
    put(b, "whitespace", "   \n\t ");
    put(b, "truncated JSON", patient.substring(0, patient.length() / 2));
    put(b, "truncated visit", visit.substring(0, visit.length() - 7));
    put(b, "JSON array", "[" + patient + "]");
    put(b, "JSON null", "null");
    put(b, "JSON number", "12345678901234567890");
    put(b, "not a resource", "{\"hello\":\"world\"}");
    put(b, "unknown resourceType", "{\"resourceType\":\"Hostile\"}");
    put(b, "resourceType a number", "{\"resourceType\":42}");
    put(b, "birthDate an object", "{\"resourceType\":\"Patient\",\"birthDate\":{\"year\":1990}}");
    put(b, "name a string", "{\"resourceType\":\"Patient\",\"name\":\"Hostile\",\"gender\":12}");
    put(b, "entry an object", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":{\"resource\":" + patient + "}}");
    put(b, "duplicate keys of two types", "{\"resourceType\":\"Patient\",\"birthDate\":\"1990-01-01\",\"birthDate\":[1,2]}");
    put(b, "duplicate resourceType", "{\"resourceType\":\"Patient\",\"resourceType\":\"Bundle\",\"type\":\"transaction\"}");
    put(b, "deep JSON arrays", "{\"resourceType\":\"Patient\",\"extension\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}");
    put(b, "deep JSON objects", "{\"resourceType\":\"Patient\",\"a\":" + "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000) + "}");
    put(b, "huge string", "{\"resourceType\":\"Patient\",\"gender\":\"" + "x".repeat(3_000_000) + "\"}");
    put(b, "huge array", "{\"resourceType\":\"Patient\",\"gender\":\"unknown\",\"name\":[" + "{\"family\":1},".repeat(200_000) + "{}]}");
    put(b, "over the size limit", "{\"resourceType\":\"Patient\",\"text\":\"" + "y".repeat(11 * 1024 * 1024) + "\"}");
    put(b, "control characters", "{\"resourceType\":\"Patient\",\"gender\":\"\u0000\u0007\u001b\"}");
    b.put("BOM and truncated JSON", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, patient.substring(0, 20).getBytes(StandardCharsets.UTF_8)));
    b.put("UTF-16 BOM", concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "{\"resourceType\":1}".getBytes(StandardCharsets.UTF_16BE)));
    b.put("invalid UTF-8", concat("{\"resourceType\":\"Patient\",\"gender\":\"".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xA0, (byte) 0xA1}, "\",\"birthDate\":1}".getBytes(StandardCharsets.UTF_8)));
    b.put("overlong UTF-8 slash", concat("{\"resourceType\":\"Patient\",\"id\":\"".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC0, (byte) 0xAF}, "\",\"gender\":[]}".getBytes(StandardCharsets.UTF_8)));
    put(b, "truncated XML", "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"Hos");
    put(b, "XML without namespace", "<Patient><gender value=\"male\"/></Patient>");
    put(b, "XXE", "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>");
    put(b, "XXE parameter entity", "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x\"> %p;]>"
        + "<Patient xmlns=\"http://hl7.org/fhir\"/>");
    StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY l0 \"ha\">");
    for (int i = 1; i < 10; i++) {
      laughs.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    }
    put(b, "billion laughs", laughs + "]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&l9;\"/></name></Patient>");
    put(b, "deep XML", "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"http://x\">".repeat(20_000) + "</extension>".repeat(20_000) + "</Patient>");
    put(b, "XML wrong value type", "<Patient xmlns=\"http://hl7.org/fhir\"><birthDate value=\"yesterday\"/><active value=\"maybe\"/></Patient>");
    return b;
  }

  private void put(Map<String, byte[]> b, String name, String body) {
    b.put(name, body.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** The endpoints a body is posted to: method, path (under the server's root), content type, token. */
  List<String[]> bodyEndpoints() {
    return List.of(
        new String[] {"POST", "/fhir/CodeSystem/$validate-code", JSON, null},
        new String[] {"POST", "/fhir/ValueSet/$expand", XML, null},
        new String[] {"POST", "/fhir/Bundle/$validate", JSON, null},
        new String[] {"POST", "/fhir/Claim/$validate", XML, null},
        new String[] {"POST", "/fhir/Patient", JSON, admin},
        new String[] {"PUT", "/fhir/Patient/hostile-update", XML, admin},
        new String[] {"PUT", "/fhir/Encounter/hostile-update", JSON, admin},
        new String[] {"POST", "/fhir", JSON, admin},
        new String[] {"POST", "/fhir/Claim/$submit", JSON, admin},
        new String[] {"POST", "/fhir/Encounter/$suggest-codes", JSON, null},
        new String[] {"POST", "/fhir/Patient/_search", JSON, admin},
        new String[] {"POST", "/check", "application/x-www-form-urlencoded", null});
  }

  @Test
  void nothingHostileIsAnswered5xxOrStored() throws Exception {
    Map<String, Integer> before = counts();
    Map<String, byte[]> bodies = bodies();
    for (String[] endpoint : bodyEndpoints()) {
      for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
        byte[] bytes = endpoint[2].startsWith("application/x-www") ? form(body.getValue()) : body.getValue();
        String xmlish = new String(bytes, 0, Math.min(bytes.length, 8), StandardCharsets.ISO_8859_1).trim();
        String type = endpoint[2].startsWith("application/x-www") ? endpoint[2] : xmlish.startsWith("<") ? XML : endpoint[2];
        String what = endpoint[0] + " " + endpoint[1] + " <- " + body.getKey();
        try {
          HttpResponse<String> r = send(endpoint[0], endpoint[1], type, bytes, endpoint[3]);
          check(what, r);
          if (r.statusCode() < 300 && writes(endpoint)) {
            accepted.add(what + ": " + r.statusCode());
          }
        } catch (java.io.IOException e) {
          sent++;
          failures.add(what + ": the answer broke off (" + e.getMessage() + ")");
        }
      }
    }
    urls();
    headers();
    assertThat(counts()).as("writes answered 2xx: %s", accepted).isEqualTo(before);
    tokens();
    assertThat(sent).isGreaterThanOrEqualTo(200);
    assertThat(failures).isEmpty();
    if (secured()) {
      // with security off the tokens are ignored and their well-formed creates are stored
      assertThat(counts()).isEqualTo(before);
    }
  }

  /** The endpoints that store what they are sent. */
  private static boolean writes(String[] endpoint) {
    return !endpoint[1].contains("$validate") && !endpoint[1].contains("_search") && !endpoint[1].contains("$expand")
        && !endpoint[1].contains("$suggest") && !endpoint[1].equals("/check");
  }

  private static byte[] form(byte[] body) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    return ("mode=bundle&bundle=" + java.net.URLEncoder.encode(text, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
  }

  private void urls() throws Exception {
    String longQuery = "a".repeat(70_000);
    List<String> requestLines = List.of(
        "GET /fhir/Patient?name=" + longQuery + " HTTP/1.1",
        "GET /fhir/CodeSystem/$lookup?system=" + longQuery + " HTTP/1.1",
        "GET /fhir/" + "Patient/".repeat(2_000) + " HTTP/1.1",
        "GET /fhir/Patient?name=<script>alert(1)</script> HTTP/1.1",
        "GET /fhir/Patient?name=a b HTTP/1.1",
        "GET /fhir/CodeSystem/$validate-code?code=90834&system=http://www.ama-assn.org/go/cpt&display=\"{}\"|^` HTTP/1.1",
        "GET /fhir/Patient/%00 HTTP/1.1",
        "GET /fhir/Patient/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
        "GET /fhir/Patient/..%2F..%2Fmetadata HTTP/1.1",
        "GET /fhir/Patient;jsessionid=1 HTTP/1.1",
        "GET //fhir//Patient HTTP/1.1",
        "GET /fhir/Patient?_count=-1&_offset=abc&_sort=%ZZ HTTP/1.1",
        "GET /fhir/Patient?%=%&&&==& HTTP/1.1",
        "GET /fhir/ValueSet/$expand?url=%E0%A4%A HTTP/1.1",
        "GET /codes/%C0%AF HTTP/1.1",
        "GET /?q=%FF%FE HTTP/1.1",
        "GET /actuator/health/../../fhir/Patient HTTP/1.1",
        "GET /actuator/env HTTP/1.1",
        "GET /fhir/Patient/\u00e9 HTTP/1.1",
        "TRACE /fhir/Patient HTTP/1.1",
        "FOO /fhir/Patient HTTP/1.1",
        "GET /fhir/metadata HTTP/9.9",
        "GET fhir/metadata HTTP/1.1");
    for (String line : requestLines) {
      rawCheck(line, RawHttp.send(port, line, "Authorization: Bearer " + admin));
      rawCheck(line + " (no token)", RawHttp.send(port, line));
    }
  }

  private void headers() throws Exception {
    String big = "x".repeat(20_000);
    List<String[]> abuse = List.of(
        new String[] {"Content-Type: application/fhir+json; charset=EBCDIC-XYZ"},
        new String[] {"Content-Type: " + big},
        new String[] {"Accept: " + big},
        new String[] {"Accept: application/fhir+xml;q=abc, */*;q=-1"},
        new String[] {"Prefer: return=" + big.substring(0, 5000)},
        new String[] {"If-Match: W/\"abc\""},
        new String[] {"If-None-Exist: identifier=%ZZ"},
        new String[] {"X-Request-ID: " + big.substring(0, 4000)},
        new String[] {"Content-Length: -1"},
        new String[] {"Content-Length: 5", "Content-Length: 7"},
        new String[] {"Transfer-Encoding: chunked", "Content-Length: 3"},
        new String[] {"Authorization: Bearer"},
        new String[] {"Authorization: Bearer " + big},
        new String[] {"Authorization: Basic dXNlcjpwYXNz"},
        new String[] {"Authorization: Bearer a.b.c", "Authorization: Bearer " + admin});
    for (String[] h : abuse) {
      for (String path : List.of("/fhir/Patient", "/fhir/CodeSystem/$validate-code")) {
        String[] all = new String[h.length + 1];
        System.arraycopy(h, 0, all, 0, h.length);
        all[h.length] = h[0].startsWith("Authorization") ? "X-Nothing: 1" : "Authorization: Bearer " + admin;
        rawCheck("POST " + path + " with " + h[0].substring(0, Math.min(60, h[0].length())),
            RawHttp.exchange(port, "POST " + path + " HTTP/1.1", "{\"resourceType\":\"Patient\"", all));
      }
    }
  }

  private void tokens() throws Exception {
    Instant now = Instant.now();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("expired", ISSUER.rs256(ISSUER.claims("system/*.cruds", c -> c.expirationTime(Date.from(now.minusSeconds(60 * 60))))));
    bad.put("not yet valid", ISSUER.rs256(ISSUER.claims("system/*.cruds", c -> c.notBeforeTime(Date.from(now.plusSeconds(3600))))));
    bad.put("forged", ISSUER.forged(ISSUER.claims("system/*.cruds", c -> {})));
    bad.put("alg none", ISSUER.unsigned(ISSUER.claims("system/*.cruds", c -> {})));
    bad.put("tampered", ISSUER.tampered(ISSUER.token("system/Patient.r"), ISSUER.claims("system/*.cruds", c -> {})));
    bad.put("garbage", "%%%.&&&.***");
    bad.put("three dots", "...");
    bad.put("huge", "a".repeat(6000) + "." + "b".repeat(6000) + "." + "c");
    bad.put("scopes only odd", ISSUER.token("system/Patient.xyz patient/../*.cruds user/*.c?x=1 " + "s".repeat(3000)));
    for (Map.Entry<String, String> t : bad.entrySet()) {
      for (String[] e : List.of(
          new String[] {"GET", "/fhir/Patient", null},
          new String[] {"GET", "/fhir/metadata", null},
          new String[] {"GET", "/fhir/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=90834", null},
          new String[] {"POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"gender\":\"other\"}"},
          new String[] {"POST", "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}"},
          new String[] {"POST", "/fhir/Claim/$submit", "{\"resourceType\":\"Claim\"}"},
          new String[] {"GET", "/fhir/AuditEvent", null},
          new String[] {"GET", "/actuator/health", null})) {
        HttpResponse<String> r = send(e[0], e[1], JSON, e[2] == null ? null : e[2].getBytes(StandardCharsets.UTF_8), t.getValue());
        check(e[0] + " " + e[1] + " with a " + t.getKey() + " token", r);
        if (secured() && t.getKey().equals("scopes only odd") && e[1].equals("/fhir/Patient") && e[0].equals("POST") && r.statusCode() != 403) {
          failures.add("odd scopes granted a create: " + r.statusCode());
        }
      }
    }
  }

  private HttpResponse<String> send(String method, String path, String type, byte[] body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path.replace("|", "%7C")))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      b.header("Content-Type", type);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private void check(String what, HttpResponse<String> r) {
    sent++;
    String body = r.body() == null ? "" : r.body();
    if (r.statusCode() >= 500 || body.contains("\tat ") || body.contains("at org.") || body.contains("Exception:")) {
      failures.add(what + ": " + r.statusCode() + " " + body.substring(0, Math.min(300, body.length())));
    }
    if (body.contains("root:x:0:0")) {
      failures.add(what + ": an external entity was read");
    }
  }

  private void rawCheck(String what, RawHttp.Answer a) {
    sent++;
    String body = a.body() == null ? "" : a.body();
    // HTTP's own answers to a version it does not speak (505, RFC 9110 15.6.6, given by Tomcat before the server) and
    // to a method no one defined (501, RFC 9110 9.1; with security on Spring's firewall refuses it first with 400)
    boolean httpRefusal = (a.status() == 505 && what.contains("HTTP/9.9")) || (a.status() == 501 && what.startsWith("FOO "));
    if ((a.status() >= 500 && !httpRefusal) || body.contains("\tat ") || body.contains("at org.") || body.contains("Exception:")) {
      failures.add(what + ": " + a.status() + " " + body.substring(0, Math.min(300, body.length())));
    }
  }

  /** How many resources each stored type holds (AuditEvents aside: reads and refusals may be audited). */
  private Map<String, Integer> counts() throws Exception {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String type : List.of("Patient", "Practitioner", "Organization", "Coverage", "Encounter", "Claim", "ClaimResponse", "Condition", "Group")) {
      HttpResponse<String> r = send("GET", "/fhir/" + type + "?_summary=count", null, null, admin);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      out.put(type, FHIR.newJsonParser().parseResource(Bundle.class, r.body()).getTotal());
    }
    return out;
  }
}
