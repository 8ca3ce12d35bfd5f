package dev.venice.plugins.jwtauthenticator;

import static dev.venice.plugins.jwtauthenticator.JwtTokenAuthenticatorTest.claims;
import static dev.venice.plugins.jwtauthenticator.JwtTokenAuthenticatorTest.pem;
import static dev.venice.plugins.jwtauthenticator.JwtTokenAuthenticatorTest.rs256;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plugin contract (started with an RSA public key file, the issuer and the audience), and the
 * wiring: one token authenticator, and nothing else, on controllers, servers and routers; the
 * configuration checks at validation (both key sources) and at start (no issuer or audience,
 * neither key source, a missing file, a file holding no usable public key), each naming the key
 * (and the file).
 */
class JwtAuthenticatorPluginTest extends PluginContractTest<JwtAuthenticatorPlugin> {
  @TempDir
  static Path dir;
  static KeyPair rsa;
  static Path rsaPem;

  @BeforeAll
  static void writeKey() throws Exception {
    rsa = JwtTokenAuthenticatorTest.rsaKeyPair();
    rsaPem = pem(dir.resolve("rsa.pem"), "PUBLIC KEY", rsa.getPublic().getEncoded());
  }

  @Override
  protected JwtAuthenticatorPlugin newPlugin() {
    return new JwtAuthenticatorPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER);
  }

  @Override
  protected TestingPluginContext.Builder contextBuilder(JwtAuthenticatorPlugin plugin) {
    return TestingPluginContext.builder(plugin).config(Map.of("public-key-file",
        rsaPem.toString(), "issuer", JwtTokenAuthenticatorTest.ISSUER, "audience",
        JwtTokenAuthenticatorTest.AUDIENCE));
  }

  /** One token accepted, one refused, one left to others. */
  @Override
  protected void exercise(JwtAuthenticatorPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    var authenticator = extensions.tokenAuthenticators().get(0);
    assertTrue(authenticator.authenticate(rs256(rsa, claims().build(), null)).isPresent());
    assertThrows(SecurityException.class, () -> authenticator.authenticate(
        rs256(rsa, claims().subject(null).build(), null)));
    assertTrue(authenticator.authenticate("opaque").isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = ProcessKind.class, names = {"CONTROLLER", "SERVER", "ROUTER"})
  void addsOneTokenAuthenticatorAndNothingElseWithItsCountersRegistered(ProcessKind kind)
      throws Exception {
    try (TestingPluginContext context = contextBuilder(newPlugin()).processKind(kind).build()) {
      TestingExtensions added = context.start();
      assertEquals(1, added.tokenAuthenticators().size());
      assertTrue(added.authorizers().isEmpty() && added.httpEndpoints().isEmpty()
          && added.backgroundTasks().isEmpty() && added.accessDenialListeners().isEmpty());
      String prefix = "venice." + kind.id() + ".jwt.authenticator.";
      for (String result : List.of("accepted", "rejected")) {
        assertEquals(0.0, context.meterRegistry().get(prefix + "tokens").tag("result", result)
            .counter().count());
      }
      assertEquals(0.0, context.meterRegistry().get(prefix + "cache.hits").counter().count());
      assertEquals(0.0, context.meterRegistry().get(prefix + "cache.tokens").gauge().value());
    }
  }

  @Test
  void bothKeySourcesAreRefusedAtValidationNamingBoth() {
    ConfigException refused = assertThrows(ConfigException.class, () -> contextBuilder(
        newPlugin()).config("jwks-file", rsaPem.toString()).build());
    assertContains("plugins.jwt-authenticator.public-key-file and"
        + " plugins.jwt-authenticator.jwks-file are both set", refused.getMessage());
  }

  @Test
  void theDefaultsPassValidationSoStoreUpdatesAreNotRefused() {
    assertDoesNotThrow(() -> newPlugin().validate(PluginConfig.of("jwt-authenticator",
        JwtAuthenticatorConfig.KEYS, Map.of())));
  }

  @Test
  void aBlankPrincipalClaimIsRefusedNamingIt() {
    ConfigException refused = assertThrows(ConfigException.class, () -> contextBuilder(
        newPlugin()).config("principal-claim", " ").build());
    assertEquals("plugins.jwt-authenticator.principal-claim", refused.key());
  }

  @Test
  void startingWithoutTheIssuerOrTheAudienceFailsNamingTheKey() throws Exception {
    for (String key : List.of("issuer", "audience")) {
      for (String unset : List.of("", "  ")) {
        Map<String, String> config = new HashMap<>(Map.of("public-key-file", rsaPem.toString(),
            "issuer", JwtTokenAuthenticatorTest.ISSUER, "audience",
            JwtTokenAuthenticatorTest.AUDIENCE));
        if (unset.isEmpty()) {
          config.remove(key);
        } else {
          config.put(key, unset);
        }
        try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
            .config(config).build()) {
          ConfigException refused = assertThrows(ConfigException.class, context::start);
          assertEquals("plugins.jwt-authenticator." + key, refused.key());
          assertContains("plugins.jwt-authenticator." + key + " is not set: it is required",
              refused.getMessage());
          assertTrue(context.extensions().tokenAuthenticators().isEmpty());
        }
      }
    }
  }

  @Test
  void startingWithNeitherKeySourceFailsNamingBoth() throws Exception {
    String message = startFails(Map.of());
    assertContains("plugins.jwt-authenticator.public-key-file and"
        + " plugins.jwt-authenticator.jwks-file are both unset", message);
  }

  @Test
  void aMissingFileFailsTheStartNamingTheKeyAndTheFile() throws Exception {
    Path missing = dir.resolve("no-such.pem");
    String message = startFails(Map.of("public-key-file", missing.toString()));
    assertContains("plugins.jwt-authenticator.public-key-file: file " + missing.toAbsolutePath()
        + " does not exist", message);
    message = startFails(Map.of("jwks-file", missing.toString()));
    assertContains("plugins.jwt-authenticator.jwks-file: file " + missing.toAbsolutePath(),
        message);
  }

  @Test
  void aFileHoldingNoPublicKeyFailsTheStartSayingWhy() throws Exception {
    Path privateKey = pem(dir.resolve("private.pem"), "PRIVATE KEY",
        rsa.getPrivate().getEncoded());
    assertContains("file " + privateKey.toAbsolutePath() + " is not a usable public key: it"
        + " holds a private key", startFails(Map.of("public-key-file", privateKey.toString())));

    Path text = Files.writeString(dir.resolve("text.pem"), "hello");
    assertContains("expected a PEM block -----BEGIN PUBLIC KEY-----",
        startFails(Map.of("public-key-file", text.toString())));

    Path junk = pem(dir.resolve("junk.pem"), "PUBLIC KEY", new byte[] {1, 2, 3});
    assertContains("holds neither an RSA nor an EC public key",
        startFails(Map.of("public-key-file", junk.toString())));

    Path p384 = pem(dir.resolve("p384.pem"), "PUBLIC KEY",
        JwtTokenAuthenticatorTest.ecKeyPair("secp384r1").getPublic().getEncoded());
    assertContains("its EC key is on curve P-384: ES256 needs P-256",
        startFails(Map.of("public-key-file", p384.toString())));

    Path notJson = Files.writeString(dir.resolve("keys.json"), "{");
    assertContains("plugins.jwt-authenticator.jwks-file: file " + notJson.toAbsolutePath()
        + " is not a usable public key: not a JWK set",
        startFails(Map.of("jwks-file", notJson.toString())));

    OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).generate();
    Path symmetric = Files.writeString(dir.resolve("secret.json"),
        new JWKSet(secret).toString(false));
    assertContains("it holds no RSA or EC P-256 public key among its 1 key(s)",
        startFails(Map.of("jwks-file", symmetric.toString())));
  }

  /** The message of the start's failure with {@code config}, the issuer and the audience. */
  private String startFails(Map<String, String> config) throws Exception {
    Map<String, String> full = new HashMap<>(config);
    full.put("issuer", JwtTokenAuthenticatorTest.ISSUER);
    full.put("audience", JwtTokenAuthenticatorTest.AUDIENCE);
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config(full).build()) {
      return assertThrows(ConfigException.class, context::start).getMessage();
    }
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "expected '" + expected + "' in: " + actual);
  }
}
