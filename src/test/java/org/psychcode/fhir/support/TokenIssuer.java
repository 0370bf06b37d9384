package org.psychcode.fhir.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A small OAuth2 issuer for the tests: an RSA and an EC key pair made at start, served as a JWKS and an OpenID discovery
 * document by a JDK HTTP server on a free port, and real JWTs signed with them (RS256, ES256) or made wrong on purpose
 * (expired, not yet valid, another issuer or audience, signed with a key the server does not know, unsigned). The
 * server under test is pointed at it with Spring's standard keys by {@link Secured}.
 */
public final class TokenIssuer {

  public static final String AUDIENCE = "psychcode-fhir";
  public static final TokenIssuer INSTANCE = new TokenIssuer();

  private final RSAKey rsa;
  private final ECKey ec;
  private final RSAKey stranger;
  private final HttpServer http;

  private TokenIssuer() {
    try {
      rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
      stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
    http.createContext("/jwks", x -> answer(x, jwks));
    http.createContext(
        "/issuer/.well-known/openid-configuration",
        x ->
            answer(
                x,
                "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + base() + "/jwks\",\"token_endpoint\":\"" + base()
                    + "/token\",\"authorization_endpoint\":\"" + base() + "/authorize\",\"grant_types_supported\":"
                    + "[\"client_credentials\",\"authorization_code\"],\"code_challenge_methods_supported\":[\"S256\"]}"));
    http.start();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  public String base() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public String issuer() {
    return base() + "/issuer";
  }

  /** A valid RS256 token granting {@code scope} (space separated), for {@code sub} "user-1" of client "app-1". */
  public String token(String scope) {
    return rs256(claims(scope, c -> {}));
  }

  /** As {@link #token(String)}, limited to a patient ({@code patient} claim). */
  public String patientToken(String scope, String patientId) {
    return rs256(claims(scope, c -> c.claim("patient", patientId)));
  }

  public JWTClaimsSet claims(String scope, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject("user-1")
            .audience(AUDIENCE)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now.minusSeconds(5)))
            .expirationTime(Date.from(now.plusSeconds(600)))
            .jwtID(UUID.randomUUID().toString())
            .claim("client_id", "app-1")
            .claim("preferred_username", "dr.rivera")
            .claim("scope", scope);
    change.accept(b);
    return b.build();
  }

  public String rs256(JWTClaimsSet claims) {
    return sign(new RSASSASigner(rsaPrivate(rsa)), JWSAlgorithm.RS256, rsa.getKeyID(), claims);
  }

  public String es256(JWTClaimsSet claims) {
    try {
      return sign(new ECDSASigner(ec), JWSAlgorithm.ES256, ec.getKeyID(), claims);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signed by a key the server does not know, under the kid of one it does. */
  public String forged(JWTClaimsSet claims) {
    return sign(new RSASSASigner(rsaPrivate(stranger)), JWSAlgorithm.RS256, stranger.getKeyID(), claims);
  }

  /** {@code alg: none}. */
  public String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  /** A valid token's header and signature around other claims (the payload changed after signing). */
  public String tampered(String token, JWTClaimsSet claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + Base64URL.encode(claims.toString()) + "." + parts[2];
  }

  private static java.security.PrivateKey rsaPrivate(RSAKey key) {
    try {
      return key.toPrivateKey();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Points the server under test at this issuer, with Spring's standard keys, and turns security on. */
  public static final class Secured implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      TokenIssuer issuer = INSTANCE;
      TestPropertyValues.of(
              Map.of(
                  "psychcode.security.enabled", "true",
                  "spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer.issuer(),
                  "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer.base() + "/jwks",
                  "spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE))
          .applyTo(context);
    }
  }

}
