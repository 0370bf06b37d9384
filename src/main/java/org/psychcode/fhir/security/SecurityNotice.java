package org.psychcode.fhir.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says at start-up, in one line, whether the stored data is protected, and how. */
@Component
class SecurityNotice {

  private static final Logger log = LoggerFactory.getLogger(SecurityNotice.class);

  private final SecurityProperties properties;
  private final Environment env;

  SecurityNotice(SecurityProperties properties, Environment env) {
    this.properties = properties;
    this.env = env;
  }

  @EventListener(ApplicationStartedEvent.class)
  public void describe() {
    if (!properties.enabled()) {
      log.warn(
          "Security is OFF (psychcode.security.enabled=false): anyone who can reach this port may read and write the stored"
              + " data without a token. Set PSYCHCODE_SECURITY_ENABLED=true and an issuer, JWK set or public key"
              + " (spring.security.oauth2.resourceserver.jwt.*) before it holds real patients' data.");
      return;
    }
    String prefix = "spring.security.oauth2.resourceserver.jwt.";
    String keys =
        env.getProperty(prefix + "jwk-set-uri") != null ? "JWK set " + env.getProperty(prefix + "jwk-set-uri")
            : env.getProperty(prefix + "public-key-location") != null ? "public key " + env.getProperty(prefix + "public-key-location")
            : "the keys of issuer " + env.getProperty(prefix + "issuer-uri");
    log.info(
        "Security: OAuth2 bearer tokens checked against {}; issuer {}; audiences {}; open without a token: {}",
        keys,
        env.getProperty(prefix + "issuer-uri", "(not checked)"),
        env.getProperty(prefix + "audiences", "(not checked)"),
        String.join(", ", properties.open()));
  }
}
