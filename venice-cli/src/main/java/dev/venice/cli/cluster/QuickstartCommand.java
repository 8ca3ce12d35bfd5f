package dev.venice.cli.cluster;

import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.cli.store.PushCommand;
import dev.venice.runtime.client.DaVinciClient;
import dev.venice.runtime.client.DaVinciConfig;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code venice quickstart}. */
@Command(name = "quickstart", description = "Start a local cluster, create a demo store, push a"
    + " generated data set, read it back through a decorated fast client, and show where to look."
    + " Keeps the cluster running until Ctrl-C unless --exit-after-demo.",
    mixinStandardHelpOptions = true, footer = {"", "Examples:",
        "  venice quickstart",
        "  venice quickstart --exit-after-demo --records 2000"})
public final class QuickstartCommand implements Callable<Integer> {
  static final String STORE = "demo-users";
  static final String VALUE_SCHEMA = """
      {"type": "record", "name": "User", "namespace": "dev.venice.demo", "fields": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "int"},
        {"name": "city", "type": "string", "default": ""}]}""";
  private static final String[] CITIES = {"Amsterdam", "Bangalore", "Dublin", "Mountain View",
      "New York", "Paris", "Sunnyvale", "Toronto"};

  @Mixin GlobalOptions options;
  @Mixin ClusterCommand.Shape shape;
  @Spec CommandSpec spec;

  @Option(names = "--records", defaultValue = "10000", description = {"Records to push"
      + " (default 10000).",
      "Example: --records 1000"})
  int records;

  @Option(names = "--exit-after-demo", description = {"Stop the cluster and exit after the demo.",
      "Example: --exit-after-demo"})
  boolean exitAfterDemo;

  @Option(names = "--no-plugins", description = {"Run the demo without the plugins of the build"
      + " (by default: audit-log on the controller, bloom-filter on the servers, hedging on the"
      + " demo's fast client).",
      "Example: --no-plugins"})
  boolean noPlugins;

  @Override
  public Integer call() throws Exception {
    if (records < 1) {
      throw new CliException("--records must be at least 1, got " + records);
    }
    LocalClusterState.requireNotRunning(options.localCluster);
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    out.printf("Starting a local cluster: ZooKeeper, Kafka, %d controller(s), %d servers,"
        + " %d router(s)...%n", shape.controllers, shape.servers, shape.routers);
    out.flush();
    LocalCluster.Builder builder = shape.builder(options.localCluster);
    if (!noPlugins) {
      withBuildPlugins(builder, out);
    }
    LocalCluster cluster = builder.build();
    LocalClusterState state = ClusterCommand.claim(options.localCluster, cluster);
    try {
      GlobalOptions local = new GlobalOptions();
      local.controller = state.controller();
      local.router = state.router();
      local.json = options.json;
      out.printf("  up in %.1f s%n", (System.nanoTime() - start) / 1e9);
      Optional<TlsSettings> tlsSettings = options.tls(); // the cluster just claimed, if --secure
      Tls tls = tlsSettings.map(Tls::load).orElse(null);

      ControllerClient admin = new ControllerClient(state.controller(), "quickstart",
          Duration.ofSeconds(30), tls);
      admin.createStore(Map.of("name", STORE, "keySchema", "\"string\"",
          "valueSchema", VALUE_SCHEMA, "partitionCount", 3,
          "replicationFactor", Math.min(2, Math.max(1, shape.servers)),
          "compressionStrategy", "ZSTD"));
      out.printf("Created store %s: key \"string\", value record User{name, age, city},"
          + " 3 partitions, ZSTD%n", STORE);

      Path data = Files.createTempFile("venice-demo-", ".jsonl");
      try {
        List<String> lines = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
          lines.add("{\"key\": \"user-" + i + "\", \"value\": {\"name\": \"User " + i
              + "\", \"age\": " + (18 + i % 60) + ", \"city\": \"" + CITIES[i % CITIES.length]
              + "\"}}");
        }
        Files.write(data, lines);
        out.printf("Pushing %,d generated records:%n", records);
        out.flush();
        PushJob.Result pushed = PushCommand.push(local, spec.commandLine().getErr(),
            PushJob.create(admin, STORE, data), PushJob.Format.JSON_LINES, data);
        cluster.awaitRoutable(STORE, Duration.ofSeconds(60));
        out.printf("  version %d online: %,d records, %,d bytes in %.1f s%n", pushed.version(),
            pushed.records(), pushed.bytes(), pushed.duration().toMillis() / 1e3);
      } finally {
        Files.deleteIfExists(data);
      }

      Map<String, Object> report = readBack(state, tlsSettings, out);
      report.putAll(readLocally(state, admin, out));
      out.println("Plugins loaded (venice plugins list shows details):");
      out.printf("  %-10s %s%n", "controller", summary(cluster.controllers().get(0).plugins()));
      if (!cluster.servers().isEmpty()) {
        out.printf("  %-10s %s%n", "server", summary(cluster.servers().get(0).plugins()));
      }
      if (!cluster.routers().isEmpty()) {
        out.printf("  %-10s %s%n", "router", summary(cluster.routers().get(0).plugins()));
      }
      out.println();
      out.println("Where to look:");
      ClusterCommand.printEndpoints(out, state);
      out.println("Try: venice store describe --store " + STORE
          + "   |   venice get --store " + STORE + " --key '\"user-7\"'");
      if (options.json) {
        report.put("endpoints", state);
        Output.print(out, options, report, "");
      }
      if (exitAfterDemo) {
        out.println("Demo done; stopping the cluster (--exit-after-demo).");
        out.flush();
        return 0;
      }
      ClusterCommand.awaitCtrlC(cluster, state, out);
      cluster = null;
      return 0;
    } finally {
      if (cluster != null && exitAfterDemo) {
        state.release();
        cluster.close();
      }
    }
  }

  /**
   * Whether the demo switches on plugin {@code id}: not the token authenticator, which needs the
   * operator's key and issuer, nor the ACL authorizer on a cluster without TLS (it would authorize
   * nothing; {@code --secure} switches it on).
   */
  private boolean demoStarts(String id) {
    return !id.equals("jwt-authenticator") && (shape.secure || !id.equals("acl-authorizer"));
  }

  /**
   * Switches on the plugins in the distribution's {@code plugins/} folder (the system property
   * {@code venice.plugins}, which {@code bin/venice} sets), loaded from there by every process, as
   * production loads plugins: each process starts only the plugins meant for its kind, and the
   * controller also checks stores' settings against all of them. Client decorators are on the
   * CLI's class path.
   */
  private void withBuildPlugins(LocalCluster.Builder builder, PrintWriter out) throws IOException {
    String plugins = System.getProperty("venice.plugins");
    if (plugins == null || shape.pluginDir != null || !Files.isDirectory(Path.of(plugins))) {
      return;
    }
    try (Stream<Path> ids = Files.list(Path.of(plugins))) {
      for (Path id : ids.filter(Files::isDirectory).sorted().toList()) {
        if (!demoStarts(id.getFileName().toString())) {
          continue;
        }
        String enabled = "plugins." + id.getFileName() + ".enabled";
        builder.serverConfig(enabled, "true").controllerConfig(enabled, "true")
            .routerConfig(enabled, "true");
        if (id.getFileName().toString().equals("tracing")) {
          quietTracing(builder, out);
        }
      }
    }
    builder.serverConfig("plugin.dir", plugins).controllerConfig("plugin.dir", plugins)
        .routerConfig("plugin.dir", plugins);
    out.println("  plugins from " + plugins);
  }

  /**
   * The demo has no trace collector: tracing makes spans and propagates context but exports them
   * only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} names a collector (OTLP over gRPC), instead of
   * logging a failed export to {@code localhost:4317} every few seconds.
   */
  private static void quietTracing(LocalCluster.Builder builder, PrintWriter out) {
    String collector = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    Map<String, String> settings = collector == null || collector.isBlank()
        ? Map.of("plugins.tracing.protocol", "none")
        : Map.of("plugins.tracing.endpoint", collector);
    settings.forEach((key, value) -> builder.serverConfig(key, value).routerConfig(key, value));
    out.println(collector == null || collector.isBlank()
        ? "  tracing: spans are not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to a collector)"
        : "  tracing: spans exported to " + collector);
  }

  /** Each plugin's id, version and state; where a started one was loaded from, if not the CLI. */
  private static String summary(PluginManager plugins) {
    List<String> rows = plugins.plugins().stream().map(p -> p.id() + " " + p.version() + " "
        + p.state() + (p.state() == PluginState.STARTED && !p.source().startsWith("class path")
            ? " from " + p.source() : "")).toList();
    return rows.isEmpty() ? "none" : String.join(", ", rows);
  }

  /** Reads every record back through a fast client with a latency-recording decorator. */
  private Map<String, Object> readBack(LocalClusterState state, Optional<TlsSettings> tls,
      PrintWriter out) {
    Histogram latencies = new Histogram(3);
    StoreClientDecorator timing = new StoreClientDecorator() {
      @Override
      public String name() {
        return "latency-recorder";
      }

      @Override
      public int order() {
        return DecoratorOrder.TRACING;
      }

      @Override
      public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
        return new ForwardingStoreClient<>(client) {
          @Override
          public CompletableFuture<V> get(K key, RequestContext context) {
            long begin = System.nanoTime();
            return super.get(key, context).whenComplete((v, e) -> {
              synchronized (latencies) {
                latencies.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
              }
            });
          }
        };
      }
    };
    int mismatches = 0;
    Map<String, String> clientPlugins = new HashMap<>(shape.pluginConfig);
    if (!noPlugins) {
      clientPlugins.putIfAbsent("plugins.hedging.enabled", "true");
    }
    VeniceClients.Builder builder = VeniceClients.builder(state.router(), STORE)
        .decorate(timing).pluginConfig(clientPlugins);
    tls.ifPresent(builder::tls);
    try (StoreClient<String, GenericRecord> client = builder.fast()) {
      for (int i = 0; i < records; i++) {
        GenericRecord user = client.get("user-" + i).join();
        if (user == null || !user.get("name").toString().equals("User " + i)) {
          mismatches++;
        }
      }
      Set<String> batch = new HashSet<>();
      for (int i = 0; i < Math.min(100, records); i++) {
        batch.add("user-" + i);
      }
      long batchStart = System.nanoTime();
      int batchFound = client.batchGet(batch).join().size();
      long batchMicros = (System.nanoTime() - batchStart) / 1000;
      out.printf("Read back %,d records one by one through a fast client decorated with"
          + " [latency-recorder%s]: %s%n", records, noPlugins ? "" : ", hedging",
          mismatches == 0 ? "all match" : mismatches + " did not match");
      out.printf("  single get latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
          latencies.getValueAtPercentile(50) / 1e3, latencies.getValueAtPercentile(99) / 1e3,
          latencies.getValueAtPercentile(99.9) / 1e3, latencies.getMaxValue() / 1e3);
      out.printf("  batch get of %d keys: %d found in %.2f ms%n", batch.size(), batchFound,
          batchMicros / 1e3);
      out.flush();
      if (mismatches > 0) {
        throw new CliException("read back " + mismatches + " records that do not match what was"
            + " pushed");
      }
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("records", records);
      report.put("p50Millis", latencies.getValueAtPercentile(50) / 1e3);
      report.put("p99Millis", latencies.getValueAtPercentile(99) / 1e3);
      report.put("batchFound", batchFound);
      return report;
    }
  }

  /**
   * Loads the demo store into a Da Vinci client in a temporary directory, reads every record
   * locally, prints the bootstrap time and the local read latency, and deletes the copy.
   */
  private Map<String, Object> readLocally(LocalClusterState state, ControllerClient admin,
      PrintWriter out) throws Exception {
    Path copy = Files.createTempDirectory("venice-demo-davinci-");
    Histogram latencies = new Histogram(3);
    int mismatches = 0;
    long loadStart = System.nanoTime();
    double loadSeconds;
    try (DaVinciClient<String, GenericRecord> local = DaVinciClient.start(STORE,
        DaVinciConfig.forController(admin, copy).build())) {
      local.subscribeAll().get(60, TimeUnit.SECONDS);
      loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      for (int i = 0; i < records; i++) {
        long begin = System.nanoTime();
        GenericRecord user = local.get("user-" + i).join();
        latencies.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
        if (user == null || !user.get("name").toString().equals("User " + i)) {
          mismatches++;
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(copy)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
    out.printf("Read back %,d records locally through a Da Vinci client (its own RocksDB copy,"
        + " loaded in %.1f s): %s%n", records, loadSeconds,
        mismatches == 0 ? "all match" : mismatches + " did not match");
    out.printf("  local single get latency: p50 %d µs, p99 %d µs, max %d µs%n",
        latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99),
        latencies.getMaxValue());
    out.flush();
    if (mismatches > 0) {
      throw new CliException("read back " + mismatches + " records through the Da Vinci client"
          + " that do not match what was pushed");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("daVinciLoadSeconds", loadSeconds);
    report.put("daVinciP50Micros", latencies.getValueAtPercentile(50));
    report.put("daVinciP99Micros", latencies.getValueAtPercentile(99));
    return report;
  }
}
