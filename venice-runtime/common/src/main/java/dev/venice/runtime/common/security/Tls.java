package dev.venice.runtime.common.security;

import dev.venice.spi.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material loaded from {@link TlsSettings}, once, at start: a process's or client's key
 * managers (its certificate), trust managers (whom it trusts) and the {@link SSLContext} over both
 * (TLS 1.3 and 1.2, the JDK's defaults). Immutable and thread-safe.
 */
public final class Tls {
  /** The key and trust store type read from PEM files ({@link #readPem}). */
  public static final String PEM = "PEM";
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
        String keyPassword = settings.keyPassword() != null ? settings.keyPassword()
            : settings.keyStorePassword();
        // a PEM file has no store password: its key is kept under the key's password
        KeyStore keys = read(TlsSettings.KEYSTORE_LOCATION.name(), settings.keyStore(),
            settings.keyStoreType(), settings.keyStoreType().equalsIgnoreCase(PEM) ? keyPassword
                : settings.keyStorePassword());
        if (Collections.list(keys.aliases()).stream().noneMatch(a -> isKey(keys, a))) {
          throw new ConfigException(TlsSettings.KEYSTORE_LOCATION.name(),
              TlsSettings.KEYSTORE_LOCATION.name() + " " + settings.keyStore()
              + " holds no private key with a certificate chain");
        }
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
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
    if (type.equalsIgnoreCase(PEM)) {
      return readPem(key, file, password);
    }
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, key + " " + file + ": unknown key store type " + type
          + " (PKCS12, JKS or PEM)");
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

  /**
   * A PEM file as a key store, as Kafka reads {@code ssl.keystore.type=PEM}: a key store file holds
   * an unencrypted PKCS#8 {@code PRIVATE KEY} block (RSA or EC) and its certificate chain ({@code
   * CERTIFICATE} blocks, leaf first); a trust store file holds {@code CERTIFICATE} blocks only.
   * Other blocks and text between them (OpenSSL's bag attributes) are skipped.
   */
  private static KeyStore readPem(String key, Path file, String password) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, key + " " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException(key, key + " " + file + " cannot be read: " + e.getMessage());
    }
    try {
      List<Certificate> chain = new ArrayList<>();
      CertificateFactory certificates = CertificateFactory.getInstance("X.509");
      for (byte[] der : pemBlocks(text, "CERTIFICATE")) {
        chain.add(certificates.generateCertificate(new ByteArrayInputStream(der)));
      }
      if (chain.isEmpty()) {
        throw new ConfigException(key, key + " " + file + " (PEM) holds no CERTIFICATE block");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      boolean keyStore = key.equals(TlsSettings.KEYSTORE_LOCATION.name());
      if (!keyStore) {
        for (int i = 0; i < chain.size(); i++) {
          store.setCertificateEntry("ca-" + i, chain.get(i));
        }
        return store;
      }
      if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        throw new ConfigException(key, key + " " + file + " (PEM) holds an encrypted private"
            + " key: only an unencrypted PKCS#8 PRIVATE KEY block is read (protect the file)");
      }
      List<byte[]> keys = pemBlocks(text, "PRIVATE KEY");
      if (keys.size() != 1) {
        throw new ConfigException(key, key + " " + file + " (PEM) must hold one PKCS#8 PRIVATE KEY"
            + " block with its CERTIFICATE chain; it holds " + keys.size());
      }
      store.setKeyEntry("key", privateKey(key, file, keys.get(0)), password.toCharArray(),
          chain.toArray(Certificate[]::new));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(key, key + " " + file + " (PEM) cannot be read: " + e);
    }
  }

  /** The DER bytes of every {@code -----BEGIN <label>-----} block of {@code text}, in order. */
  private static List<byte[]> pemBlocks(String text, String label) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher block = Pattern.compile("-----BEGIN " + label + "-----([A-Za-z0-9+/=\\s]*)-----END "
        + label + "-----").matcher(text);
    while (block.find()) {
      blocks.add(Base64.getMimeDecoder().decode(block.group(1)));
    }
    return blocks;
  }

  private static PrivateKey privateKey(String key, Path file, byte[] pkcs8)
      throws GeneralSecurityException {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (InvalidKeySpecException notThisAlgorithm) {
        // the next one may read it
      }
    }
    throw new ConfigException(key, key + " " + file + " (PEM): the PRIVATE KEY is neither an RSA"
        + " nor an EC key");
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
