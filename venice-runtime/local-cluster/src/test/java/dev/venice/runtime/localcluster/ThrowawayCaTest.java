package dev.venice.runtime.localcluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.localcluster.ThrowawayCa.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrowawayCaTest {
  private static final int TIMEOUT_SECONDS = 30;
  private static final String TLS_13 = "TLSv1.3";

  @TempDir Path dir;

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void createsTheCaAndIssuesIdentitiesItsCertificateVerifies() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create(dir.resolve("nested/ca"));
    Identity alice = ca.issue("alice", List.of("readers", "writers"));
    Identity server = ca.issue("server-1", List.of());

    assertTrue(ca.password().matches("[A-Za-z0-9]{24}"), ca.password());
    assertEquals(ca.password(), Files.readString(ca.directory().resolve("password")));
    KeyStore trustStore = load(ca.trustStore(), ca.password());
    assertEquals(List.of("venice-local-ca"), Collections.list(trustStore.aliases()));
    assertTrue(trustStore.isCertificateEntry("venice-local-ca"));
    X509Certificate caCertificate = (X509Certificate) trustStore.getCertificate("venice-local-ca");
    assertEquals(caCertificate, readCertificates(ca.caCertificatePem()).get(0));
    assertEquals("CN=Venice local cluster CA", caCertificate.getSubjectX500Principal().getName());
    assertTrue(caCertificate.getBasicConstraints() >= 0, "a CA certificate");
    caCertificate.verify(caCertificate.getPublicKey());
    assertTrue(caCertificate.getSerialNumber().signum() > 0);
    assertEquals(128, caCertificate.getSerialNumber().bitLength());

    for (Identity identity : List.of(alice, server)) {
      KeyStore keyStore = load(identity.keyStore(), ca.password());
      Certificate[] chain = keyStore.getCertificateChain(identity.principal());
      assertEquals(2, chain.length);
      assertTrue(keyStore.isKeyEntry(identity.principal()));
      assertEquals(
          "EC", keyStore.getKey(identity.principal(), ca.password().toCharArray()).getAlgorithm());
      X509Certificate leaf = (X509Certificate) chain[0];
      assertEquals(caCertificate, chain[1]);
      leaf.verify(caCertificate.getPublicKey());
      assertEquals(-1, leaf.getBasicConstraints(), "not a CA certificate");
      assertTrue(
          leaf.getSubjectAlternativeNames().contains(List.of(7, "127.0.0.1")),
          String.valueOf(leaf.getSubjectAlternativeNames()));
      assertTrue(leaf.getSubjectAlternativeNames().contains(List.of(2, "localhost")));
      assertTrue(
          leaf.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
          "serverAuth and clientAuth");
      assertArrayEquals(chain, readCertificates(identity.certificatePem()).toArray());
      assertTrue(
          Files.readString(identity.privateKeyPem(), StandardCharsets.US_ASCII)
              .startsWith("-----BEGIN PRIVATE KEY-----"));
    }
    X509Certificate aliceLeaf = (X509Certificate) readCertificates(alice.certificatePem()).get(0);
    assertEquals("CN=alice,OU=readers,OU=writers", aliceLeaf.getSubjectX500Principal().getName());
    assertEquals(List.of("readers", "writers"), alice.groups());
    assertEquals(
        "CN=server-1",
        ((X509Certificate) readCertificates(server.certificatePem()).get(0))
            .getSubjectX500Principal()
            .getName());

    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      for (Path secret :
          List.of(
              ca.directory().resolve("password"),
              ca.directory().resolve("ca-key.pem"),
              alice.privateKeyPem(),
              alice.keyStore())) {
        assertEquals(
            "rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)),
            secret.toString());
      }
    }
  }

  @Test
  void mutualTlsOnLoopbackWithIssuedIdentities() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create(dir);
    Identity server = ca.issue("server-1", List.of());
    Identity client = ca.issue("alice", List.of("readers"));

    try (SSLServerSocket listener = listen(context(ca, server))) {
      Future<String> peer =
          executor.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
                  assertEquals(42, socket.getInputStream().read());
                  return socket.getSession().getPeerPrincipal().getName();
                }
              });
      try (SSLSocket socket = connect(context(ca, client), listener.getLocalPort())) {
        socket.startHandshake();
        assertEquals(TLS_13, socket.getSession().getProtocol());
        assertEquals("CN=server-1", socket.getSession().getPeerPrincipal().getName());
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();
      }
      // Only after the client's close: closing a TLS 1.3 socket waits for the peer's close_notify.
      assertEquals("CN=alice,OU=readers", peer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create(dir);
    Identity server = ca.issue("server-1", List.of());

    try (SSLServerSocket listener = listen(context(ca, server))) {
      Future<Integer> served =
          executor.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
                  return socket.getInputStream().read();
                }
              });
      try (SSLSocket socket = connect(context(ca, null), listener.getLocalPort())) {
        // In TLS 1.3 the client finishes its handshake before the server has checked its (empty)
        // certificate, so the refusal reaches the client only at its next read.
        assertThrows(
            IOException.class,
            () -> {
              socket.startHandshake();
              socket.getOutputStream().write(42);
              socket.getOutputStream().flush();
              socket.getInputStream().read();
            });
      }
      ExecutionException refused =
          assertThrows(
              ExecutionException.class, () -> served.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      assertInstanceOf(SSLException.class, refused.getCause());
    }
  }

  @Test
  void aReopenedCaIssuesIdentitiesTheOriginalTrustStoreTrusts() throws Exception {
    ThrowawayCa original = ThrowawayCa.create(dir);
    ThrowawayCa reopened = ThrowawayCa.open(dir);
    assertEquals(original.password(), reopened.password());
    assertEquals(original.trustStore(), reopened.trustStore());

    Identity bob = reopened.issue("bob", List.of("ops"));
    KeyStore keyStore = load(bob.keyStore(), original.password());
    Certificate[] chain = keyStore.getCertificateChain("bob");
    X509Certificate[] x509Chain = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      x509Chain[i] = (X509Certificate) chain[i];
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(original.trustStore(), original.password()));
    X509TrustManager trustManager = (X509TrustManager) trust.getTrustManagers()[0];
    trustManager.checkClientTrusted(x509Chain, "EC");
    trustManager.checkServerTrusted(x509Chain, "ECDHE_ECDSA");
  }

  @Test
  void openNamesTheMissingFile() throws Exception {
    ThrowawayCa.create(dir);
    Files.delete(dir.resolve("ca-key.pem"));
    NoSuchFileException missing =
        assertThrows(NoSuchFileException.class, () -> ThrowawayCa.open(dir));
    assertEquals(dir.resolve("ca-key.pem").toString(), missing.getFile());
  }

  @Test
  void rejectsABadPrincipalName() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create(dir);
    for (String bad : List.of("", "Alice", "-alice", "../etc", "a b", "a".repeat(65))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ca.issue(bad, List.of()));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertEquals("a".repeat(64), ca.issue("a".repeat(64), List.of()).principal());
  }

  private static SSLServerSocket listen(SSLContext context) throws IOException {
    SSLServerSocket listener =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    listener.setNeedClientAuth(true);
    listener.setEnabledProtocols(new String[] {TLS_13});
    listener.setSoTimeout(TIMEOUT_SECONDS * 1000);
    return listener;
  }

  /** A client that also checks the server's certificate names 127.0.0.1, as HTTPS clients do. */
  private static SSLSocket connect(SSLContext context, int port) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(TIMEOUT_SECONDS * 1000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setProtocols(new String[] {TLS_13});
    socket.setSSLParameters(parameters);
    return socket;
  }

  /** An SSL context trusting the CA, with {@code identity}'s key if not null. */
  private static SSLContext context(ThrowawayCa ca, Identity identity) throws Exception {
    KeyManager[] keyManagers = null;
    if (identity != null) {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(identity.keyStore(), ca.password()), ca.password().toCharArray());
      keyManagers = keys.getKeyManagers();
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(ca.trustStore(), ca.password()));
    SSLContext context = SSLContext.getInstance(TLS_13);
    context.init(keyManagers, trust.getTrustManagers(), null);
    return context;
  }

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance(ThrowawayCa.keyStoreType());
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private static List<? extends Certificate> readCertificates(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }
}
