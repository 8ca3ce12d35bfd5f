package dev.venice.it.plugins.grpchealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.DrainHoldPlugin;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.plugin.ProcessKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grpc-health plugin end to end, asked by a client Venice did not write: {@code
 * bin/test-tools/grpc-health-probe} (Node's {@code @grpc/grpc-js}), as Kubernetes' {@code grpc}
 * probe asks. One local cluster (a controller, two servers, a router) loads the plugin from its
 * module's {@code target/plugin/grpc-health/}, as an operator installs it; the servers also run
 * {@link DrainHoldPlugin}, which keeps a stopping server DRAINING until the test releases it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcHealthPluginTest {
  private static final String READINESS = "venice.readiness";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;
  @TempDir static Path output;

  @BeforeAll
  static void startCluster() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root"),
        "venice-server-plugins/grpc-health/target/plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("grpc-health")), pluginDir + " not built");
    cluster = LocalCluster.builder().servers(2).routers(1)
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.grpc-health.enabled", "true")
        .serverConfig("plugins.test-drain-hold.enabled", "true")
        .routerConfig("plugin.dir", pluginDir.toString())
        .routerConfig("plugins.grpc-health.enabled", "true")
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.grpc-health.enabled", "true")
        .build();
  }

  @AfterAll
  static void stop() {
    DrainHoldPlugin.release();
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Each process's gRPC address: a server's read port, the router's, the controller's grpc.port. */
  private static Map<String, String> targets() {
    Map<String, String> targets = new LinkedHashMap<>();
    for (VeniceServer server : cluster.servers()) {
      targets.put("server " + server.instanceId(), "127.0.0.1:" + server.grpcPort());
    }
    targets.put("router", "127.0.0.1:" + cluster.routers().get(0).grpcPort());
    String controller = cluster.controllers().get(0).instanceId();
    targets.put("controller", cluster.controllers().get(0).clusterView().members().stream()
        .filter(m -> m.kind() == ProcessKind.CONTROLLER && m.instanceId().equals(controller))
        .map(ClusterMember::grpcAddress).findFirst().orElseThrow());
    return targets;
  }

  @Test
  @Order(1)
  void everyProcessIsLiveAndReadyForANodeClient() throws Exception {
    for (Map.Entry<String, String> target : targets().entrySet()) {
      String process = target.getKey();
      String address = target.getValue();
      // a server of a cluster without a store is READY once it joined; wait for the start to end
      LocalCluster.waitFor(() -> process + " ready at " + address, WAIT,
          () -> probe("check", address, READINESS).exit() == 0);
      assertCheck("SERVING", 0, address, "", process + ": liveness, service \"\"");
      assertCheck("SERVING", 0, address, null,
          process + ": liveness, no service named (a Kubernetes probe without service)");
      assertCheck("SERVING", 0, address, READINESS, process + ": readiness");
      Probe unknown = probe("check", address, "venice.no-such-service");
      assertEquals(2, unknown.exit(), process + ": " + unknown);
      assertTrue(unknown.stderr().contains("NOT_FOUND"), process + ": " + unknown);
    }
  }

  @Test
  @Order(2) // it stops a server
  void aDrainingServerIsLiveButNotReadyAndItsWatchEndsCleanlyWhenItStops() throws Exception {
    VeniceServer server = cluster.servers().get(cluster.servers().size() - 1);
    String address = "127.0.0.1:" + server.grpcPort();
    LocalCluster.waitFor(() -> "server ready at " + address, WAIT,
        () -> probe("check", address, READINESS).exit() == 0);
    Watch watch = new Watch(address, READINESS);
    try {
      LocalCluster.waitFor(() -> "the watch's first status, got " + watch.lines, WAIT,
          () -> !watch.lines.isEmpty());
      assertEquals(List.of("SERVING"), watch.lines);

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
      LocalCluster.waitFor(() -> server.instanceId() + " in onDrain", WAIT,
          () -> DrainHoldPlugin.DRAINING.contains(server.instanceId()));
      assertCheck("NOT_SERVING", 1, address, READINESS, "readiness while draining");
      assertCheck("SERVING", 0, address, "", "liveness while draining");
      LocalCluster.waitFor(() -> "NOT_SERVING on the watch, got " + watch.lines, WAIT,
          () -> watch.lines.size() >= 2);
      assertEquals(List.of("SERVING", "NOT_SERVING"), watch.lines);
      assertTrue(watch.process.isAlive(), "the watch stays open while the server drains");

      DrainHoldPlugin.release();
      stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(watch.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS),
          "the watch ended when the server stopped");
      watch.reader.join(WAIT.toMillis());
      assertEquals(0, watch.process.exitValue(), () -> "the server ended the stream with OK: "
          + watch.stderr());
      assertEquals(List.of("SERVING", "NOT_SERVING"), watch.lines,
          "each change once, NOT_SERVING last");
      assertEquals(2, probe("check", address, "").exit(), "stopped: no gRPC port any more");
    } finally {
      watch.process.destroyForcibly();
    }
  }

  /** What one {@code grpc-health-probe} run printed and its exit status. */
  private record Probe(int exit, List<String> stdout, String stderr) {}

  /** {@code grpc-health-probe check address service} printed {@code status} and exited so. */
  private static void assertCheck(String status, int exit, String address, String service,
      String what) {
    Probe probe = service == null ? probe("check", address) : probe("check", address, service);
    assertEquals(List.of(status), probe.stdout(), what + ": " + probe);
    assertEquals(exit, probe.exit(), what + ": " + probe);
  }

  private static Path script() {
    return Path.of(System.getProperty("venice.root", ".."), "bin", "test-tools",
        "grpc-health-probe");
  }

  /** Runs {@code grpc-health-probe args...} to its end (installing Node's client the first time). */
  private static Probe probe(String... args) {
    try {
      Path err = Files.createTempFile(output, "probe", ".err");
      List<String> command = new ArrayList<>(List.of(script().toString()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      process.getOutputStream().close();
      List<String> lines = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8).lines().toList();
      assertTrue(process.waitFor(5, TimeUnit.MINUTES), "grpc-health-probe did not finish");
      return new Probe(process.exitValue(), lines, Files.readString(err));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A running {@code grpc-health-probe watch}, its lines collected as they arrive. */
  private static final class Watch {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Process process;
    final Thread reader;
    private final Path err;

    Watch(String address, String service) throws IOException {
      err = Files.createTempFile(output, "watch", ".err");
      process = new ProcessBuilder(script().toString(), "watch", address, service)
          .redirectError(err.toFile()).start();
      process.getOutputStream().close();
      reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("read failed: " + e);
        }
      }, "grpc-health-probe-watch");
      reader.setDaemon(true);
      reader.start();
    }

    String stderr() {
      try {
        return Files.readString(err);
      } catch (IOException e) {
        return "(stderr unreadable: " + e + ")";
      }
    }
  }
}
