package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata warm-up on a local cluster with three servers, switched on by the builder option only:
 * a client started from a file that lists an instance the cluster no longer has stops sending
 * reads to it once the background refresh lands; a fresh file starts a client whose router is
 * unreachable; a stale file with the router unreachable fails the build.
 */
class MetadataWarmupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STORE = "warm";
  private static final int KEYS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LocalCluster cluster;
  @TempDir
  static Path files;

  @BeforeAll
  static void startClusterWithAStoreOnThreeServers() throws Exception {
    cluster = LocalCluster.builder().servers(3).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl()).createStore(STORE, Schemas.KEY,
        Schemas.USER_V1, 3, 2);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(files.resolve("warm.jsonl"), lines)).run();
    cluster.awaitRoutable(STORE, WAIT);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void noReadGoesToAnInstanceTheFreshMetadataNoLongerListsOnceTheRefreshLands()
      throws Exception {
    Path file = files.resolve("ghost/warm.json");
    writeFileWithARealClient(file);
    // the file lists, first in every partition, an instance the cluster does not have (any more)
    int ghostPort = closedPort();
    Replica ghost = new Replica("ghost_" + ghostPort, "127.0.0.1", ghostPort);
    ObjectNode saved = (ObjectNode) JSON.readTree(file.toFile());
    for (var partition : saved.get("metadata").get("replicas")) {
      ((ArrayNode) partition).insert(0, JSON.valueToTree(ghost));
    }
    saved.put("savedAt", System.currentTimeMillis() - 120_000);
    JSON.writeValue(file.toFile(), saved);

    List<List<Replica>> attempts = new CopyOnWriteArrayList<>();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = VeniceClients.builder(cluster.routerUrl(),
            STORE).metadataWarmup(file).metadataRefresh(Duration.ofHours(1))
        .decorate(recorder(attempts)).meterRegistry(registry).fast()) {
      assertEquals(1, count(registry, "venice.client.metadata.warmup.loads", "used"),
          "started from the file");
      LocalCluster.waitFor(() -> "the background refresh to land (metadata age "
          + age(registry) + " ms)", WAIT, () -> age(registry) < 60_000);

      attempts.clear();
      for (int round = 0; round < 3; round++) {
        readAll(client);
      }
      Set<String> live = cluster.servers().stream().map(VeniceServer::instanceId)
          .collect(Collectors.toSet());
      Set<String> firstCandidates = attempts.stream().map(c -> c.get(0).instanceId())
          .collect(Collectors.toSet());
      assertEquals(3 * KEYS, attempts.size(), "one attempt per read, no failover needed");
      assertTrue(live.containsAll(firstCandidates), firstCandidates + " within " + live);
      assertFalse(attempts.stream().flatMap(List::stream).anyMatch(ghost::equals),
          "the ghost is not even a candidate any more");

      LocalCluster.waitFor("the file rewritten without the ghost", WAIT,
          () -> !read(file).contains(ghost.instanceId()));
    }
  }

  @Test
  void aFreshFileStartsTheClientAndAnswersTheFirstReadWithTheRouterUnreachable()
      throws Exception {
    Path file = files.resolve("fresh/warm.json");
    writeFileWithARealClient(file);
    String deadRouter = "http://127.0.0.1:" + closedPort();

    MeterRegistry registry = new SimpleMeterRegistry();
    long started = System.nanoTime();
    try (StoreClient<String, GenericRecord> client = VeniceClients.builder(deadRouter, STORE)
        .metadataWarmup(file).metadataRefresh(Duration.ofMillis(200)).meterRegistry(registry)
        .fast()) {
      assertEquals(7, client.get("k7").join().get("age"));
      long firstReadMicros = (System.nanoTime() - started) / 1000;
      System.out.println("start to first read with the router unreachable, from the warm-up"
          + " file: " + firstReadMicros + " us");
      assertEquals(1, count(registry, "venice.client.metadata.warmup.loads", "used"));
      readAll(client);
    }
  }

  @Test
  void aStaleFileWithTheRouterUnreachableFailsTheBuildNamingTheFile() throws Exception {
    Path file = files.resolve("stale/warm.json");
    writeFileWithARealClient(file);
    ObjectNode saved = (ObjectNode) JSON.readTree(file.toFile());
    saved.put("savedAt", System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());
    JSON.writeValue(file.toFile(), saved);
    String deadRouter = "http://127.0.0.1:" + closedPort();

    ServiceUnavailableException failed = assertThrows(ServiceUnavailableException.class,
        () -> VeniceClients.builder(deadRouter, STORE).metadataWarmup(file).fast());
    String message = failed.getMessage();
    assertTrue(message.startsWith("store warm: metadata warm-up file " + file + " is "), message);
    assertTrue(message.contains("beyond its max age of 300 s"), message);
    assertTrue(message.contains("router at " + deadRouter + " unreachable"), message);
  }

  /** A client with warm-up on writes the file after its first fetch. */
  private static void writeFileWithARealClient(Path file) {
    try (StoreClient<String, GenericRecord> client = VeniceClients.builder(cluster.routerUrl(),
        STORE).metadataWarmup(file).fast()) {
      assertEquals(3, client.get("k3").join().get("age"));
      LocalCluster.waitFor("the warm-up file " + file, WAIT, () -> Files.exists(file));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static double count(MeterRegistry registry, String name, String outcome) {
    return registry.get(name).tag("store", STORE).tag("outcome", outcome).counter().count();
  }

  private static double age(MeterRegistry registry) {
    return registry.get("venice.client.metadata.age.ms").tag("store", STORE).gauge().value();
  }

  /** A loopback port nobody listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Records every attempt's candidates (its target first), then passes it on. */
  private static ReplicaDispatchDecorator recorder(List<List<Replica>> attempts) {
    return new ReplicaDispatchDecorator() {
      @Override
      public String name() {
        return "test-recorder";
      }

      @Override
      public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
        return request -> {
          attempts.add(request.candidates());
          return next.dispatch(request);
        };
      }
    };
  }

  private static void readAll(StoreClient<String, GenericRecord> client) {
    for (int i = 0; i < KEYS; i++) {
      assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
    }
  }
}
