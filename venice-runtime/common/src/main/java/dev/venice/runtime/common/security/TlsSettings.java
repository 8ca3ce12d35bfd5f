package dev.venice.runtime.common.security;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a process or client finds its TLS key material, under Venice's own key names ({@code
 * ssl.enabled}, {@code ssl.keystore.*}, {@code ssl.truststore.*}, {@code ssl.needs.client.cert}).
 * Key and trust stores are standard Java key stores (PKCS12 by default, or JKS) or PEM files.
 *
 * @param keyStore the key store holding this party's private key and certificate chain; {@code
 *     null} for a client that presents no certificate
 * @param keyStorePassword its password ({@code ""} when none)
 * @param keyStoreType {@code PKCS12}, {@code JKS} or {@code PEM}
 * @param keyPassword the private key's password ({@code null}: the key store's)
 * @param trustStore the certificates of the authorities to trust; {@code null}: the JDK's
 * @param trustStorePassword its password ({@code ""} when none)
 * @param trustStoreType {@code PKCS12}, {@code JKS} or {@code PEM}
 * @param needClientCert for a server: whether callers must present a certificate (mutual TLS)
 */
public record TlsSettings(Path keyStore, String keyStorePassword, String keyStoreType,
    String keyPassword, Path trustStore, String trustStorePassword, String trustStoreType,
    boolean needClientCert) {
  /** Whether the process serves and calls over TLS. */
  public static final ConfigKey<Boolean> SSL_ENABLED = ConfigKey.bool("ssl.enabled", false,
      "serve the admin HTTP and gRPC ports over TLS, authenticate callers, call other processes"
          + " over TLS");
  /** The key store's file. */
  public static final ConfigKey<String> KEYSTORE_LOCATION = ConfigKey.string(
      "ssl.keystore.location", null, "key store file with this process's private key and"
          + " certificate chain (required when ssl.enabled)");
  /** The key store's password. */
  public static final ConfigKey<String> KEYSTORE_PASSWORD = ConfigKey.string(
      "ssl.keystore.password", "", "password of ssl.keystore.location");
  /** The key store's type. */
  public static final ConfigKey<String> KEYSTORE_TYPE = ConfigKey.string("ssl.keystore.type",
      "PKCS12", "type of ssl.keystore.location: PKCS12, JKS or PEM (an unencrypted PKCS#8 PRIVATE"
          + " KEY block and its CERTIFICATE chain in one file, as Kafka reads it)");
  /** The private key's password. */
  public static final ConfigKey<String> KEY_PASSWORD = ConfigKey.string("ssl.key.password", null,
      "password of the private key in the key store (default: ssl.keystore.password)");
  /** The trust store's file. */
  public static final ConfigKey<String> TRUSTSTORE_LOCATION = ConfigKey.string(
      "ssl.truststore.location", null, "trust store file with the certificate authorities whose"
          + " certificates this process accepts (required when ssl.enabled)");
  /** The trust store's password. */
  public static final ConfigKey<String> TRUSTSTORE_PASSWORD = ConfigKey.string(
      "ssl.truststore.password", "", "password of ssl.truststore.location");
  /** The trust store's type. */
  public static final ConfigKey<String> TRUSTSTORE_TYPE = ConfigKey.string("ssl.truststore.type",
      "PKCS12", "type of ssl.truststore.location: PKCS12, JKS or PEM (CERTIFICATE blocks)");
  /** Whether callers must present a certificate. */
  public static final ConfigKey<Boolean> NEEDS_CLIENT_CERT = ConfigKey.bool(
      "ssl.needs.client.cert", false, "require a client certificate on the admin and gRPC ports"
          + " (mutual TLS); without one a caller authenticates with a bearer token");

  /** Whether a process with TLS refuses to start when no plugin authorizes. */
  public static final ConfigKey<Boolean> AUTHORIZER_REQUIRED = ConfigKey.bool(
      "security.authorizer.required", true, "with ssl.enabled, refuse to start unless a plugin"
          + " authorizes (acl-authorizer): a refused authorizer plugin must not leave every"
          + " authenticated caller allowed; false runs authenticated-only");

  /** Every security key: the {@code ssl.*} keys and {@code security.authorizer.required}. */
  public static final List<ConfigKey<?>> KEYS = List.of(SSL_ENABLED, KEYSTORE_LOCATION,
      KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD,
      TRUSTSTORE_TYPE, NEEDS_CLIENT_CERT, AUTHORIZER_REQUIRED);

  /** Checks the fields. */
  public TlsSettings {
    Objects.requireNonNull(keyStorePassword, "keyStorePassword");
    Objects.requireNonNull(keyStoreType, "keyStoreType");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    Objects.requireNonNull(trustStoreType, "trustStoreType");
  }

  /**
   * A client's settings: its own PKCS12 key store (or {@code null}) and a PKCS12 trust store (or
   * {@code null} for the JDK's), both with {@code password}.
   */
  public static TlsSettings client(Path keyStore, Path trustStore, String password) {
    return new TlsSettings(keyStore, password, "PKCS12", null, trustStore, password, "PKCS12",
        false);
  }

  /**
   * A process's settings from its configuration: empty when {@code ssl.enabled} is false.
   *
   * @throws ConfigException when {@code ssl.enabled} is true and {@code ssl.keystore.location} (a
   *     process always presents a certificate) or {@code ssl.truststore.location} (whose
   *     authorities' certificates name principals) is not set
   */
  public static Optional<TlsSettings> of(ProcessConfig config) {
    if (!config.get(SSL_ENABLED)) {
      return Optional.empty();
    }
    String keyStore = config.get(KEYSTORE_LOCATION);
    if (keyStore == null || keyStore.isBlank()) {
      throw new ConfigException(KEYSTORE_LOCATION.name(), KEYSTORE_LOCATION.name() + " must name this process's key store"
          + " when " + SSL_ENABLED.name() + " is true");
    }
    String trustStore = config.get(TRUSTSTORE_LOCATION);
    if (trustStore == null || trustStore.isBlank()) {
      // the JDK's public authorities would let any certificate they signed name a principal
      throw new ConfigException(TRUSTSTORE_LOCATION.name(), TRUSTSTORE_LOCATION.name()
          + " must name the trust store of the cluster's own authority when "
          + SSL_ENABLED.name() + " is true");
    }
    return Optional.of(new TlsSettings(Path.of(keyStore), config.get(KEYSTORE_PASSWORD),
        config.get(KEYSTORE_TYPE), config.get(KEY_PASSWORD), Path.of(trustStore),
        config.get(TRUSTSTORE_PASSWORD), config.get(TRUSTSTORE_TYPE),
        config.get(NEEDS_CLIENT_CERT)));
  }
}
