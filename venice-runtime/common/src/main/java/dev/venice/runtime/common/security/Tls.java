package dev.venice.runtime.common.security;

import dev.venice.spi.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material loaded from {@link TlsSettings}, once, at start: a process's or client's key
 * managers (its certificate), trust managers (whom it trusts) and the {@link SSLContext} over both
 * (TLS 1.3 and 1.2, the JDK's defaults). Immutable and thread-safe.
 */
public final class Tls {
  /** The protocols every TLS endpoint of ours accepts (TLS 1.3 preferred, 1.2 for older peers). */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final TlsSettings settings;
  private final KeyManagerFactory keyManagers;
  private final TrustManagerFactory trustManagers;
  private final SSLContext context;

  private Tls(TlsSettings settings, KeyManagerFactory keyManagers,
      TrustManagerFactory trustManagers, SSLContext context) {
    this.settings = settings;
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
    this.context = context;
  }

  /**
   * Loads the key and trust stores {@code settings} name.
   *
   * @throws ConfigException naming the key ({@code ssl.keystore.location} or {@code
   *     ssl.truststore.location}) and the file when a store is missing, unreadable, of another type,
   *     has a wrong password, or the key store holds no private key
   */
  public static Tls load(TlsSettings settings) {
    try {
      KeyManagerFactory keyManagers = null;
      if (settings.keyStore() != null) {
        KeyStore keys = read(TlsSettings.KEYSTORE_LOCATION.name(), settings.keyStore(),
            settings.keyStoreType(), settings.keyStorePassword());
        if (Collections.list(keys.aliases()).stream().noneMatch(a -> isKey(keys, a))) {
          throw new ConfigException(TlsSettings.KEYSTORE_LOCATION.name(),
              TlsSettings.KEYSTORE_LOCATION.name() + " " + settings.keyStore()
              + " holds no private key with a certificate chain");
        }
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = settings.keyPassword() != null ? settings.keyPassword()
            : settings.keyStorePassword();
        try {
          keyManagers.init(keys, keyPassword.toCharArray());
        } catch (UnrecoverableKeyException e) {
          throw new ConfigException(TlsSettings.KEY_PASSWORD.name(), "the private key in "
              + settings.keyStore() + " (" + TlsSettings.KEYSTORE_LOCATION.name()
              + ") cannot be read with " + TlsSettings.KEY_PASSWORD.name() + ": wrong password");
        }
      }
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(settings.trustStore() == null ? null
          : read(TlsSettings.TRUSTSTORE_LOCATION.name(), settings.trustStore(),
              settings.trustStoreType(), settings.trustStorePassword()));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
          trustManagers.getTrustManagers(), null);
      return new Tls(settings, keyManagers, trustManagers, context);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(TlsSettings.SSL_ENABLED.name(), "TLS cannot be set up from "
          + (settings.keyStore() == null ? "" : settings.keyStore() + " and ")
          + (settings.trustStore() == null ? "the JDK's trust store" : settings.trustStore())
          + ": " + e);
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias) && store.getCertificateChain(alias) != null;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyStore read(String key, Path file, String type, String password) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, key + " " + file + ": unknown key store type " + type
          + " (PKCS12 or JKS)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
      return store;
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, key + " " + file + " does not exist");
    } catch (IOException e) {
      String why = e.getCause() instanceof UnrecoverableKeyException
          ? "wrong password" : "not a readable " + type + " key store (" + e.getMessage() + ")";
      throw new ConfigException(key, key + " " + file + " cannot be read: " + why);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, key + " " + file + " cannot be read: " + e);
    }
  }

  /** The settings these were loaded from. */
  public TlsSettings settings() {
    return settings;
  }

  /** The key managers (this party's certificate), or {@code null} when it presents none. */
  public KeyManagerFactory keyManagers() {
    return keyManagers;
  }

  /** The trust managers (the authorities whose certificates are accepted). */
  public TrustManagerFactory trustManagers() {
    return trustManagers;
  }

  /** An SSL context over both. */
  public SSLContext context() {
    return context;
  }

  /** For a server: whether callers must present a certificate. */
  public boolean needClientCert() {
    return settings.needClientCert();
  }
}
