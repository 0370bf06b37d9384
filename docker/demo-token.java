// A demo token issuer for the compose file's server (docker/compose.yaml), with nothing but a JDK 17:
//
//   java docker/demo-token.java keys                      # once: an RSA key pair in docker/demo-issuer/
//   java docker/demo-token.java token 'system/*.cruds'    # a signed token (RS256) for those SMART scopes, valid 1 hour
//   java docker/demo-token.java token 'patient/*.rs' --patient 123 --minutes 10 --sub dr.rivera
//
// The server checks the token's signature with docker/demo-issuer/public.pem, its issuer (ISSUER below) and audience
// (AUDIENCE), exp and nbf. The private key never leaves docker/demo-issuer/ (not committed); a real deployment points
// spring.security.oauth2.resourceserver.jwt.issuer-uri at its own authorization server instead.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.UUID;

public class DemoToken {

  static final String ISSUER = "https://demo-issuer.psychcode.invalid";
  static final String AUDIENCE = "psychcode-fhir";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(System.getProperty("demo.dir", "docker/demo-issuer"));
    if (args.length >= 1 && args[0].equals("keys")) {
      Files.createDirectories(dir);
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      System.out.println("Wrote " + dir.resolve("public.pem") + " (for the server) and " + dir.resolve("private.pem") + " (keep it here)");
      return;
    }
    if (args.length < 2 || !args[0].equals("token")) {
      System.err.println("usage: java docker/demo-token.java keys | token '<scopes>' [--patient ID] [--sub NAME] [--minutes N]");
      System.exit(2);
    }
    String scope = args[1];
    String patient = null;
    String sub = "demo-user";
    long minutes = 60;
    for (int i = 2; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--patient" -> patient = args[i + 1];
        case "--sub" -> sub = args[i + 1];
        case "--minutes" -> minutes = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    byte[] der = Base64.getMimeDecoder().decode(Files.readString(dir.resolve("private.pem")).replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims =
        "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + json(sub) + "\",\"client_id\":\"demo-client\","
            + "\"scope\":\"" + json(scope) + "\",\"iat\":" + now + ",\"nbf\":" + (now - 5) + ",\"exp\":" + (now + minutes * 60)
            + ",\"jti\":\"" + UUID.randomUUID() + "\"" + (patient == null ? "" : ",\"patient\":\"" + json(patient) + "\"") + "}";
    String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key);
    rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    System.out.println(signingInput + "." + b64(rs256.sign()));
  }

  static String pem(String kind, byte[] der) {
    return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + kind + "-----\n";
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
