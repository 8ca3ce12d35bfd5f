package dev.venice.plugins.jwtauthenticator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.TokenAuthenticator;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingPluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JwtTokenAuthenticator} as a host reaches it: the plugin started in a {@link
 * TestingPluginContext} with real keys (RSA 2048, EC P-256) generated here and tokens signed with
 * Nimbus; the context's {@link ManualTimeSource} is the clock {@code exp} and {@code nbf} are
 * checked against, and the ticker of the cache of verified tokens.
 */
class JwtTokenAuthenticatorTest {
  static final String ISSUER = "https://idp.example.com";
  static final String AUDIENCE = "venice";
  static KeyPair rsa;
  static KeyPair ec;

  @TempDir
  Path dir;
  private TestingPluginContext context;

  @BeforeAll
  static void generateKeys() throws GeneralSecurityException {
    rsa = rsaKeyPair();
    ec = ecKeyPair("secp256r1");
  }

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  // ---- fixtures (also used by JwtAuthenticatorPluginTest) ----------------------------------

  static KeyPair rsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static KeyPair ecKeyPair(String curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  /** Writes {@code der} as a PEM block of {@code type} ("PUBLIC KEY", "PRIVATE KEY"). */
  static Path pem(Path file, String type, byte[] der) throws IOException {
    return Files.writeString(file, "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type
        + "-----\n");
  }

  /** Claims valid at {@link ManualTimeSource#DEFAULT_START} for 5 minutes, for alice. */
  static JWTClaimsSet.Builder claims() {
    Date now = Date.from(ManualTimeSource.DEFAULT_START);
    return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(AUDIENCE)
        .issueTime(now).expirationTime(Date.from(ManualTimeSource.DEFAULT_START.plusSeconds(300)))
        .claim("groups", List.of("readers", "ops"));
  }

  /** {@code claims} as an RS256 JWS signed with {@code keys}' private key. */
  static String rs256(KeyPair keys, JWTClaimsSet claims, String kid) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(keys.getPrivate()));
    return jwt.serialize();
  }

  /** {@code claims} as an ES256 JWS signed with {@code keys}' private key. */
  static String es256(KeyPair keys, JWTClaimsSet claims, String kid) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
        claims);
    jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    return jwt.serialize();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Starts the plugin with the RSA key's PEM file, the issuer and audience, and {@code more}. */
  private TokenAuthenticator start(Consumer<Map<String, String>> more) throws Exception {
    Map<String, String> config = new HashMap<>(Map.of(
        "public-key-file", pem(dir.resolve("rsa.pem"), "PUBLIC KEY",
            rsa.getPublic().getEncoded()).toString(),
        "issuer", ISSUER, "audience", AUDIENCE));
    more.accept(config);
    context = TestingPluginContext.builder(new JwtAuthenticatorPlugin())
        .processKind(ProcessKind.ROUTER).config(config).build();
    return context.start().tokenAuthenticators().get(0);
  }

  private TokenAuthenticator start() throws Exception {
    return start(config -> {});
  }

  private double count(String result) {
    return context.meterRegistry().get("venice.router.jwt.authenticator.tokens")
        .tag("result", result).counter().count();
  }

  /** The reason {@code token} is refused, checked not to contain the token. */
  private static String refusal(TokenAuthenticator authenticator, String token) {
    SecurityException refused = assertThrows(SecurityException.class,
        () -> authenticator.authenticate(token));
    assertFalse(refused.getMessage().contains(token), "the message shows the token");
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertTrue(signature.isEmpty() || !refused.getMessage().contains(signature),
        "the message shows the signature");
    return refused.getMessage();
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "expected '" + expected + "' in: " + actual);
  }

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void aValidRs256TokenGivesItsSubjectAndGroups() throws Exception {
    TokenAuthenticator authenticator = start();
    Optional<Principal> principal = authenticator.authenticate(rs256(rsa, claims().build(), null));
    assertEquals(Optional.of(Principal.authenticated("alice", Set.of("readers", "ops"))),
        principal);
    assertEquals(1.0, count("accepted"));
    assertEquals(0.0, count("rejected"));
  }

  @Test
  void aValidEs256TokenIsVerifiedWithAPemEcKey() throws Exception {
    TokenAuthenticator authenticator = start(config -> config.put("public-key-file",
        write("ec.pem", ec.getPublic().getEncoded())));
    assertEquals("alice", authenticator.authenticate(es256(ec, claims().build(), "any-kid"))
        .orElseThrow().name());
    assertContains("no configured key for RS256",
        refusal(authenticator, rs256(rsa, claims().build(), null)));
  }

  @Test
  void anExpiredTokenIsRefusedOnceTheClockSkewHasPassed() throws Exception {
    TokenAuthenticator authenticator = start();
    String token = rs256(rsa, claims().build(), null);
    context.time().advance(Duration.ofSeconds(300 + 29));
    assertTrue(authenticator.authenticate(token).isPresent(), "within the 30s clock skew");
    context.time().advance(Duration.ofSeconds(1));
    String reason = refusal(authenticator, token);
    assertContains("expired at 2026-01-01T00:05:00Z", reason);
    assertContains("clock skew 30s", reason);
    assertEquals(1.0, count("rejected"));
  }

  @Test
  void theClockSkewIsConfigurable() throws Exception {
    TokenAuthenticator authenticator = start(config -> config.put("clock-skew", "0s"));
    String token = rs256(rsa, claims().build(), null);
    context.time().advance(Duration.ofSeconds(300));
    assertContains("expired at 2026-01-01T00:05:00Z", refusal(authenticator, token));
  }

  @Test
  void aTokenWithoutExpIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    assertContains("missing exp claim", refusal(authenticator,
        rs256(rsa, claims().expirationTime(null).build(), null)));
  }

  @Test
  void aTokenNotYetValidIsRefusedUntilItsNbfLessTheSkew() throws Exception {
    TokenAuthenticator authenticator = start();
    String token = rs256(rsa, claims().notBeforeTime(Date.from(ManualTimeSource.DEFAULT_START
        .plusSeconds(120))).build(), null);
    assertContains("not valid before 2026-01-01T00:02:00Z", refusal(authenticator, token));
    context.time().advance(Duration.ofSeconds(89));
    assertThrows(SecurityException.class, () -> authenticator.authenticate(token));
    context.time().advance(Duration.ofSeconds(1));
    assertTrue(authenticator.authenticate(token).isPresent(), "nbf less the 30s clock skew");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    assertContains("bad signature", refusal(authenticator,
        rs256(rsaKeyPair(), claims().build(), null)));
    assertEquals(1.0, count("rejected"));
  }

  @Test
  void aTamperedTokenIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    String[] parts = rs256(rsa, claims().build(), null).split("\\.");
    String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims().subject("admin").build().toString().getBytes());
    assertContains("bad signature", refusal(authenticator,
        parts[0] + "." + admin + "." + parts[2]));
  }

  @Test
  void anUnsecuredTokenWithAlgNoneIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    String token = new PlainJWT(claims().build()).serialize();
    assertContains("alg none", refusal(authenticator, token));
    assertEquals(1.0, count("rejected"));
  }

  @Test
  void anHs256TokenIsRefusedEvenSignedWithThePublicKeyBytes() throws Exception {
    TokenAuthenticator authenticator = start();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    jwt.sign(new MACSigner(rsa.getPublic().getEncoded()));
    assertContains("algorithm HS256 is not accepted", refusal(authenticator, jwt.serialize()));
  }

  @Test
  void aWrongIssuerIsRefusedNamingIt() throws Exception {
    TokenAuthenticator authenticator = start();
    String reason = refusal(authenticator,
        rs256(rsa, claims().issuer("https://evil.example.com").build(), null));
    assertContains("wrong issuer 'https://evil.example.com' (expected '" + ISSUER + "')", reason);
    assertContains("wrong issuer none", refusal(authenticator,
        rs256(rsa, claims().issuer(null).build(), null)));
  }

  @Test
  void anAudienceWithoutTheConfiguredOneIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    assertContains("does not contain 'venice'", refusal(authenticator,
        rs256(rsa, claims().audience(List.of("kafka", "zookeeper")).build(), null)));
    assertTrue(authenticator.authenticate(rs256(rsa, claims().audience(List.of("kafka",
        AUDIENCE)).build(), null)).isPresent(), "one of several audiences");
  }

  @Test
  void aTokenForAnotherServiceSignedWithTheSameKeyIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    assertContains("audience '[]' does not contain 'venice'", refusal(authenticator,
        rs256(rsa, claims().audience((String) null).build(), null)));
    assertContains("does not contain 'venice'", refusal(authenticator,
        rs256(rsa, claims().audience("billing").build(), null)));
    assertContains("wrong issuer 'https://other-idp.example.com'", refusal(authenticator,
        rs256(rsa, claims().issuer("https://other-idp.example.com").build(), null)));
  }

  // ---- the cache of verified tokens ---------------------------------------------------------

  private double cacheHits() {
    return context.meterRegistry().get("venice.router.jwt.authenticator.cache.hits").counter()
        .count();
  }

  private double cachedTokens() {
    return context.meterRegistry().get("venice.router.jwt.authenticator.cache.tokens").gauge()
        .value();
  }

  @Test
  void aCachedTokenIsAcceptedWithoutVerificationUntilItsExpThenRefused() throws Exception {
    TokenAuthenticator authenticator = start(config -> {
      config.put("clock-skew", "0s");
      config.put("cache-ttl", "1h"); // longer than the token's 5 minutes: exp must bound it
    });
    String token = rs256(rsa, claims().build(), null);
    Principal alice = Principal.authenticated("alice", Set.of("readers", "ops"));
    assertEquals(Optional.of(alice), authenticator.authenticate(token));
    assertEquals(0.0, cacheHits(), "verified the first time");
    assertEquals(1.0, cachedTokens());
    assertEquals(Optional.of(alice), authenticator.authenticate(token));
    assertEquals(1.0, cacheHits(), "answered from the cache the second time");

    context.time().advance(Duration.ofSeconds(299));
    assertEquals(Optional.of(alice), authenticator.authenticate(token));
    assertEquals(2.0, cacheHits(), "cached until exp");
    assertEquals(3.0, count("accepted"), "cache hits are accepted tokens too");

    context.time().advance(Duration.ofSeconds(1));
    assertContains("expired at 2026-01-01T00:05:00Z", refusal(authenticator, token));
    assertEquals(2.0, cacheHits(), "the entry expired with the token");
    assertEquals(1.0, count("rejected"));
    assertEquals(0.0, cachedTokens());
  }

  @Test
  void theCacheTtlBoundsAnEntryOfALongerLivedToken() throws Exception {
    TokenAuthenticator authenticator = start(config -> config.put("cache-ttl", "1m"));
    String token = rs256(rsa, claims().build(), null);
    authenticator.authenticate(token);
    context.time().advance(Duration.ofSeconds(59));
    assertTrue(authenticator.authenticate(token).isPresent());
    assertEquals(1.0, cacheHits());
    context.time().advance(Duration.ofSeconds(1));
    assertTrue(authenticator.authenticate(token).isPresent(), "verified again after the ttl");
    assertEquals(1.0, cacheHits(), "the ttl ended the entry");
    assertTrue(authenticator.authenticate(token).isPresent());
    assertEquals(2.0, cacheHits(), "cached again by the new verification");
  }

  @Test
  void refusedTokensAreNeverCached() throws Exception {
    TokenAuthenticator authenticator = start();
    String notYet = rs256(rsa, claims().notBeforeTime(Date.from(ManualTimeSource.DEFAULT_START
        .plusSeconds(120))).build(), null);
    String wrongIssuer = rs256(rsa, claims().issuer("https://other.example.com").build(), null);
    for (int i = 0; i < 2; i++) {
      refusal(authenticator, notYet);
      refusal(authenticator, wrongIssuer);
    }
    assertEquals(4.0, count("rejected"));
    assertEquals(0.0, cacheHits());
    assertEquals(0.0, cachedTokens());
  }

  @Test
  void theCacheHoldsAtMostCacheMaxTokens() throws Exception {
    TokenAuthenticator authenticator = start(config -> config.put("cache-max-tokens", "3"));
    for (int i = 0; i < 50; i++) {
      assertTrue(authenticator.authenticate(rs256(rsa, claims().subject("user-" + i).build(),
          null)).isPresent());
      assertTrue(cachedTokens() <= 3.0, () -> cachedTokens() + " tokens cached");
    }
    assertTrue(cachedTokens() >= 1.0, "the cache is in use");
  }

  @Test
  void aZeroCacheTtlCachesNothing() throws Exception {
    TokenAuthenticator authenticator = start(config -> config.put("cache-ttl", "0s"));
    String token = rs256(rsa, claims().build(), null);
    authenticator.authenticate(token);
    authenticator.authenticate(token);
    assertEquals(0.0, cacheHits());
    assertEquals(2.0, count("accepted"));
  }

  @Test
  void aTokenWithoutSubIsRefused() throws Exception {
    TokenAuthenticator authenticator = start();
    assertContains("missing sub claim", refusal(authenticator,
        rs256(rsa, claims().subject(null).build(), null)));
    assertContains("claim sub is not a non-blank string", refusal(authenticator,
        rs256(rsa, claims().subject(" ").build(), null)));
  }

  @Test
  void thePrincipalAndGroupsClaimsAreConfigurable() throws Exception {
    TokenAuthenticator authenticator = start(config -> {
      config.put("principal-claim", "email");
      config.put("groups-claim", "roles");
    });
    JWTClaimsSet claims = claims().claim("email", "alice@example.com")
        .claim("roles", List.of("admin")).build();
    assertEquals(Principal.authenticated("alice@example.com", Set.of("admin")),
        authenticator.authenticate(rs256(rsa, claims, null)).orElseThrow());
    assertContains("missing email claim", refusal(authenticator,
        rs256(rsa, claims().build(), null)));
  }

  @Test
  void groupsAreAnArrayOfStringsOrAbsent() throws Exception {
    TokenAuthenticator authenticator = start();
    assertEquals(Set.of(), authenticator.authenticate(rs256(rsa, claims().claim("groups", null)
        .build(), null)).orElseThrow().groups());
    assertContains("claim groups is not an array of strings", refusal(authenticator,
        rs256(rsa, claims().claim("groups", "readers").build(), null)));
    assertContains("claim groups is not an array of strings", refusal(authenticator,
        rs256(rsa, claims().claim("groups", List.of(1, 2)).build(), null)));
  }

  @Test
  void aTokenThatIsNotAJwsIsLeftToOtherAuthenticators() throws Exception {
    TokenAuthenticator authenticator = start();
    EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256,
        EncryptionMethod.A128GCM), claims().build());
    jwe.encrypt(new RSAEncrypter((RSAPublicKey) rsa.getPublic()));
    for (String token : List.of("opaque-api-key-0123456789", "a.b.c", "", "..",
        jwe.serialize())) {
      assertEquals(Optional.empty(), authenticator.authenticate(token), token);
    }
    assertEquals(0.0, count("accepted"));
    assertEquals(0.0, count("rejected"));
  }

  @Test
  void aJwkSetFileChoosesTheKeyByKid() throws Exception {
    KeyPair second = rsaKeyPair();
    JWKSet set = new JWKSet(List.of(
        new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("rsa-1").build(),
        new RSAKey.Builder((RSAPublicKey) second.getPublic()).keyID("rsa-2").build(),
        new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("ec-1").build()));
    Path jwks = Files.writeString(dir.resolve("jwks.json"), set.toString());
    TokenAuthenticator authenticator = start(config -> {
      config.remove("public-key-file");
      config.put("jwks-file", jwks.toString());
    });
    assertTrue(authenticator.authenticate(rs256(rsa, claims().build(), "rsa-1")).isPresent());
    assertTrue(authenticator.authenticate(rs256(second, claims().build(), "rsa-2")).isPresent());
    assertTrue(authenticator.authenticate(rs256(second, claims().build(), null)).isPresent(),
        "without kid, every RSA key is tried");
    assertTrue(authenticator.authenticate(es256(ec, claims().build(), "ec-1")).isPresent());
    assertContains("bad signature", refusal(authenticator, rs256(rsa, claims().build(),
        "rsa-2")));
    assertContains("no configured key for RS256 (kid 'rsa-9')", refusal(authenticator,
        rs256(rsa, claims().build(), "rsa-9")));
  }

  private String write(String name, byte[] der) {
    try {
      return pem(dir.resolve(name), "PUBLIC KEY", der).toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
