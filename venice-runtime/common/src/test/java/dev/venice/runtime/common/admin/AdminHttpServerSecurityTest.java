package dev.venice.runtime.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginJars;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.process.ProcessHost;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.security.AccessLevel;
import java.io.IOException;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port with {@code ssl.enabled}: key material made by the JDK's own {@code keytool}
 * (self-signed EC certificates, each trusted directly), a plugin jar adding an authorizer, a token
 * authenticator and a denial listener. Checks the principal of a client certificate and of a bearer
 * token, that {@code X-Venice-Principal} is ignored, that a denied mutation never runs and is a 403
 * naming the operation and resource, that a caller without a certificate cannot connect, TLS 1.3,
 * and that bad key material is a startup error naming the key and the file.
 */
public class AdminHttpServerSecurityTest {
  /** Denials the plugin's listener heard, as "principal operation resource". */
  public static final List<String> DENIALS = new CopyOnWriteArrayList<>();
  private static final String PASSWORD = "changeit";
  private static final String PLUGIN = """
      package fixture.security;

      import dev.venice.runtime.common.admin.AdminHttpServerSecurityTest;
      import dev.venice.spi.plugin.*;
      import dev.venice.spi.security.*;
      import java.util.Optional;
      import java.util.Set;

      public final class GatePlugin implements VenicePlugin {
        public PluginDescriptor descriptor() {
          return new PluginDescriptor("gate", "1.0.0", "[1.9,2.0)", "allows admins only",
              Set.of(ProcessKind.SERVER));
        }

        public void start(PluginContext context, Extensions extensions) {
          extensions.addAuthorizer(request -> request.principal().groups().contains("admins")
                  || request.level() == AccessLevel.READ
              ? AccessDecision.ALLOW : AccessDecision.deny("not an admin: secret reason"));
          extensions.addTokenAuthenticator(token -> {
            if (token.equals("forged")) {
              throw new SecurityException("bad signature");
            }
            return token.equals("good") ? Optional.of(Principal.authenticated("bob",
                Set.of("admins"))) : Optional.empty();
          });
          extensions.addAccessDenialListener(denial -> AdminHttpServerSecurityTest.DENIALS.add(
              denial.request().principal().name() + " " + denial.request().operation() + " "
                  + denial.request().resource()));
        }

        public void stop() {}
      }
      """;

  @TempDir static Path dir;
  private static final ProcessMetrics METRICS = new ProcessMetrics();
  private static final AtomicInteger MUTATIONS = new AtomicInteger();
  private static URLClassLoader classPath;
  private static PluginManager manager;
  private static AdminHttpServer server;
  private static Path trustStore;

  @BeforeAll
  static void start() throws Exception {
    trustStore = dir.resolve("trust.p12");
    for (String[] party : new String[][] {{"server", "CN=server-1,OU=processes"},
        {"alice", "CN=alice,OU=readers"}}) {
      keytool("-genkeypair", "-alias", party[0], "-keyalg", "EC", "-groupname", "secp256r1",
          "-dname", party[1], "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
          "-keystore", dir.resolve(party[0] + ".p12").toString(), "-storepass", PASSWORD);
      keytool("-exportcert", "-alias", party[0], "-keystore",
          dir.resolve(party[0] + ".p12").toString(), "-storepass", PASSWORD, "-file",
          dir.resolve(party[0] + ".crt").toString());
      keytool("-importcert", "-noprompt", "-alias", party[0], "-file",
          dir.resolve(party[0] + ".crt").toString(), "-storetype", "PKCS12", "-keystore",
          trustStore.toString(), "-storepass", PASSWORD);
    }
    Path jar = dir.resolve("gate.jar");
    PluginJars.compiledPlugin(jar, Map.of("fixture.security.GatePlugin", PLUGIN), List.of(),
        "fixture.security.GatePlugin");
    classPath = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
        AdminHttpServerSecurityTest.class.getClassLoader());
    manager = PluginManager.builder(BasicHostServices.minimal("server", "s1", "test"))
        .classPath(classPath).meterRegistry(METRICS.registry())
        .config(Map.of("plugins.gate.enabled", "true")).build().start();
    Tls tls = Tls.load(new TlsSettings(dir.resolve("server.p12"), PASSWORD, "PKCS12", null,
        trustStore, PASSWORD, "PKCS12", false));
    server = AdminHttpServer.builder("server", manager, METRICS.registry()).tls(tls)
        .cluster("c1")
        .route("GET", "/whoami", request -> AdminResponse.ok(Map.of(
            "name", request.principal().name(), "groups", request.principal().groups(),
            "authenticated", request.principal().authenticated())))
        .route("POST", "/stores/{store}/things", request -> {
          MUTATIONS.incrementAndGet();
          return AdminResponse.ok(Map.of("done", true));
        })
        .route("POST", "/stores/{store}/reads", request -> AdminResponse.ok(Map.of()))
        .access("POST", "/stores/{store}/reads", AccessLevel.READ)
        .start();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    manager.close();
    METRICS.close();
    classPath.close();
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), "keytool " + args[0] + ": " + output);
  }

  /** A client presenting {@code keyStore} (or nothing) and trusting the test's trust store. */
  private static HttpClient client(String keyStore) {
    return HttpClient.newBuilder().sslContext(Tls.load(TlsSettings.client(
        keyStore == null ? null : dir.resolve(keyStore + ".p12"), trustStore, PASSWORD))
        .context()).build();
  }

  private static HttpResponse<String> send(HttpClient client, String method, String path,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return AdminHttpServer.JSON.readTree(response.body());
  }

  @Test
  void theClientCertificateNamesThePrincipalAndTheClaimedHeaderIsIgnored() throws Exception {
    assertTrue(server.url().startsWith("https://"), server.url());
    HttpResponse<String> answer = send(client("alice"), "GET", "/whoami",
        Map.of("X-Venice-Principal", "root"));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("alice", json(answer).path("name").asText());
    assertEquals("readers", json(answer).path("groups").get(0).asText());
    assertTrue(json(answer).path("authenticated").asBoolean());
    assertEquals("authenticated; authorized",
        send(client("alice"), "GET", "/plugins", Map.of()).headers()
            .firstValue(AdminHttpServer.SECURITY_HEADER).orElseThrow());
  }

  @Test
  void aDeniedMutationNeverRunsAndIsA403NamingTheOperationAndResource() throws Exception {
    int before = MUTATIONS.get();
    HttpResponse<String> denied = send(client("alice"), "POST", "/stores/orders/things",
        Map.of("X-Venice-Principal", "bob"));
    assertEquals(403, denied.statusCode(), denied.body());
    assertEquals("PERMISSION_DENIED", json(denied).path("errorType").asText());
    assertEquals("permission denied: alice may not POST /stores/{store}/things on store orders",
        json(denied).path("error").asText());
    assertEquals(before, MUTATIONS.get(), "the denied mutation ran");
    assertTrue(DENIALS.contains("alice POST /stores/{store}/things store orders"), DENIALS.toString());
    // a route declared READ is allowed to a reader
    assertEquals(200, send(client("alice"), "POST", "/stores/orders/reads", Map.of())
        .statusCode());
    // an admin by token may mutate
    HttpResponse<String> allowed = send(client(null), "POST", "/stores/orders/things",
        Map.of("Authorization", "Bearer good"));
    assertEquals(200, allowed.statusCode(), allowed.body());
    assertEquals(before + 1, MUTATIONS.get());
  }

  @Test
  void aBearerTokenNamesThePrincipalAndABadOneIsA401() throws Exception {
    HttpResponse<String> bob = send(client(null), "GET", "/whoami",
        Map.of("Authorization", "Bearer good"));
    assertEquals("bob", json(bob).path("name").asText(), bob.body());
    for (String token : List.of("forged", "unknown")) {
      HttpResponse<String> refused = send(client(null), "GET", "/whoami",
          Map.of("Authorization", "Bearer " + token));
      assertEquals(401, refused.statusCode(), refused.body());
      assertEquals("UNAUTHENTICATED", json(refused).path("errorType").asText());
      assertEquals("Bearer", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
    }
    // an anonymous caller reaches the liveness probe and nothing else
    HttpResponse<String> nobody = send(client(null), "GET", "/whoami", Map.of());
    assertEquals(401, nobody.statusCode(), nobody.body());
    assertEquals(200, send(client(null), "GET", "/health", Map.of()).statusCode());
  }

  @Test
  void theServerSpeaksTls13AndPlainHttpGetsNoAnswer() throws Exception {
    URI url = URI.create(server.url());
    try (SSLSocket socket = (SSLSocket) Tls.load(TlsSettings.client(
        dir.resolve("alice.p12"), trustStore, PASSWORD)).context().getSocketFactory()
        .createSocket(url.getHost(), url.getPort())) {
      socket.startHandshake();
      assertEquals("TLSv1.3", socket.getSession().getProtocol());
    }
    HttpClient plain = HttpClient.newHttpClient();
    try {
      HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create(
          server.url().replace("https:", "http:") + "/whoami")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(answer.statusCode() >= 400, "plain HTTP answered " + answer.statusCode());
    } catch (IOException refused) {
      // the connection was closed: no answer at all is fine too
    }
  }

  @Test
  void aRequiredClientCertificateKeepsOutACallerWithoutOne() throws Exception {
    Tls required = Tls.load(new TlsSettings(dir.resolve("server.p12"), PASSWORD, "PKCS12", null,
        trustStore, PASSWORD, "PKCS12", true));
    try (AdminHttpServer strict = AdminHttpServer.builder("server", manager, METRICS.registry())
        .tls(required).start()) {
      HttpRequest health = HttpRequest.newBuilder(URI.create(strict.url() + "/health")).build();
      assertThrows(IOException.class,
          () -> client(null).send(health, HttpResponse.BodyHandlers.ofString()));
      assertEquals(200, client("alice").send(health, HttpResponse.BodyHandlers.ofString())
          .statusCode());
    }
  }

  @Test
  void badKeyMaterialIsAnErrorNamingTheKeyAndTheFile() throws Exception {
    Path missing = dir.resolve("missing.p12");
    ConfigException noFile = assertThrows(ConfigException.class, () -> Tls.load(
        TlsSettings.client(missing, trustStore, PASSWORD)));
    assertEquals("ssl.keystore.location", noFile.key());
    assertTrue(noFile.getMessage().contains(missing + " does not exist"), noFile.getMessage());

    ConfigException wrongPassword = assertThrows(ConfigException.class, () -> Tls.load(
        TlsSettings.client(dir.resolve("alice.p12"), trustStore, "wrong")));
    assertTrue(wrongPassword.getMessage().contains("alice.p12 cannot be read: wrong password"),
        wrongPassword.getMessage());

    Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
    ConfigException notAStore = assertThrows(ConfigException.class, () -> Tls.load(
        TlsSettings.client(null, garbage, PASSWORD)));
    assertEquals("ssl.truststore.location", notAStore.key());
    assertTrue(notAStore.getMessage().contains("garbage.p12 cannot be read"),
        notAStore.getMessage());

    ConfigException noKey = assertThrows(ConfigException.class, () -> Tls.load(
        TlsSettings.client(trustStore, trustStore, PASSWORD)));
    assertTrue(noKey.getMessage().contains("holds no private key"), noKey.getMessage());
  }

  @Test
  void withoutAnAuthorizerOnlyAuthenticatedCallersGetInAndAProcessRefusesToStart()
      throws Exception {
    Tls tls = Tls.load(new TlsSettings(dir.resolve("server.p12"), PASSWORD, "PKCS12", null,
        trustStore, PASSWORD, "PKCS12", false));
    try (PluginManager none = PluginManager.builder(BasicHostServices.minimal("server", "s2",
            "test")).meterRegistry(METRICS.registry()).build().start();
        AdminHttpServer open = AdminHttpServer.builder("server", none, METRICS.registry())
            .tls(tls).route("POST", "/stores/{store}/things", request -> AdminResponse.ok(
                Map.of("by", request.principal().name()))).start()) {
      HttpRequest mutation = HttpRequest.newBuilder(URI.create(open.url() + "/stores/s/things"))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<String> anonymous = client(null).send(mutation,
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      assertEquals("UNAUTHENTICATED", json(anonymous).path("errorType").asText());
      HttpResponse<String> alice = client("alice").send(mutation,
          HttpResponse.BodyHandlers.ofString());
      assertEquals("alice", json(alice).path("by").asText(), alice.body());
    }
    Map<String, String> secured = Map.of("ssl.enabled", "true",
        "ssl.keystore.location", dir.resolve("server.p12").toString(),
        "ssl.keystore.password", PASSWORD, "ssl.truststore.location", trustStore.toString(),
        "ssl.truststore.password", PASSWORD);
    ProcessHost host = new ProcessHost(ProcessKind.SERVER, ProcessConfig.of("server",
        ProcessKeys.EVERY_PROCESS, Set.of(), secured), new ProcessMetrics());
    try {
      ConfigException refused = assertThrows(ConfigException.class,
          () -> host.startPlugins(BasicHostServices.minimal("server", "s3", "test"),
              getClass().getClassLoader(), id -> null));
      assertEquals("security.authorizer.required", refused.key());
      assertTrue(refused.getMessage().contains("no plugin authorizes"), refused.getMessage());
    } finally {
      host.close();
    }
    Map<String, String> noTrustStore = new HashMap<>(secured);
    noTrustStore.remove("ssl.truststore.location");
    ConfigException untrusted = assertThrows(ConfigException.class, () -> new ProcessHost(
        ProcessKind.SERVER, ProcessConfig.of("server", ProcessKeys.EVERY_PROCESS, Set.of(),
            noTrustStore), new ProcessMetrics()));
    assertEquals("ssl.truststore.location", untrusted.key());
  }

  @Test
  void pemFilesAsOpensslWritesThemServeAsKeyAndTrustStores() throws Exception {
    // alice's key and chain as OpenSSL exports them (bag attributes between the blocks), and the
    // trusted certificates in RFC 7468 text, as keytool writes them
    Path alicePem = dir.resolve("alice.pem");
    Process openssl = new ProcessBuilder("openssl", "pkcs12", "-in",
        dir.resolve("alice.p12").toString(), "-nodes", "-passin", "pass:" + PASSWORD, "-out",
        alicePem.toString()).redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertEquals(0, openssl.waitFor(), "openssl pkcs12: " + output);
    Path trustedPem = dir.resolve("trusted.pem");
    StringBuilder trusted = new StringBuilder();
    for (String party : List.of("server", "alice")) {
      Path pem = dir.resolve(party + "-cert.pem");
      keytool("-exportcert", "-rfc", "-alias", party, "-keystore",
          dir.resolve(party + ".p12").toString(), "-storepass", PASSWORD, "-file", pem.toString());
      trusted.append(Files.readString(pem));
    }
    Files.writeString(trustedPem, trusted);
    Tls pem = Tls.load(new TlsSettings(alicePem, "", "PEM", null, trustedPem, "", "PEM", false));
    HttpResponse<String> answer = HttpClient.newBuilder().sslContext(pem.context()).build().send(
        HttpRequest.newBuilder(URI.create(server.url() + "/whoami")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("alice", json(answer).path("name").asText(), answer.body());

    ConfigException noKey = assertThrows(ConfigException.class, () -> Tls.load(
        new TlsSettings(trustedPem, "", "PEM", null, trustedPem, "", "PEM", false)));
    assertEquals("ssl.keystore.location", noKey.key());
    assertTrue(noKey.getMessage().contains("must hold one PKCS#8 PRIVATE KEY block"),
        noKey.getMessage());
  }
}
