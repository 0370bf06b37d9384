package org.psychcode.fhir.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Turns a checked token into the request's authentication, as Spring's {@code JwtAuthenticationConverter} does
 * ({@code SCOPE_} authorities, {@code sub} as the name), with the token's SMART scopes ({@link SmartScopes}) beside
 * them. Both are worked out once per token: {@link TokenDecoders.Cached} hands out the same {@link Jwt} for as long as
 * it remembers a token, and that instance is the key here (weakly held: forgotten with the token), so a client sending
 * the same token again costs a look-up, not a parse of its scopes. Each request still gets its own authentication
 * object, which Spring fills with that request's details.
 */
final class TokenAuthentications implements Converter<Jwt, AbstractAuthenticationToken> {

  /** A bearer token's authentication with the SMART scopes it grants. */
  static final class ScopedToken extends JwtAuthenticationToken {
    private final transient SmartScopes scopes;

    ScopedToken(Jwt jwt, Collection<? extends GrantedAuthority> authorities, SmartScopes scopes) {
      super(jwt, authorities);
      this.scopes = scopes;
    }

    SmartScopes scopes() {
      return scopes;
    }
  }

  private record Grants(Collection<GrantedAuthority> authorities, SmartScopes scopes) {}

  private final JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
  private final Cache<Jwt, Grants> grants = Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    Grants g = grants.get(jwt, j -> new Grants(authorities.convert(j), SmartScopes.of(j)));
    return new ScopedToken(jwt, g.authorities(), g.scopes());
  }
}
