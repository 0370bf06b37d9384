package org.psychcode.fhir.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * The bearer-token decoder, built from Spring's standard keys ({@code spring.security.oauth2.resourceserver.jwt.*}) as
 * Spring Boot builds its own, with two differences that matter here: a public key file may hold an EC key (ES256) as
 * well as an RSA one, and a token must carry {@code exp}. The keys come from {@code jwk-set-uri}, else
 * {@code public-key-location}, else the issuer's discovery document ({@code issuer-uri}, read on the first token);
 * the signature algorithms from {@code jws-algorithms}; {@code exp} and {@code nbf} (with a minute of clock skew),
 * {@code iss} ({@code issuer-uri}) and {@code aud} (one of {@code audiences}) are checked. Nimbus refuses unsigned
 * tokens ({@code alg: none}) whatever the configuration. A token that passed is remembered until it expires (at most
 * ten minutes), so a client sending the same token again costs a map look-up, not a signature check.
 */
final class TokenDecoders {

  private TokenDecoders() {}

  static JwtDecoder fromProperties(OAuth2ResourceServerProperties.Jwt properties) {
    Set<SignatureAlgorithm> algorithms = new LinkedHashSet<>();
    for (String name : properties.getJwsAlgorithms()) {
      SignatureAlgorithm a = SignatureAlgorithm.from(name);
      if (a == null) {
        throw new IllegalStateException("spring.security.oauth2.resourceserver.jwt.jws-algorithms names " + name + ", not a JWS algorithm");
      }
      algorithms.add(a);
    }
    OAuth2TokenValidator<Jwt> validator = validator(properties.getIssuerUri(), properties.getAudiences());
    JwtDecoder decoder;
    if (properties.getJwkSetUri() != null && !properties.getJwkSetUri().isBlank()) {
      NimbusJwtDecoder nimbus = NimbusJwtDecoder.withJwkSetUri(properties.getJwkSetUri()).jwsAlgorithms(a -> a.addAll(algorithms)).build();
      nimbus.setJwtValidator(validator);
      decoder = nimbus;
    } else if (properties.getPublicKeyLocation() != null) {
      NimbusJwtDecoder nimbus = new NimbusJwtDecoder(processor(publicKey(properties.getPublicKeyLocation()), algorithms));
      nimbus.setJwtValidator(validator);
      decoder = nimbus;
    } else if (properties.getIssuerUri() != null && !properties.getIssuerUri().isBlank()) {
      String issuer = properties.getIssuerUri();
      decoder =
          new SupplierJwtDecoder(
              () -> {
                NimbusJwtDecoder nimbus = NimbusJwtDecoder.withIssuerLocation(issuer).jwsAlgorithms(a -> a.addAll(algorithms)).build();
                nimbus.setJwtValidator(validator);
                return nimbus;
              });
    } else {
      throw new IllegalStateException(
          "psychcode.security.enabled is true, but no key to check tokens with is configured: set"
              + " spring.security.oauth2.resourceserver.jwt.issuer-uri, jwk-set-uri or public-key-location"
              + " (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI, ..._JWK_SET_URI, ..._PUBLIC_KEY_LOCATION)");
    }
    return new Cached(decoder);
  }

  static OAuth2TokenValidator<Jwt> validator(String issuer, List<String> audiences) {
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(new JwtTimestampValidator());
    validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
    if (issuer != null && !issuer.isBlank()) {
      validators.add(new JwtIssuerValidator(issuer));
    }
    if (audiences != null && !audiences.isEmpty()) {
      Set<String> wanted = Set.copyOf(audiences);
      validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.stream().anyMatch(wanted::contains)));
    }
    return new DelegatingOAuth2TokenValidator<>(validators);
  }

  private static DefaultJWTProcessor<SecurityContext> processor(PublicKey key, Set<SignatureAlgorithm> algorithms) {
    JWK jwk =
        key instanceof RSAPublicKey rsa
            ? new RSAKey.Builder(rsa).build()
            : new ECKey.Builder(Curve.forECParameterSpec(((ECPublicKey) key).getParams()), (ECPublicKey) key).build();
    Set<JWSAlgorithm> jws = new LinkedHashSet<>();
    algorithms.forEach(a -> jws.add(JWSAlgorithm.parse(a.getName())));
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(jws, new ImmutableJWKSet<>(new JWKSet(jwk))));
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    // the claims are checked by Spring's validators, as for the other key sources
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    return processor;
  }

  /** An RSA or EC public key from a PEM file ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
  static PublicKey publicKey(Resource location) {
    String pem;
    try (InputStream in = location.getInputStream()) {
      pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("spring.security.oauth2.resourceserver.jwt.public-key-location cannot be read: " + location, e);
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next kind of key
      }
    }
    throw new IllegalStateException("spring.security.oauth2.resourceserver.jwt.public-key-location holds neither an RSA nor an EC public key");
  }

  /** Remembers each token that passed until it expires, at most ten minutes, at most 8 MB of tokens. */
  static final class Cached implements JwtDecoder {

    private static final long MAX_NANOS = Duration.ofMinutes(10).toNanos();

    private final JwtDecoder delegate;
    private final Cache<String, Jwt> passed =
        Caffeine.newBuilder()
            .maximumWeight(8L * 1024 * 1024)
            .<String, Jwt>weigher((token, jwt) -> token.length())
            .expireAfter(
                new Expiry<String, Jwt>() {
                  @Override
                  public long expireAfterCreate(String token, Jwt jwt, long now) {
                    Instant exp = jwt.getExpiresAt();
                    long left = exp == null ? 0 : Duration.between(Instant.now(), exp).toNanos();
                    return Math.max(0, Math.min(left, MAX_NANOS));
                  }

                  @Override
                  public long expireAfterUpdate(String token, Jwt jwt, long now, long current) {
                    return current;
                  }

                  @Override
                  public long expireAfterRead(String token, Jwt jwt, long now, long current) {
                    return current;
                  }
                })
            .build();

    Cached(JwtDecoder delegate) {
      this.delegate = delegate;
    }

    @Override
    public Jwt decode(String token) {
      Jwt known = passed.getIfPresent(token);
      if (known != null && known.getExpiresAt() != null && Instant.now().isBefore(known.getExpiresAt())) {
        return known;
      }
      Jwt jwt = delegate.decode(token);
      passed.put(token, jwt);
      return jwt;
    }
  }
}
