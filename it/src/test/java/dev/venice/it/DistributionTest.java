package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.controller.ControllerConfig;
import dev.venice.runtime.router.RouterConfig;
import dev.venice.runtime.server.ServerConfig;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's layout (venice-distribution/target/venice/, the same files as its tar.gz):
 * lib/ carries no server or controller plugin (except one that is also a client plugin, which the
 * CLI's own clients load from its class path), plugins/ holds every one, and each conf/ example is
 * a valid configuration of its process. bin/test-tools/check-distribution runs its quickstart from
 * the unpacked archive.
 */
class DistributionTest {
  private static final Path DIST = Path.of(System.getProperty("venice.distribution"));

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Plugins that also run in clients: the CLI depends on them, so lib/ has them too. */
  private static final Set<String> CLIENT_TOO = Set.of("tracing");

  @Test
  void libHoldsNoServerOrControllerPluginAndPluginsHoldsEveryOne() throws Exception {
    List<String> plugins = names(DIST.resolve("plugins"));
    assertEquals(List.of("acl-authorizer", "audit-log", "bloom-filter", "config-history", "data-freshness",
        "dead-letter-queue", "dvc-bootstrap-checkpoint", "dvc-memory-pressure", "graceful-drain",
        "grpc-health", "hot-keys", "hot-partitions", "ingestion-stage-metrics", "jwt-authenticator", "latency-budget", "leadership-history", "partition-skew",
        "replication-repair", "request-size-histograms", "rocksdb-metrics", "store-dependencies",
        "topic-retention", "tracing", "write-path-latency"), plugins);
    List<String> lib = names(DIST.resolve("lib"));
    assertTrue(lib.contains("venice-cli.jar"), lib.toString());
    for (String id : plugins) {
      assertEquals(CLIENT_TOO.contains(id),
          lib.stream().anyMatch(jar -> jar.startsWith("venice-" + id + "-")),
          "lib/ carries the " + id + " plugin only if it is also a client plugin: " + lib);
      assertTrue(names(DIST.resolve("plugins").resolve(id)).stream()
          .anyMatch(jar -> jar.startsWith("venice-" + id + "-")), "plugins/" + id);
    }
  }

  @Test
  void everyExampleConfigurationIsValid() throws Exception {
    Map<String, Function<Map<String, String>, ProcessConfig>> parsers = Map.of(
        "controller.properties", ControllerConfig::parse,
        "server.properties", ServerConfig::parse,
        "router.properties", RouterConfig::parse);
    assertEquals(List.copyOf(new TreeMap<>(parsers).keySet()), names(DIST.resolve("conf")));
    for (Map.Entry<String, Function<Map<String, String>, ProcessConfig>> conf
        : parsers.entrySet()) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(DIST.resolve("conf").resolve(conf.getKey()))) {
        props.load(in);
      }
      Map<String, String> raw = new TreeMap<>();
      props.stringPropertyNames().forEach(key -> raw.put(key, props.getProperty(key)));
      conf.getValue().apply(raw); // throws naming the key at fault
      assertEquals("plugins", raw.get("plugin.dir"), conf.getKey());
    }
  }
}
