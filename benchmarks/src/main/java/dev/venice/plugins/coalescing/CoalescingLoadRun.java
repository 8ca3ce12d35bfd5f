package dev.venice.plugins.coalescing;

import dev.venice.benchmarks.LoadCluster;
import dev.venice.benchmarks.LoadReport;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hot-key load run of issue 15: starts a local cluster, pushes a store, and has many threads
 * read one hot key for a fixed time through a fast client, with coalescing off and then on. Writes
 * a Markdown report: the machine, the command, client gets, server-side lookups (from the servers'
 * {@code venice_server_read_keys_total} at {@code /metrics}), gets coalesced, latency p50/p99/p99.9
 * and the wrong values readers saw (which must be 0). Not run in CI: {@code java -cp
 * benchmarks/target/benchmarks.jar dev.venice.plugins.coalescing.CoalescingLoadRun --report
 * benchmarks/results/load-hot-key-<date>.md}.
 */
@Command(name = "coalescing-load-run", mixinStandardHelpOptions = true,
    description = "Server lookups and latency of one hot key, coalescing off vs on.")
public final class CoalescingLoadRun implements Callable<Integer> {
  @Option(names = "--threads", defaultValue = "64", description = "Reader threads.")
  int threads;
  @Option(names = "--seconds", defaultValue = "15", description = "Measured seconds per mode.")
  int seconds;
  @Option(names = "--warm-up-seconds", defaultValue = "3", description = "Warm-up per mode.")
  int warmUpSeconds;
  @Option(names = "--window", defaultValue = "1ms", description = "Coalescing window.")
  String window;
  @Option(names = "--report", required = true, description = "Markdown report to write.")
  Path report;

  private static final String STORE = "hot";
  private static final String HOT_KEY = "k0";
  private static final int RECORDS = 100;

  /** Runs the load run. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CoalescingLoadRun()).execute(args));
  }

  private record Result(String mode, long gets, double seconds, double lookups, double coalesced,
      long wrongValues, Histogram latency) {}

  @Override
  public Integer call() throws Exception {
    String command = LoadReport.command();
    try (LoadCluster cluster = LoadCluster.start(2, STORE, 2, 2, RECORDS,
        i -> payload("k" + i))) {
      List<Result> results = new ArrayList<>();
      results.add(drive(cluster, false));
      results.add(drive(cluster, true));
      write(command, results);
    }
    System.out.println("report written to " + report);
    return 0;
  }

  private static String payload(String key) {
    return "value of " + key + " " + "x".repeat(90);
  }

  private Result drive(LoadCluster cluster, boolean coalescing) throws Exception {
    Map<String, String> plugins = new HashMap<>();
    if (coalescing) {
      plugins.put("plugins.coalescing.enabled", "true");
      plugins.put("plugins.coalescing.window", window);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), cluster.store()).pluginConfig(plugins).meterRegistry(registry)
        .fast()) {
      LongAdder wrong = new LongAdder();
      run(client, null, Duration.ofSeconds(warmUpSeconds), wrong);
      double lookupsBefore = cluster.serverKeysRead();
      double coalescedBefore = coalesced(registry);
      wrong.reset();
      Recorder recorder = new Recorder(3);
      long start = System.nanoTime();
      long gets = run(client, recorder, Duration.ofSeconds(seconds), wrong);
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(coalescing ? "coalescing on (window " + window + ")" : "coalescing off",
          gets, elapsed, cluster.serverKeysRead() - lookupsBefore,
          coalesced(registry) - coalescedBefore, wrong.sum(), recorder.getIntervalHistogram());
    }
  }

  /** {@link #threads} readers of the hot key for {@code length}; returns the gets made. */
  private long run(StoreClient<String, GenericRecord> client, Recorder recorder, Duration length,
      LongAdder wrong) throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    String expected = payload(HOT_KEY);
    LongAdder gets = new LongAdder();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread reader = new Thread(() -> {
        while (System.nanoTime() < end) {
          long begin = System.nanoTime();
          GenericRecord value = client.get(HOT_KEY).join();
          if (recorder != null) {
            LoadReport.recordNanos(recorder, System.nanoTime() - begin);
          }
          if (value == null || !expected.equals(value.get("payload").toString())) {
            wrong.increment();
          }
          gets.increment();
        }
      }, "reader-" + t);
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    return gets.sum();
  }

  private static double coalesced(SimpleMeterRegistry registry) {
    Counter counter = registry.find("venice.client.coalescing.coalesced").counter();
    return counter == null ? 0 : counter.count();
  }

  private void write(String command, List<Result> results) throws IOException {
    try (PrintWriter out = LoadReport.open(report)) {
      out.printf("# Hot-key load run, coalescing off and on — %s%n%n", LocalDate.now());
      out.printf("Machine: %s.%n%n", LoadReport.machine());
      out.printf("Command: `%s`%n%n", command);
      out.printf("Set-up: local cluster in one JVM (ZooKeeper, KRaft Kafka, 1 controller, 2"
          + " servers, 1 router), store `%s` (2 partitions, replication 2, %d records of ~100"
          + " bytes), fast client, %d reader threads all reading key `%s`, %d s measured per"
          + " mode after %d s warm-up. Server lookups: the growth of"
          + " `venice_server_read_keys_total` summed over both servers' `/metrics` during the"
          + " measured time.%n%n", STORE, RECORDS, threads,
          HOT_KEY, seconds, warmUpSeconds);
      out.printf("| mode | client gets | gets/s | server lookups | lookups per get | coalesced |"
          + " p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | wrong values |%n"
          + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
      for (Result r : results) {
        out.printf("| %s | %,d | %,.0f | %,.0f | %.3f | %,.0f | %.2f | %.2f | %.2f | %.2f | %d"
            + " |%n", r.mode(), r.gets(), r.gets() / r.seconds(), r.lookups(),
            r.lookups() / Math.max(1, r.gets()), r.coalesced(), ms(r.latency(), 50),
            ms(r.latency(), 99), ms(r.latency(), 99.9), r.latency().getMaxValue() / 1e3,
            r.wrongValues());
      }
      Result off = results.get(0);
      Result on = results.get(1);
      out.printf("%nMeasured in this run: server lookups per get %.3f off, %.3f on (%.1f× fewer);"
          + " throughput on / off %.2f×; p99 off / on %.2f×; wrong values %d.%n",
          off.lookups() / Math.max(1, off.gets()), on.lookups() / Math.max(1, on.gets()),
          (off.lookups() / Math.max(1, off.gets())) / Math.max(1e-9, on.lookups()
              / Math.max(1, on.gets())),
          (on.gets() / on.seconds()) / (off.gets() / off.seconds()),
          ms(off.latency(), 99) / ms(on.latency(), 99), off.wrongValues() + on.wrongValues());
    }
  }

  private static double ms(Histogram h, double percentile) {
    return LoadReport.ms(h, percentile);
  }
}
