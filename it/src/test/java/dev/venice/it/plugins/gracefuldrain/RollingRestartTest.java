package dev.venice.it.plugins.gracefuldrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart under load (issue 18): fast and thin clients read continuously (single gets
 * and batch gets, every answer checked against the pushed value) while each of three servers, one
 * after another, is drained, stopped and started again, and the next waits until the restarted one
 * is ready again with every replica caught up and routed. The first server is drained as an
 * operator would, with the distribution's {@code venice server drain --server <instance>}; the
 * others as a JVM shutdown (SIGTERM) would, by closing them. Zero failed reads.
 */
class RollingRestartTest {
  private static final String STORE = "rolling";
  private static final int KEYS = 500;
  private static final int PARTITIONS = 3;
  private static final Duration WAIT = Duration.ofSeconds(120);
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(3).routers(1)
        .serverConfig("plugins.graceful-drain.enabled", "true")
        .serverConfig("plugins.graceful-drain.quiet-period", "500ms")
        .serverConfig("plugins.graceful-drain.drain.timeout.seconds", "30")
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl())
        .createStore(STORE, Schemas.KEY, Schemas.USER_V1, PARTITIONS, 3);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i
          + "}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(dir.resolve("rolling.jsonl"), lines)).run();
    awaitFullyServed();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Every partition has its three replicas caught up and in the router's routing metadata. */
  private static void awaitFullyServed() {
    for (int p = 0; p < PARTITIONS; p++) {
      cluster.awaitReadyReplicas(STORE + "_v1", p, 3, WAIT);
    }
    LocalCluster.waitFor("every server routed to again", WAIT, () -> {
      String metadata = routingMetadata();
      return cluster.servers().stream().allMatch(s -> metadata.contains(s.instanceId()));
    });
  }

  private static String routingMetadata() {
    try {
      return new String(java.net.URI.create(cluster.routers().get(0).adminUrl() + "/metadata/"
          + STORE).toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Reads continuously from one client; counts reads, remembers every failure. */
  private static final class Reader implements Runnable {
    private final String name;
    private final StoreClient<String, GenericRecord> client;
    private final AtomicBoolean running;
    private final AtomicLong reads;
    private final ConcurrentLinkedQueue<String> failures;

    Reader(String name, StoreClient<String, GenericRecord> client, AtomicBoolean running,
        AtomicLong reads, ConcurrentLinkedQueue<String> failures) {
      this.name = name;
      this.client = client;
      this.running = running;
      this.reads = reads;
      this.failures = failures;
    }

    @Override
    public void run() {
      while (running.get()) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
          if (random.nextBoolean()) {
            int i = random.nextInt(KEYS);
            check(i, client.get("k" + i).get(30, TimeUnit.SECONDS));
          } else {
            Set<String> keys = new HashSet<>();
            while (keys.size() < 10) {
              keys.add("k" + random.nextInt(KEYS));
            }
            Map<String, GenericRecord> values = client.batchGet(keys).get(30, TimeUnit.SECONDS);
            if (values.size() != keys.size()) {
              failures.add(name + ": batch get of " + keys + " answered " + values.keySet());
            }
            values.forEach((key, value) -> check(Integer.parseInt(key.substring(1)), value));
          }
          reads.incrementAndGet();
        } catch (Exception e) {
          failures.add(name + ": " + e);
        }
      }
    }

    private void check(int i, GenericRecord value) {
      if (value == null || !("n" + i).equals(value.get("name").toString())
          || (int) value.get("age") != i) {
        failures.add(name + ": k" + i + " answered " + value);
      }
    }
  }

  @Test
  void drainingAndRestartingEachServerInTurnFailsNoRead() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong reads = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    try (StoreClient<String, GenericRecord> fast = VeniceClients
            .builder(cluster.routerUrl(), STORE).metadataRefresh(Duration.ofSeconds(1)).fast();
        StoreClient<String, GenericRecord> thin = VeniceClients
            .builder(cluster.routerUrl(), STORE).thin()) {
      for (int t = 0; t < 2; t++) {
        readers.add(new Thread(new Reader("fast-" + t, fast, running, reads, failures)));
        readers.add(new Thread(new Reader("thin-" + t, thin, running, reads, failures)));
      }
      readers.forEach(Thread::start);
      LocalCluster.waitFor("reads flowing", WAIT, () -> reads.get() > 200);
      List<VeniceServer> servers = List.copyOf(cluster.servers());
      for (int i = 0; i < servers.size(); i++) {
        VeniceServer server = servers.get(i);
        long before = reads.get();
        long drainStart = System.nanoTime();
        if (i == 0) {
          JsonNode drain = new ObjectMapper().readTree(venice("server", "drain", "--server",
              server.instanceId(), "--wait", "--json"));
          assertEquals(0, drain.path("lastStatus").path("refusedAfterDeadline").asLong(-1),
              "no call arrived after the drain deadline: " + drain);
        }
        cluster.stopServer(server); // the SIGTERM path; after the command, already stopped
        long drained = System.nanoTime() - drainStart;
        // routers and fast clients stopped sending long before the 30 s drain deadline: had the
        // server not withdrawn from routing, reads would have kept it draining until then
        assertTrue(drained < TimeUnit.SECONDS.toNanos(25), "drained in " + drained / 1_000_000
            + " ms");
        VeniceServer restarted = cluster.restartServer(server);
        awaitFullyServed();
        System.out.printf("server %s: drained and stopped in %d ms, back in service; %d reads"
            + " meanwhile%n", restarted.instanceId(), drained / 1_000_000, reads.get() - before);
        assertTrue(reads.get() > before, "reads went on while " + server.instanceId()
            + " restarted");
      }
      LocalCluster.waitFor("reads after the last restart", WAIT,
          () -> reads.get() > 200 + 1000);
      running.set(false);
      for (Thread reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(60));
      }
    } finally {
      running.set(false);
    }
    assertEquals(List.of(), List.copyOf(failures), reads.get() + " reads");
  }

  /** Runs the distribution's {@code bin/venice} against this cluster; returns what it printed. */
  private static String venice(String... args) throws Exception {
    return DistributionCli.venice(cluster.controllerUrl(), args);
  }
}
