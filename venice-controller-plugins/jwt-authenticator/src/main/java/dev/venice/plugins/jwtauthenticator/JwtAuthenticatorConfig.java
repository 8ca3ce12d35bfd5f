package dev.venice.plugins.jwtauthenticator;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plugin's settings under {@code plugins.jwt-authenticator.*}, all process-wide
 * (authentication applies to every store).
 *
 * @param publicKeyFile a PEM file holding one RSA or EC P-256 public key (exclusive with {@code
 *     jwksFile})
 * @param jwksFile a JWK set file (RFC 7517) holding the RSA and EC P-256 public keys (exclusive with
 *     {@code publicKeyFile})
 * @param issuer the {@code iss} a token must carry (required)
 * @param audience the value a token's {@code aud} must contain (required)
 * @param clockSkew how far {@code exp} and {@code nbf} may be off the host's clock
 * @param principalClaim the claim naming the principal
 * @param groupsClaim the claim listing the principal's groups (an array of strings)
 * @param cacheTtl the longest a verified token is remembered (never past its {@code exp}); zero:
 *     nothing is cached
 * @param cacheMaxTokens the most verified tokens remembered at once
 */
record JwtAuthenticatorConfig(Optional<Path> publicKeyFile, Optional<Path> jwksFile,
    String issuer, String audience, Duration clockSkew, String principalClaim,
    String groupsClaim, Duration cacheTtl, int cacheMaxTokens) {
  static final ConfigKey<String> PUBLIC_KEY_FILE = ConfigKey.string("public-key-file", null,
      "a PEM file (-----BEGIN PUBLIC KEY-----) holding the RSA or EC P-256 public key tokens are"
          + " signed with; exactly one of public-key-file and jwks-file").processOnly();
  static final ConfigKey<String> JWKS_FILE = ConfigKey.string("jwks-file", null,
      "a JWK set file (RFC 7517, JSON) holding the RSA and EC P-256 public keys tokens are signed"
          + " with, chosen by the token's kid; exactly one of public-key-file and jwks-file")
      .processOnly();
  static final ConfigKey<String> ISSUER = ConfigKey.string("issuer", null,
      "the iss claim every token must carry; required").processOnly();
  static final ConfigKey<String> AUDIENCE = ConfigKey.string("audience", null,
      "a value every token's aud claim must contain; required").processOnly();
  static final ConfigKey<Duration> CLOCK_SKEW = ConfigKey.duration("clock-skew",
      Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10),
      "how far a token's exp and nbf may be off this host's clock").processOnly();
  static final ConfigKey<String> PRINCIPAL_CLAIM = ConfigKey.string("principal-claim", "sub",
      "the claim (a string) whose value is the principal's name").processOnly();
  static final ConfigKey<String> GROUPS_CLAIM = ConfigKey.string("groups-claim", "groups",
      "the claim (an array of strings) listing the principal's groups; absent: no group")
      .processOnly();
  static final ConfigKey<Duration> CACHE_TTL = ConfigKey.duration("cache-ttl",
      Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(1),
      "the longest a verified token is remembered, never past its exp; 0s: every token is"
          + " verified").processOnly();
  static final ConfigKey<Integer> CACHE_MAX_TOKENS = ConfigKey.integer("cache-max-tokens",
      10_000, 1, 10_000_000, "the most verified tokens remembered at once").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(PUBLIC_KEY_FILE, JWKS_FILE, ISSUER, AUDIENCE,
      CLOCK_SKEW, PRINCIPAL_CLAIM, GROUPS_CLAIM, CACHE_TTL, CACHE_MAX_TOKENS);

  private static final Pattern PEM_PUBLIC_KEY = Pattern.compile(
      "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  /**
   * The rules across keys that need no file: not both key sources, and non-blank claim names.
   * Pure and cheap (hosts also call it on store updates, with the defaults under the store's
   * settings); that the issuer and audience are set is checked at start by {@link #from}, that
   * one key source is set, and what its file holds, by {@link #verificationKeys()}.
   *
   * @throws ConfigException naming {@code public-key-file} and {@code jwks-file} when both are set,
   *     or the blank claim key
   */
  static void validate(PluginConfig config) {
    if (isSet(config, PUBLIC_KEY_FILE) && isSet(config, JWKS_FILE)) {
      throw new ConfigException(fullKey(PUBLIC_KEY_FILE), fullKey(PUBLIC_KEY_FILE)
          + " and " + fullKey(JWKS_FILE) + " are both set: set exactly one of them");
    }
    for (ConfigKey<String> claim : List.of(PRINCIPAL_CLAIM, GROUPS_CLAIM)) {
      if (config.get(claim).isBlank()) {
        throw new ConfigException(fullKey(claim), fullKey(claim)
            + " is blank: name a claim, e.g. " + claim.defaultValue());
      }
    }
  }

  /**
   * The settings of {@code config}, at start.
   *
   * @throws ConfigException as {@link #validate}, or naming {@code issuer} or {@code audience}
   *     when it is unset or blank: without both, a token the identity provider minted for another
   *     service, signed with the same key, would be accepted
   */
  static JwtAuthenticatorConfig from(PluginConfig config) {
    validate(config);
    return new JwtAuthenticatorConfig(path(config, PUBLIC_KEY_FILE), path(config, JWKS_FILE),
        required(config, ISSUER, "the iss claim your identity provider puts in tokens, e.g."
            + " https://idp.example.com"),
        required(config, AUDIENCE, "the aud value of tokens meant for Venice, e.g. venice"),
        config.get(CLOCK_SKEW), config.get(PRINCIPAL_CLAIM).strip(),
        config.get(GROUPS_CLAIM).strip(), config.get(CACHE_TTL), config.get(CACHE_MAX_TOKENS));
  }

  /**
   * Reads the verification keys from the configured file (at start: blocking I/O).
   *
   * @return the public RSA and EC P-256 keys, at least one; a PEM key has no key id
   * @throws ConfigException naming the key and the file when neither key source is set, the file
   *     is missing or unreadable, or holds no usable public key (a private key, a PKCS#1 {@code
   *     RSA PUBLIC KEY}, an EC key on another curve, a JWK set of symmetric keys only)
   */
  List<JWK> verificationKeys() {
    if (publicKeyFile.isPresent()) {
      return List.of(pemKey(publicKeyFile.get()));
    }
    if (jwksFile.isPresent()) {
      return jwkSetKeys(jwksFile.get());
    }
    throw new ConfigException(fullKey(PUBLIC_KEY_FILE), fullKey(PUBLIC_KEY_FILE) + " and "
        + fullKey(JWKS_FILE) + " are both unset: set exactly one of them to the file holding the"
        + " public key(s) tokens are signed with");
  }

  private static JWK pemKey(Path file) {
    String pem = read(PUBLIC_KEY_FILE, file);
    Matcher m = PEM_PUBLIC_KEY.matcher(pem);
    if (!m.find()) {
      throw notAPublicKey(PUBLIC_KEY_FILE, file, pem.contains("PRIVATE KEY-----")
          ? "it holds a private key: give the public key (openssl pkey -pubout)"
          : "expected a PEM block -----BEGIN PUBLIC KEY----- (X.509 SubjectPublicKeyInfo)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw notAPublicKey(PUBLIC_KEY_FILE, file, "its PEM block is not Base64: " + e.getMessage());
    }
    PublicKey key = decode(file, der);
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    ECPublicKey ec = (ECPublicKey) key;
    Curve curve = Curve.forECParameterSpec(ec.getParams());
    if (!Curve.P_256.equals(curve)) {
      throw notAPublicKey(PUBLIC_KEY_FILE, file, "its EC key is on curve "
          + (curve == null ? "unknown" : curve.getName()) + ": ES256 needs P-256");
    }
    return new ECKey.Builder(curve, ec).build();
  }

  private static PublicKey decode(Path file, byte[] der) {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisAlgorithm) {
        // try the next algorithm
      }
    }
    throw notAPublicKey(PUBLIC_KEY_FILE, file, "its PEM block holds neither an RSA nor an EC"
        + " public key");
  }

  private static List<JWK> jwkSetKeys(Path file) {
    String json = read(JWKS_FILE, file);
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw notAPublicKey(JWKS_FILE, file, "not a JWK set: " + e.getMessage());
    }
    List<JWK> usable = new ArrayList<>();
    for (JWK jwk : set.toPublicJWKSet().getKeys()) {
      if (jwk instanceof RSAKey || jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        usable.add(jwk);
      }
    }
    if (usable.isEmpty()) {
      throw notAPublicKey(JWKS_FILE, file, "it holds no RSA or EC P-256 public key among"
          + " its " + set.getKeys().size() + " key(s)");
    }
    return List.copyOf(usable);
  }

  private static String read(ConfigKey<String> key, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(fullKey(key), fullKey(key) + ": file " + file.toAbsolutePath()
          + " does not exist (or is not a regular file)");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(fullKey(key), fullKey(key) + ": cannot read file "
          + file.toAbsolutePath() + ": " + e);
    }
  }

  private static ConfigException notAPublicKey(ConfigKey<String> key, Path file, String why) {
    return new ConfigException(fullKey(key), fullKey(key) + ": file " + file.toAbsolutePath()
        + " is not a usable public key: " + why);
  }

  private static String required(PluginConfig config, ConfigKey<String> key, String example) {
    return text(config, key).orElseThrow(() -> new ConfigException(fullKey(key), fullKey(key)
        + " is not set: it is required with the plugin on, so that a token minted for another"
        + " service with the same key is refused; set it to " + example));
  }

  private static boolean isSet(PluginConfig config, ConfigKey<String> key) {
    return text(config, key).isPresent();
  }

  private static Optional<String> text(PluginConfig config, ConfigKey<String> key) {
    return Optional.ofNullable(config.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static Optional<Path> path(PluginConfig config, ConfigKey<String> key) {
    try {
      return text(config, key).map(Path::of);
    } catch (InvalidPathException e) {
      throw new ConfigException(fullKey(key), fullKey(key) + ": '" + config.get(key)
          + "' is not a file path: " + e.getMessage());
    }
  }

  private static String fullKey(ConfigKey<?> key) {
    return "plugins.jwt-authenticator." + key.name();
  }
}
