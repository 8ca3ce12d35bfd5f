package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.ThrowawayCa;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.VeniceClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * A secured local cluster ({@code LocalCluster.Builder.secure()}: TLS with client certificates on
 * every admin and gRPC port, the {@code acl-authorizer} plugin on every process, the audit log on
 * every process), checked from the outside: a caller without a certificate cannot connect; a
 * principal with read on store A reads A and is denied B, at the router and at the server; a
 * principal without admin cannot create or delete a store whatever {@code X-Venice-Principal} it
 * sends, the administrator can; {@code openssl s_client} sees TLS 1.3 with the controller's
 * certificate; {@code kcat} reads each decision from the audit topic with the certificate's
 * principal. It also runs the admin fuzz test ({@link AdminApiFuzzTest}) as a principal without
 * admin rights forging the administrator's header, with valid requests among the malformed ones:
 * every one is refused and nothing changes.
 */
class SecureClusterTest extends AdminApiFuzzTest {
  private static final String STORE_A = "secure-a";
  private static final String STORE_B = "secure-b";
  private static final int RECORDS = 20;
  private static final String ACL = "/plugins/acl-authorizer/acls";
  /** The fuzzer's principal: it holds no grant (its valid requests must be a 403 each). */
  private static final String FUZZER = "fuzzer";

  private TlsSettings fuzzerTls;

  @Override
  LocalCluster.Builder clusterBuilder() {
    LocalCluster.Builder builder = super.clusterBuilder().secure();
    // the plugins as the distribution lays them out, as production loads them
    for (String key : List.of("plugin.dir=" + System.getProperty("controller.plugin.dir"),
        "plugins.acl-authorizer.enabled=true",
        // only the ZooKeeper watch can bring a grant within the tests' waits
        "plugins.acl-authorizer.refresh-interval=1h",
        "plugins.acl-authorizer.super-groups=" + LocalCluster.PROCESS_GROUP + ","
            + LocalCluster.ADMIN_GROUP,
        "plugins.audit-log.enabled=true")) {
      String[] pair = key.split("=", 2);
      builder.controllerConfig(pair[0], pair[1]).serverConfig(pair[0], pair[1])
          .routerConfig(pair[0], pair[1]);
    }
    return builder;
  }

  @Override
  RawHttp fuzzer(String baseUrl) {
    try {
      if (fuzzerTls == null) {
        fuzzerTls = cluster.issue(FUZZER, List.of("fuzzers"));
      }
      return new RawHttp(baseUrl, Duration.ofSeconds(30), Tls.load(fuzzerTls).context(),
          LocalCluster.ADMIN_PRINCIPAL);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  int requestCount() {
    return Integer.getInteger("fuzz.secure.requests", 600);
  }

  @Override
  boolean sendsValidRequests() {
    return true;
  }

  @Override
  StoreClient<Object, Object> reader() {
    return VeniceClients.builder(cluster.routerUrl(), "fuzzed").tls(adminSettings()).thin();
  }

  private TlsSettings adminSettings() {
    return cluster.adminTls().orElseThrow().settings();
  }

  private void grantRead(String principal, String store) {
    admin.send("POST", ACL + "/grant", Map.of("subject", "user:" + principal,
        "resource", "store:" + store, "access", "READ"));
  }

  private void pushUsers(String store) throws Exception {
    admin.createStore(store, Schemas.KEY, Schemas.USER_V1, 1, 1);
    PushJob.create(admin, store, Data.userLines(dir.resolve(store + ".jsonl"), "k", RECORDS, 0))
        .run();
    cluster.awaitRoutable(store, WAIT);
  }

  @Test
  void aCallerWithoutACertificateCannotConnectToAdminOrGrpcPorts() throws Exception {
    ThrowawayCa ca = cluster.certificateAuthority().orElseThrow();
    Tls trustOnly = Tls.load(TlsSettings.client(null, ca.trustStore(), ca.password()));
    HttpClient http = HttpClient.newBuilder().sslContext(trustOnly.context())
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (String url : List.of(cluster.controllerUrl(), cluster.routerUrl(),
        cluster.servers().get(0).adminUrl())) {
      assertTrue(url.startsWith("https://"), url);
      assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(
          URI.create(url + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()), url + " answered a caller without certificate");
      // plain HTTP on the TLS port is no way around it either
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String plainUrl = url.replace("https://", "http://") + "/health";
      try {
        HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create(plainUrl))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() >= 400, plainUrl + " answered " + answer.statusCode());
      } catch (IOException refused) {
        // Jetty closes a connection that does not start with a TLS handshake: refused too
      }
    }
    // the administrator's certificate is accepted on the same ports
    HttpClient withCertificate = HttpClient.newBuilder()
        .sslContext(cluster.adminTls().orElseThrow().context()).build();
    assertEquals(200, withCertificate.send(HttpRequest.newBuilder(
        URI.create(cluster.controllerUrl() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    List<Integer> grpcPorts = List.of(cluster.routers().get(0).grpcPort(),
        cluster.servers().get(0).grpcPort());
    try (ChannelPool channels = new ChannelPool(trustOnly)) {
      for (int port : grpcPorts) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> VeniceReadGrpc.newBlockingStub(channels.channel("127.0.0.1", port))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .get(GetRequest.newBuilder().setStore("fuzzed").build()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(),
            "gRPC port " + port + ": " + refused.getStatus());
      }
    }
  }

  @Test
  void opensslSeesTls13WithTheControllerCertificate() throws Exception {
    ThrowawayCa ca = cluster.certificateAuthority().orElseThrow();
    Path adminPem = ca.directory().resolve(LocalCluster.ADMIN_PRINCIPAL + ".pem");
    Path adminKey = ca.directory().resolve(LocalCluster.ADMIN_PRINCIPAL + "-key.pem");
    URI controller = URI.create(cluster.controllerUrl());
    Process openssl = new ProcessBuilder("openssl", "s_client", "-connect",
        controller.getHost() + ":" + controller.getPort(), "-CAfile",
        ca.caCertificatePem().toString(), "-cert", adminPem.toString(), "-key",
        adminKey.toString(), "-verify_return_error", "-brief").redirectErrorStream(true).start();
    openssl.getOutputStream().close(); // no request: the handshake is all we look at
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
    assertTrue(output.contains("Protocol version: TLSv1.3"), output);
    assertTrue(output.contains("CN = controller-1") || output.contains("CN=controller-1"), output);
    assertTrue(output.contains("Verification: OK"), output);
  }

  @Test
  void aReaderOfAReadsAAndIsDeniedBAtTheRouterAndTheServer() throws Exception {
    pushUsers(STORE_A);
    pushUsers(STORE_B);
    TlsSettings reader = cluster.issue("reader-a", List.of("readers"));
    grantRead("reader-a", STORE_A);
    // the grant reaches the router through its ZooKeeper watch
    List<String> seen = new ArrayList<>();
    LocalCluster.waitFor(() -> "reader-a to read " + STORE_A + "; got " + seen, WAIT, () -> {
      try (StoreClient<String, GenericRecord> thinA = VeniceClients.builder(cluster.routerUrl(),
          STORE_A).tls(reader).thin()) {
        return thinA.get("k3").join().get("name").toString().equals("name-3");
      } catch (RuntimeException e) {
        seen.add(String.valueOf(e instanceof CompletionException ? e.getCause() : e));
        return false;
      }
    });
    try (StoreClient<String, GenericRecord> fastA = VeniceClients.builder(cluster.routerUrl(),
        STORE_A).tls(reader).fast()) {
      assertEquals("name-4", fastA.get("k4").join().get("name").toString());
    }
    // B's metadata is refused to the client...
    VeniceClientException metadata = assertThrows(VeniceClientException.class,
        () -> VeniceClients.builder(cluster.routerUrl(), STORE_B).tls(reader).thin());
    assertTrue(metadata.getMessage().contains("403") && metadata.getMessage().contains(
        "permission denied: reader-a may not GET /metadata/{store} on store " + STORE_B),
        metadata.getMessage());
    // ...and a read of B sent anyway is refused by the router and by the server
    byte[] key = Data.key("k3");
    try (ChannelPool channels = new ChannelPool(Tls.load(reader))) {
      for (int port : List.of(cluster.routers().get(0).grpcPort(),
          cluster.servers().get(0).grpcPort())) {
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class,
            () -> VeniceReadGrpc.newBlockingStub(channels.channel("127.0.0.1", port))
                .withDeadlineAfter(10, TimeUnit.SECONDS).get(GetRequest.newBuilder()
                    .setStore(STORE_B).setPartition(-1)
                    .setKey(ByteString.copyFrom(key)).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode(),
            "port " + port + ": " + denied.getStatus());
        assertEquals("permission denied: reader-a may not get on store " + STORE_B,
            denied.getStatus().getDescription());
      }
    }
  }

  @Test
  void aPrincipalWithoutAdminCannotCreateOrDeleteAStoreWhateverHeaderItSends() throws Exception {
    String kept = "secure-kept";
    admin.createStore(kept, Schemas.KEY, Schemas.USER_V1, 1, 1);
    TlsSettings writer = cluster.issue("not-an-admin", List.of("writers"));
    RawHttp forged = new RawHttp(cluster.controllerUrl(), Duration.ofSeconds(30),
        Tls.load(writer).context(), LocalCluster.ADMIN_PRINCIPAL);
    RawHttp.Answer create = forged.json("POST", "/stores", "{\"name\": \"secure-new\","
        + " \"keySchema\": \"\\\"string\\\"\", \"valueSchema\": \"\\\"string\\\"\"}");
    assertEquals(403, create.status(), create.toString());
    assertEquals("PERMISSION_DENIED", create.json().path("errorType").asText(), create.toString());
    assertEquals("permission denied: not-an-admin may not POST /stores on cluster "
        + cluster.clusterName(), create.json().path("error").asText());
    RawHttp.Answer delete = forged.send("DELETE", "/stores/" + kept, null, null);
    assertEquals(403, delete.status(), delete.toString());
    assertTrue(delete.body().contains("not-an-admin may not DELETE /stores/{store} on store "
        + kept), delete.toString());
    assertTrue(admin.listStores().contains(kept));
    assertFalse(admin.listStores().contains("secure-new"));

    admin.createStore("secure-new", Schemas.KEY, Schemas.USER_V1, 1, 1);
    admin.deleteStore("secure-new");
    admin.deleteStore(kept);
    assertFalse(admin.listStores().contains(kept));
  }

  @Test
  void theAuditTopicShowsEachDecisionWithTheCertificatePrincipal() throws Exception {
    TlsSettings auditee = cluster.issue("auditee", List.of("nobodies"));
    ControllerClient asAuditee = new ControllerClient(cluster.controllerUrl(), "auditee",
        Duration.ofSeconds(30), Tls.load(auditee));
    assertThrows(ControllerException.class,
        () -> asAuditee.createStore("secure-audited", Schemas.KEY, Schemas.USER_V1, 1, 1));
    admin.createStore("secure-audited", Schemas.KEY, Schemas.USER_V1, 1, 1);
    String topic = admin.send("GET", "/plugins/audit-log/", null).path("topic").asText();
    try (ChannelPool channels = new ChannelPool(Tls.load(auditee))) {
      VeniceReadGrpc.VeniceReadBlockingStub router = VeniceReadGrpc.newBlockingStub(
          channels.channel("127.0.0.1", cluster.routers().get(0).grpcPort()));
      List<String> wanted = List.of(
          "principal=auditee,operation=POST /stores,decision=DENIED,resource=cluster "
              + cluster.clusterName(),
          "principal=venice-admin,operation=CREATE_STORE,decision=ALLOWED,resource=store"
              + " secure-audited",
          "principal=auditee,operation=get,decision=DENIED,resource=store fuzzed");
      String[] headers = {""};
      LocalCluster.waitFor(() -> "kcat to show " + wanted + " in " + topic + "; it showed:\n"
          + headers[0], WAIT, () -> {
            // reads are audited at most once a second per process: deny one each round
            assertThrows(StatusRuntimeException.class, () -> router.withDeadlineAfter(10,
                TimeUnit.SECONDS).get(GetRequest.newBuilder().setStore("fuzzed")
                .setPartition(-1).setKey(ByteString.copyFrom(Data.key("k1"))).build()));
            headers[0] = kcat(topic);
            return wanted.stream().allMatch(headers[0]::contains);
          });
    }
  }

  /** Every record's headers in {@code topic}, one line each, as {@code kcat} prints them. */
  private String kcat(String topic) {
    try {
      Process kcat = new ProcessBuilder("kcat", "-C", "-b", cluster.kafkaBootstrapServers(),
          "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%h\\n").redirectErrorStream(true)
          .start();
      String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(kcat.waitFor(60, TimeUnit.SECONDS), "kcat did not finish");
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("kcat could not run (.ci/run installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
