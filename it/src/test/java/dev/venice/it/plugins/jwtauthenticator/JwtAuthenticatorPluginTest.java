package dev.venice.it.plugins.jwtauthenticator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.ThrowawayCa;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jwt-authenticator plugin on a secured cluster whose controller and router accept callers
 * without a client certificate ({@code ssl.needs.client.cert=false}), with tokens signed by {@code
 * openssl} (RS256: a tool we did not write, not the plugin's JOSE library): a token whose groups
 * make it an administrator creates a store over HTTPS, its principal the token's subject; a token
 * without grants is denied on the admin port and on the router's gRPC read port, named by its
 * subject; a token signed by another key or for another audience is refused {@code UNAUTHENTICATED}
 * on both; a caller with neither certificate nor token is refused (401) even a listing.
 */
class JwtAuthenticatorPluginTest {
  private static final String ISSUER = "https://issuer.example";
  private static final String AUDIENCE = "venice";

  @TempDir Path dir;

  @Test
  void tokensSignedWithTheConfiguredKeyNameThePrincipalOnTheAdminAndGrpcPorts() throws Exception {
    Path key = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
        "-out", dir.resolve("key.pem").toString()).resolve("key.pem");
    openssl("pkey", "-in", key.toString(), "-pubout", "-out", dir.resolve("pub.pem").toString());
    Path otherKey = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
        "-out", dir.resolve("other.pem").toString()).resolve("other.pem");
    LocalCluster.Builder builder = LocalCluster.builder().routers(1).secure();
    for (String setting : List.of("plugin.dir=" + System.getProperty("controller.plugin.dir"),
        "ssl.needs.client.cert=false",
        "plugins.acl-authorizer.enabled=true",
        "plugins.acl-authorizer.super-groups=" + LocalCluster.PROCESS_GROUP + ","
            + LocalCluster.ADMIN_GROUP,
        "plugins.jwt-authenticator.enabled=true",
        "plugins.jwt-authenticator.public-key-file=" + dir.resolve("pub.pem"),
        "plugins.jwt-authenticator.issuer=" + ISSUER,
        "plugins.jwt-authenticator.audience=" + AUDIENCE)) {
      String[] pair = setting.split("=", 2);
      builder.controllerConfig(pair[0], pair[1]).routerConfig(pair[0], pair[1]);
    }
    try (LocalCluster cluster = builder.build()) {
      ThrowawayCa ca = cluster.certificateAuthority().orElseThrow();
      Tls trustOnly = Tls.load(TlsSettings.client(null, ca.trustStore(), ca.password()));
      ControllerClient noCredential = new ControllerClient(cluster.controllerUrl(), "x",
          Duration.ofSeconds(30), trustOnly);
      String admin = token(key, "ops-bot", "[\"" + LocalCluster.ADMIN_GROUP + "\"]", AUDIENCE);
      String nobody = token(key, "nobody", "[]", AUDIENCE);

      noCredential.withBearerToken(admin).createStore("by-token", "\"string\"", "\"string\"", 1,
          1);
      assertTrue(noCredential.withBearerToken(admin).listStores().contains("by-token"));

      ControllerException denied = assertThrows(ControllerException.class,
          () -> noCredential.withBearerToken(nobody).deleteStore("by-token"));
      assertEquals(403, denied.status(), denied.getMessage());
      assertTrue(denied.getMessage().contains("nobody may not DELETE /stores/{store} on store"
          + " by-token"), denied.getMessage());
      ControllerException anonymous = assertThrows(ControllerException.class,
          () -> noCredential.listStores());
      assertEquals(401, anonymous.status(), anonymous.getMessage());
      assertEquals("UNAUTHENTICATED", anonymous.errorType());
      for (String bad : List.of(token(otherKey, "ops-bot", "[\"" + LocalCluster.ADMIN_GROUP
          + "\"]", AUDIENCE), token(key, "ops-bot", "[\"" + LocalCluster.ADMIN_GROUP + "\"]",
          "another-service"))) {
        ControllerException refused = assertThrows(ControllerException.class,
            () -> noCredential.withBearerToken(bad).deleteStore("by-token"));
        assertEquals(401, refused.status(), refused.getMessage());
        assertEquals("UNAUTHENTICATED", refused.errorType());
      }
      assertTrue(noCredential.withBearerToken(admin).listStores().contains("by-token"));

      // the router's gRPC read port: the token in the authorization metadata entry
      try (ChannelPool withNobody = new ChannelPool(trustOnly, nobody);
          ChannelPool withForged = new ChannelPool(trustOnly, token(otherKey, "nobody", "[]",
              AUDIENCE))) {
        GetRequest read = GetRequest.newBuilder().setStore("by-token").setPartition(-1)
            .setKey(ByteString.copyFromUtf8("k")).build();
        int port = cluster.routers().get(0).grpcPort();
        StatusRuntimeException grpcDenied = assertThrows(StatusRuntimeException.class,
            () -> VeniceReadGrpc.newBlockingStub(withNobody.channel("127.0.0.1", port))
                .withDeadlineAfter(10, TimeUnit.SECONDS).get(read));
        assertEquals(Status.Code.PERMISSION_DENIED, grpcDenied.getStatus().getCode());
        assertEquals("permission denied: nobody may not get on store by-token",
            grpcDenied.getStatus().getDescription());
        StatusRuntimeException grpcRefused = assertThrows(StatusRuntimeException.class,
            () -> VeniceReadGrpc.newBlockingStub(withForged.channel("127.0.0.1", port))
                .withDeadlineAfter(10, TimeUnit.SECONDS).get(read));
        assertEquals(Status.Code.UNAUTHENTICATED, grpcRefused.getStatus().getCode(),
            grpcRefused.getStatus().toString());
      }
    }
  }

  /** A JWT (RS256) signed by {@code openssl dgst -sha256 -sign key}, valid for ten minutes. */
  private String token(Path key, String subject, String groups, String audience)
      throws Exception {
    long now = Instant.now().getEpochSecond();
    String header = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(
        StandardCharsets.UTF_8));
    String payload = base64Url(("{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + audience
        + "\",\"sub\":\"" + subject + "\",\"groups\":" + groups + ",\"iat\":" + now
        + ",\"exp\":" + (now + 600) + "}").getBytes(StandardCharsets.UTF_8));
    Path input = Files.writeString(dir.resolve("signing-input"), header + "." + payload);
    Path signature = dir.resolve("signature");
    openssl("dgst", "-sha256", "-sign", key.toString(), "-out", signature.toString(),
        input.toString());
    return header + "." + payload + "." + base64Url(Files.readAllBytes(signature));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Runs {@code openssl} with {@code args}; returns the test's folder. */
  private Path openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
    assertEquals(0, openssl.exitValue(), "openssl " + String.join(" ", args) + ": " + output);
    return dir;
  }
}
