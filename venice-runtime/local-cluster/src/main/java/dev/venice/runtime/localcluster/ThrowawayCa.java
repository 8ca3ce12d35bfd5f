package dev.venice.runtime.localcluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for one local cluster: it issues the certificates that a
 * secured local cluster's processes and test clients use for mutual TLS on loopback.
 *
 * <p><b>For local testing only, never for production.</b> Its keys are P-256 keys made on the spot,
 * its CA key lies unencrypted in {@code ca-key.pem} next to the certificates, every key store
 * shares one password stored in plain text in {@code password}, and every leaf certificate names
 * only {@code localhost} and {@code 127.0.0.1}. Whoever can read the directory can issue
 * certificates this CA signs.
 *
 * <p>Its directory holds:
 *
 * <ul>
 *   <li>{@code ca.pem}: the CA certificate (PEM);
 *   <li>{@code ca-key.pem}: the CA private key (unencrypted PKCS#8 PEM, owner-only);
 *   <li>{@code truststore.p12}: a PKCS12 trust store holding the CA certificate as the trusted
 *       entry {@value #CA_ALIAS};
 *   <li>{@code password}: the password of every key store here, for the store and for its keys
 *       (owner-only);
 *   <li>for each issued principal {@code p}: {@code p.p12}, {@code p.pem} and {@code p-key.pem},
 *       see {@link #issue}.
 * </ul>
 *
 * <p>"Owner-only" files get permissions {@code rw-------} from their creation on where the file
 * system is POSIX; elsewhere they get the file system's defaults. Instances are safe to use from
 * several threads, and several processes may {@link #open} the same directory to issue identities
 * under different principals.
 */
public final class ThrowawayCa {
  private static final String CA_ALIAS = "venice-local-ca";
  private static final String CA_SUBJECT = "Venice local cluster CA";
  private static final String KEY_STORE_TYPE = "PKCS12";
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final Pattern PRINCIPAL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String PASSWORD_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int PASSWORD_LENGTH = 24;
  // Backdated so that a clock a little behind on another process still accepts a fresh certificate.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration VALIDITY = Duration.ofDays(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final String password;
  private final PrivateKey caKey;
  private final X509Certificate caCertificate;

  private ThrowawayCa(
      Path directory, String password, PrivateKey caKey, X509Certificate caCertificate) {
    this.directory = directory;
    this.password = password;
    this.caKey = caKey;
    this.caCertificate = caCertificate;
  }

  /**
   * A certificate and its private key, issued by {@link #issue}; all paths are in the CA's
   * directory.
   *
   * @param principal the certificate's common name
   * @param groups the certificate's organizational units, in the order given to {@link #issue}
   * @param keyStore the PKCS12 key store with the private key and the chain [leaf, CA] under the
   *     alias {@code principal}, protected by {@link #password()}
   * @param certificatePem the leaf certificate then the CA certificate, PEM
   * @param privateKeyPem the private key, unencrypted PKCS#8 PEM
   */
  public record Identity(
      String principal,
      List<String> groups,
      Path keyStore,
      Path certificatePem,
      Path privateKeyPem) {
    /** Copies {@code groups}, so that a record never changes under its reader. */
    public Identity {
      groups = List.copyOf(groups);
    }
  }

  /**
   * Creates a new CA in {@code dir}: makes the directory (and its parents) if missing, generates an
   * EC P-256 key pair and a self-signed CA certificate ({@code CN=Venice local cluster CA}, valid
   * from one hour ago for 30 days), and writes {@code ca.pem}, {@code ca-key.pem}, {@code
   * truststore.p12} and a new random 24-character alphanumeric {@code password}.
   *
   * @param dir the CA's directory; a CA already in it is replaced, and identities it issued are no
   *     longer trusted by the new trust store
   * @return the new CA, ready to {@link #issue} identities
   * @throws IOException if the directory or a file cannot be written
   * @throws IllegalStateException if the JDK lacks EC P-256, SHA256withECDSA or PKCS12 (every Java
   *     17 JDK has them)
   */
  public static ThrowawayCa create(Path dir) throws IOException {
    Files.createDirectories(dir);
    String password = newPassword();
    KeyPair keys = newKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, CA_SUBJECT).build();
    X509Certificate certificate;
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          newBuilder(subject, subject, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      certificate = sign(builder, keys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }

    ThrowawayCa ca = new ThrowawayCa(dir, password, keys.getPrivate(), certificate);
    writeSecret(ca.passwordFile(), password.getBytes(StandardCharsets.US_ASCII));
    writeSecret(ca.caKeyPem(), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    Files.write(ca.caCertificatePem(), pem(certificate));
    KeyStore trustStore = ca.emptyKeyStore();
    try {
      trustStore.setCertificateEntry(CA_ALIAS, certificate);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot fill the trust store", e);
    }
    ca.store(trustStore, ca.trustStore(), false);
    return ca;
  }

  /**
   * Reopens the CA that {@link #create} made in {@code dir}, for instance from another process, so
   * that it can issue more identities that the same trust store trusts.
   *
   * @param dir the CA's directory
   * @return the CA, with the password, key and certificate read from {@code dir}
   * @throws NoSuchFileException naming the first of {@code password}, {@code ca-key.pem} or {@code
   *     ca.pem} that is missing
   * @throws IOException if a file cannot be read or does not hold what {@link #create} wrote
   */
  public static ThrowawayCa open(Path dir) throws IOException {
    Path passwordFile = dir.resolve("password");
    Path keyFile = dir.resolve("ca-key.pem");
    Path certificateFile = dir.resolve("ca.pem");
    for (Path file : List.of(passwordFile, keyFile, certificateFile)) {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString(), null, "not a throwaway CA directory");
      }
    }
    // strip(): a password file edited by hand may have gained a line end.
    String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
    Object key = readPem(keyFile);
    if (!(key instanceof PrivateKeyInfo)) {
      throw new IOException(keyFile + ": not a PKCS#8 private key");
    }
    Object certificate = readPem(certificateFile);
    if (!(certificate instanceof X509CertificateHolder)) {
      throw new IOException(certificateFile + ": not a certificate");
    }
    try {
      return new ThrowawayCa(
          dir,
          password,
          new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) key),
          new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certificate));
    } catch (CertificateException e) {
      throw new IOException(certificateFile + ": not a usable certificate", e);
    }
  }

  /**
   * Issues a new identity signed by this CA: an EC P-256 key and a certificate for TLS servers and
   * clients alike (extended key usages serverAuth and clientAuth; subject alternative names {@code
   * DNS:localhost} and {@code IP:127.0.0.1}; valid from one hour ago for 30 days). Its subject is
   * {@code CN=<principal>} with one {@code OU=<group>} per group, so that {@link
   * javax.security.auth.x500.X500Principal#getName()} reads {@code CN=alice,OU=g1,OU=g2} for {@code
   * issue("alice", List.of("g1", "g2"))}.
   *
   * <p>Writes {@code <principal>.p12} (the key and the chain [leaf, CA] under the alias {@code
   * principal}, store and key protected by {@link #password()}), {@code <principal>.pem} (leaf then
   * CA) and {@code <principal>-key.pem} (unencrypted PKCS#8), replacing an earlier identity of the
   * same principal. The two files with the private key are owner-only.
   *
   * @param principal the common name; it must match {@code [a-z0-9][a-z0-9._-]{0,63}}, which also
   *     keeps it a safe file name
   * @param groups the organizational units, none blank
   * @return where the identity's files are
   * @throws IllegalArgumentException if the principal does not match or a group is blank
   * @throws IOException if a file cannot be written
   * @throws IllegalStateException if the JDK lacks EC P-256, SHA256withECDSA or PKCS12
   */
  public Identity issue(String principal, List<String> groups) throws IOException {
    if (principal == null || !PRINCIPAL.matcher(principal).matches()) {
      throw new IllegalArgumentException(
          "principal '" + principal + "' does not match " + PRINCIPAL.pattern());
    }
    List<String> units = List.copyOf(groups);
    for (String group : units) {
      if (group.isBlank()) {
        throw new IllegalArgumentException("blank group for principal '" + principal + "'");
      }
    }
    // X.500 names list their RDNs from the most general to the most specific, and Java prints
    // them the other way round: the groups go in reversed, then the CN, for the printed name to
    // read CN first and the groups in the order given.
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    List<String> reversed = new ArrayList<>(units);
    Collections.reverse(reversed);
    for (String group : reversed) {
      subject.addRDN(BCStyle.OU, group);
    }
    subject.addRDN(BCStyle.CN, principal);

    KeyPair keys = newKeyPair();
    X509Certificate certificate;
    KeyStore keyStore = emptyKeyStore();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          newBuilder(
                  X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                  subject.build(),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(
                      new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                      }))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(caCertificate.getPublicKey()));
      certificate = sign(builder, caKey);
      keyStore.setKeyEntry(
          principal,
          keys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {certificate, caCertificate});
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for '" + principal + "'", e);
    }

    Identity identity =
        new Identity(
            principal,
            units,
            directory.resolve(principal + ".p12"),
            directory.resolve(principal + ".pem"),
            directory.resolve(principal + "-key.pem"));
    writeSecret(identity.privateKeyPem(), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    store(keyStore, identity.keyStore(), true);
    Files.write(identity.certificatePem(), pem(certificate, caCertificate));
    return identity;
  }

  /** The CA's directory, where every file of it and of its identities is. */
  public Path directory() {
    return directory;
  }

  /** {@code truststore.p12}: the PKCS12 trust store with the CA certificate, under the password. */
  public Path trustStore() {
    return directory.resolve("truststore.p12");
  }

  /** {@code ca.pem}: the CA certificate in PEM, for tools that take a PEM trust bundle. */
  public Path caCertificatePem() {
    return directory.resolve("ca.pem");
  }

  /** The password of the trust store, every key store and their keys (file {@code password}). */
  public String password() {
    return password;
  }

  /** {@code PKCS12}: the type of every store here, for {@link KeyStore#getInstance}. */
  public static String keyStoreType() {
    return KEY_STORE_TYPE;
  }

  private Path passwordFile() {
    return directory.resolve("password");
  }

  private Path caKeyPem() {
    return directory.resolve("ca-key.pem");
  }

  private static String newPassword() {
    StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
    }
    return password.toString();
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make EC P-256 keys", e);
    }
  }

  private static X509v3CertificateBuilder newBuilder(
      X500Name issuer, X500Name subject, PublicKey publicKey) {
    Instant now = Instant.now();
    // Bit 127 set: the serial is positive, never zero, and always 128 bits long.
    BigInteger serial = new BigInteger(128, RANDOM).setBit(127);
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial,
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(VALIDITY)),
        subject,
        publicKey);
  }

  /** Signs with the JDK's own providers: no BouncyCastle provider is registered or needed. */
  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws CertificateException {
    ContentSigner contentSigner;
    try {
      contentSigner = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("the JDK cannot sign with " + SIGNATURE_ALGORITHM, e);
    }
    return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
  }

  private KeyStore emptyKeyStore() throws IOException {
    try {
      KeyStore store = KeyStore.getInstance(KEY_STORE_TYPE);
      store.load(null, null);
      return store;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + KEY_STORE_TYPE + " key store", e);
    }
  }

  private void store(KeyStore store, Path file, boolean secret) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      store.store(bytes, password.toCharArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the " + KEY_STORE_TYPE + " store " + file, e);
    }
    if (secret) {
      writeSecret(file, bytes.toByteArray());
    } else {
      Files.write(file, bytes.toByteArray());
    }
  }

  private static byte[] pem(Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static Object readPem(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      return parser.readObject();
    }
  }

  /**
   * Writes a file that holds a secret: the bytes go into a new file in the same directory that is
   * owner-only from its creation on (POSIX), which then replaces {@code file} in one rename, so the
   * secret is never readable by others, not even for a moment, and a reader in another process
   * never sees half a file.
   */
  private static void writeSecret(Path file, byte[] content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    FileAttribute<?>[] ownerOnly =
        directory.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", ownerOnly);
    try {
      Files.write(temporary, content);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
