package org.psychcode.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * The resolver without a regular expression finds the same token as Spring's {@link DefaultBearerTokenResolver}, and
 * refuses what it refuses with the same error, for every header tried: each character of Latin-1 and some beyond it in
 * each place of the header (the scheme's letters, the space, the token, its padding), and headers that are odd as a
 * whole. (Over HTTP: {@code SecurityContractTest.Tokens}.)
 */
class BearerTokensTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/";

  private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();
  private final BearerTokens ours = new BearerTokens();

  /** What a resolver answers: the token, null, or the refusal's error code and description. */
  private static String answer(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver resolver, MockHttpServletRequest request) {
    try {
      return "token " + resolver.resolve(request);
    } catch (OAuth2AuthenticationException e) {
      return "refused " + e.getError().getErrorCode() + ": " + e.getError().getDescription();
    }
  }

  private static MockHttpServletRequest request(String method, String header) {
    MockHttpServletRequest r = new MockHttpServletRequest(method, "/fhir/Patient");
    if (header != null) {
      r.addHeader("Authorization", header);
    }
    return r;
  }

  private static List<String> headers() {
    List<String> out = new ArrayList<>();
    List<Character> chars = new ArrayList<>();
    for (char c = 0; c < 0x180; c++) {
      chars.add(c);
    }
    chars.addAll(List.of('\u212a', '\u017f', '\u0130', '\u0131', '\u2028', '\ufeff', '\uffff'));
    for (char c : chars) {
      for (int k = 0; k < 7; k++) {
        out.add("Bearer ".substring(0, k) + c + "Bearer ".substring(k + 1) + TOKEN);
      }
      out.add("Bearer " + c);
      out.add("Bearer " + c + TOKEN);
      out.add("Bearer " + TOKEN + c);
      out.add("Bearer " + TOKEN + "=" + c);
      out.add("Bearer " + TOKEN.substring(0, 10) + c + TOKEN.substring(10));
    }
    out.addAll(
        List.of(
            "", "Bearer", "Bearer ", "Bearer  ", "bearer", "Bearer  " + TOKEN, "Bearer " + TOKEN + " ", " Bearer " + TOKEN,
            "Bearer\t" + TOKEN, "Bearer=" + TOKEN, "Bearer " + TOKEN + "==", "Bearer " + TOKEN + "=a", "Bearer =", "Bearer ==",
            "Bearer " + TOKEN + " " + TOKEN, "BEARER " + TOKEN, "bearer " + TOKEN, "bEaReR " + TOKEN, "Basic dXNlcjpwYXNz",
            "Bearerx " + TOKEN, "Bearer " + TOKEN + "\n", "Bearer " + TOKEN + "\r\n", "Bearer " + "a".repeat(100_000),
            "Bearer " + "=".repeat(10), "Bearer a", "Bearer " + TOKEN + ",Bearer " + TOKEN));
    return out;
  }

  @Test
  void everyHeaderIsAnsweredAsSpringAnswersIt() {
    List<String> headers = headers();
    for (String method : List.of("GET", "POST")) {
      for (String h : headers) {
        assertThat(answer(ours, request(method, h))).as("%s with Authorization: %s", method, h).isEqualTo(answer(spring, request(method, h)));
      }
    }
    assertThat(answer(ours, request("GET", null))).isEqualTo("token null");
  }

  @Test
  void theWellFormedHeadersTakeTheLoopAndTheRestGoToSpring() {
    assertThat(BearerTokens.wellFormed("Bearer " + TOKEN)).isEqualTo(TOKEN);
    assertThat(BearerTokens.wellFormed("bEARER " + TOKEN + "==")).isEqualTo(TOKEN + "==");
    assertThat(BearerTokens.wellFormed("Bearer " + TOKEN + " ")).isNull();
    assertThat(BearerTokens.wellFormed("Bearer =")).isNull();
    assertThat(BearerTokens.wellFormed("Bearer")).isNull();
  }

  @Test
  void aTokenInTheQueryOrAFormBodyIsIgnoredAsSpringIgnoresIt() {
    MockHttpServletRequest query = request("GET", null);
    query.setParameter("access_token", TOKEN);
    query.setQueryString("access_token=" + TOKEN);
    assertThat(answer(ours, query)).isEqualTo(answer(spring, query)).isEqualTo("token null");
    MockHttpServletRequest both = request("GET", "Bearer " + TOKEN);
    both.setParameter("access_token", TOKEN, TOKEN);
    assertThat(answer(ours, both)).isEqualTo(answer(spring, both)).isEqualTo("token " + TOKEN);
    MockHttpServletRequest form = request("POST", null);
    form.setContentType("application/x-www-form-urlencoded");
    form.setParameter("access_token", TOKEN);
    assertThat(answer(ours, form)).isEqualTo(answer(spring, form)).isEqualTo("token null");
  }
}
