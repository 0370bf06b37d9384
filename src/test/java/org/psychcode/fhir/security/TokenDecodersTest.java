package org.psychcode.fhir.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The decoder built from Spring's keys with a public key file: an EC key (ES256) works as an RSA one does, and the
 * compose file's demo issuer ({@code docker/demo-token.java}) mints tokens the server accepts, as the README says.
 */
class TokenDecodersTest {

  private static JwtDecoder decoder(Path publicKey, String issuer, String audience) {
    OAuth2ResourceServerProperties.Jwt jwt = new OAuth2ResourceServerProperties.Jwt();
    jwt.setPublicKeyLocation(new FileSystemResource(publicKey));
    jwt.setIssuerUri(issuer);
    jwt.setAudiences(List.of(audience));
    jwt.setJwsAlgorithms(List.of("RS256", "ES256"));
    return TokenDecoders.fromProperties(jwt);
  }

  @Test
  void anEcPublicKeyFileChecksEs256Tokens() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    Path pem = Files.createTempFile("ec", ".pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    JwtDecoder decoder = decoder(pem, "https://issuer.example.org", "psychcode-fhir");
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder().issuer("https://issuer.example.org").audience("psychcode-fhir").subject("u")
            .expirationTime(Date.from(Instant.now().plusSeconds(60))).claim("scope", "system/*.rs").build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
    jwt.sign(new ECDSASigner((ECPrivateKey) pair.getPrivate()));
    assertThat(decoder.decode(jwt.serialize()).getSubject()).isEqualTo("u");
    JWTClaimsSet otherAudience = new JWTClaimsSet.Builder(claims).audience("elsewhere").build();
    SignedJWT wrong = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), otherAudience);
    wrong.sign(new ECDSASigner((ECPrivateKey) pair.getPrivate()));
    assertThatThrownBy(() -> decoder.decode(wrong.serialize())).isInstanceOf(JwtException.class);
  }

  @Test
  void theDemoIssuerMintsTokensTheComposeServerAccepts() throws Exception {
    Path dir = Files.createTempDirectory("demo-issuer");
    run(dir, "keys");
    String token = run(dir, "token", "system/*.cruds", "--patient", "123").trim();
    JwtDecoder decoder = decoder(dir.resolve("public.pem"), "https://demo-issuer.psychcode.invalid", "psychcode-fhir");
    var jwt = decoder.decode(token);
    assertThat(jwt.getClaimAsString("scope")).isEqualTo("system/*.cruds");
    assertThat(jwt.getClaimAsString("patient")).isEqualTo("123");
  }

  private static String run(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Ddemo.dir=" + dir, "docker/demo-token.java"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
