package dev.venice.benchmarks;

import com.google.protobuf.ByteString;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts a local cluster, pushes a data set, drives reads from several threads through a fast
 * client with hedging off and then on (optionally with one replica made slow on a fraction of its
 * calls), measures an empty gRPC call against a server get as a baseline, and writes a Markdown
 * report with p50/p99/p999, throughput, extra load, the machine and the exact command.
 */
@Command(name = "load-runner", mixinStandardHelpOptions = true,
    description = "Measure read latency on a local cluster, hedging off vs on.")
public final class LoadRunner implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "5000", description = "Records pushed.")
  int records;
  @Option(names = "--threads", defaultValue = "4", description = "Reader threads.")
  int threads;
  @Option(names = "--seconds", defaultValue = "15", description = "Measured seconds per mode.")
  int seconds;
  @Option(names = "--slow-replica-ms", defaultValue = "50",
      description = "Latency added to calls to one replica (0: none).")
  int slowMillis;
  @Option(names = "--slow-fraction", defaultValue = "0.1",
      description = "Fraction of that replica's calls that are slow.")
  double slowFraction;
  @Option(names = "--hedge-delay", defaultValue = "5ms", description = "Hedging delay.")
  String hedgeDelay;
  @Option(names = "--hedge-budget", defaultValue = "0.1", description = "Hedging budget.")
  double hedgeBudget;
  @Option(names = "--report", required = true, description = "Markdown report to write.")
  Path report;

  private static final String VALUE_SCHEMA = """
      {"type": "record", "name": "Row", "fields": [{"name": "payload", "type": "string"}]}""";

  /** Runs the load runner. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadRunner()).execute(args));
  }

  private record Result(String mode, long requests, double seconds, Histogram latency,
      double hedges) {}

  @Override
  public Integer call() throws Exception {
    String command = "java " + ProcessHandle.current().info().arguments()
        .map(a -> String.join(" ", a)).orElse("");
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore("bench", "\"string\"", VALUE_SCHEMA, 2, 2);
      Path data = Files.createTempFile("load-runner-", ".jsonl");
      List<String> lines = new ArrayList<>();
      String payload = "x".repeat(100);
      for (int i = 0; i < records; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"payload\": \"" + payload + "\"}}");
      }
      PushJob.create(cluster.controllerUrl(), "bench", Files.write(data, lines)).run();
      Files.delete(data);
      cluster.awaitRoutable("bench", Duration.ofSeconds(60));

      VeniceServer slow = cluster.servers().get(0);
      List<Result> results = new ArrayList<>();
      for (String mode : List.of("hedging off", "hedging on")) {
        results.add(drive(cluster, slow.instanceId(), mode.endsWith("on")));
      }
      Histogram[] baseline = baseline(cluster.servers().get(1));
      write(command, results, baseline);
    }
    System.out.println("report written to " + report);
    return 0;
  }

  private Result drive(LocalCluster cluster, String slowReplica, boolean hedging)
      throws Exception {
    Map<String, String> plugins = new HashMap<>();
    if (slowMillis > 0) {
      plugins.put("plugins.fault-replica-latency.enabled", "true");
      plugins.put("plugins.fault-replica-latency.replica", slowReplica);
      plugins.put("plugins.fault-replica-latency.delay", slowMillis + "ms");
      plugins.put("plugins.fault-replica-latency.probability", Double.toString(slowFraction));
    }
    if (hedging) {
      plugins.put("plugins.hedging.enabled", "true");
      plugins.put("plugins.hedging.delay", hedgeDelay);
      plugins.put("plugins.hedging.budget", Double.toString(hedgeBudget));
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, Object> client = VeniceClients.builder(cluster.routerUrl(), "bench")
        .pluginConfig(plugins).meterRegistry(registry).fast()) {
      run(client, null, Duration.ofSeconds(3)); // warm-up
      double hedgesBefore = hedges(registry);
      Recorder recorder = new Recorder(3);
      long start = System.nanoTime();
      long requests = run(client, recorder, Duration.ofSeconds(seconds));
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(hedging ? "hedging on" : "hedging off", requests, elapsed,
          recorder.getIntervalHistogram(), hedges(registry) - hedgesBefore);
    }
  }

  private long run(StoreClient<String, Object> client, Recorder recorder, Duration length)
      throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    long[] counts = new long[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker = new Thread(() -> {
        while (System.nanoTime() < end) {
          long begin = System.nanoTime();
          client.get("k" + ThreadLocalRandom.current().nextInt(records)).join();
          if (recorder != null) {
            recorder.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
          }
          counts[index]++;
        }
      }, "load-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  /** An empty gRPC call (health check) and a server get, one thread, same server. */
  private Histogram[] baseline(VeniceServer server) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
        .usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      VeniceReadGrpc.VeniceReadBlockingStub reads = VeniceReadGrpc.newBlockingStub(channel);
      Schema key = Schema.create(Schema.Type.STRING);
      Histogram empty = new Histogram(3);
      Histogram get = new Histogram(3);
      for (int i = 0; i < 7000; i++) {
        long begin = System.nanoTime();
        health.check(HealthCheckRequest.getDefaultInstance());
        long mid = System.nanoTime();
        reads.get(GetRequest.newBuilder().setStore("bench").setPartition(-1)
            .setKey(ByteString.copyFrom(AvroSerde.serialize(key, "k" + (i % records)))).build());
        long done = System.nanoTime();
        if (i >= 2000) { // the first 2000 warm up
          empty.recordValue(Math.max(1, (mid - begin) / 1000));
          get.recordValue(Math.max(1, (done - mid) / 1000));
        }
      }
      return new Histogram[] {empty, get};
    } finally {
      channel.shutdownNow();
    }
  }

  private static double hedges(SimpleMeterRegistry registry) {
    var counter = registry.find("venice.client.hedging.hedges.sent").counter();
    return counter == null ? 0 : counter.count();
  }

  private void write(String command, List<Result> results, Histogram[] baseline)
      throws Exception {
    Files.createDirectories(report.toAbsolutePath().getParent());
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(report))) {
      out.printf("# Load run — %s%n%n", LocalDate.now());
      out.printf("Machine: %d cores, %s, %s %s, Java %s (%s), heap max %d MiB.%n%n",
          Runtime.getRuntime().availableProcessors(), cpu(), System.getProperty("os.name"),
          System.getProperty("os.version"), System.getProperty("java.version"),
          System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);
      out.printf("Command: `%s`%n%n", command);
      out.printf("Set-up: local cluster in one JVM (ZooKeeper, KRaft Kafka, 1 controller, 2 servers,"
          + " 1 router), store `bench` (2 partitions, replication 2, %,d records of ~100 bytes),"
          + " fast client, %d reader threads, %d s measured per mode after 3 s warm-up.", records,
          threads, seconds);
      if (slowMillis > 0) {
        out.printf(" One replica is slow: %.0f%% of the client's calls to it wait %d ms"
            + " (fault-replica-latency plugin). Hedging: delay %s, budget %.0f%%.", slowFraction
            * 100, slowMillis, hedgeDelay, hedgeBudget * 100);
      }
      out.printf("%n%n| mode | requests | throughput (req/s) | p50 (ms) | p99 (ms) | p99.9 (ms) |"
          + " max (ms) | hedges (extra load) |%n| --- | --- | --- | --- | --- | --- | --- | --- |%n");
      for (Result r : results) {
        out.printf("| %s | %,d | %,.0f | %.2f | %.2f | %.2f | %.2f | %,.0f (%.1f%%) |%n", r.mode(),
            r.requests(), r.requests() / r.seconds(), ms(r.latency(), 50), ms(r.latency(), 99),
            ms(r.latency(), 99.9), r.latency().getMaxValue() / 1e3, r.hedges(),
            100.0 * r.hedges() / Math.max(1, r.requests()));
      }
      Result off = results.get(0);
      Result on = results.get(1);
      out.printf("%nRatios measured in this run (off / on): p99 %.1f×, p99.9 %.1f×, throughput"
          + " %.2f×.%n", ms(off.latency(), 99) / ms(on.latency(), 99),
          ms(off.latency(), 99.9) / ms(on.latency(), 99.9),
          (off.requests() / off.seconds()) / (on.requests() / on.seconds()));
      out.printf("%nBaseline on the same loopback, one thread, 5,000 calls each to the fast server:"
          + " an empty gRPC call (health check) p50 %.3f ms / p99 %.3f ms; a server get p50 %.3f"
          + " ms / p99 %.3f ms; get / empty at p50: %.2f×.%n", ms(baseline[0], 50),
          ms(baseline[0], 99), ms(baseline[1], 50), ms(baseline[1], 99),
          ms(baseline[1], 50) / ms(baseline[0], 50));
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e3;
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }
}
