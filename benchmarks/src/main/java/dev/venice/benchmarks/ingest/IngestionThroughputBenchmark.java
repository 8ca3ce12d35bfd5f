package dev.venice.benchmarks.ingest;

import static dev.venice.benchmarks.LoadReport.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.benchmarks.LoadReport;
import dev.venice.benchmarks.LoadReport.Spread;
import dev.venice.benchmarks.writeamp.WriteAmplificationBenchmark;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.server.PartitionStore;
import dev.venice.runtime.server.StorageOptions;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ingestion throughput benchmark (issue 20 item 7): records per second from a pre-filled
 * version topic into RocksDB on a server, against raw RocksDB puts of the same records with the
 * same options in the same run, with and without the {@code ingestion-stage-metrics} plugin.
 *
 * <p>Arms, interleaved over rounds (the starting arm rotates), after {@code --warm-up-rounds} (1)
 * of all arms that are not counted (a cold JIT would slow whichever arm runs first):
 *
 * <ul>
 *   <li>{@link Arm#INGEST} / {@link Arm#INGEST_STAGE_METRICS}: a new store (1 partition,
 *       replication 1) whose version topic is filled with start-of-push, {@code records} puts and
 *       end-of-push <b>before</b> any server holds it (the cluster has no running server then);
 *       then a fresh server joins and Helix gives it the replica. Timed from the first applied
 *       record seen (the replica's applied-record count, polled every millisecond) until the
 *       replica reports itself ready (caught up after end-of-push, {@link VeniceServer#isReady}),
 *       so server start-up and the replica's open are excluded (also reported from the join).
 *       The plugin is loaded on every server with {@code stores-enabled-by-default=false} and
 *       switched on only for the metrics arm's store (store plugin settings), so the plain arm's
 *       replica has no ingestion hook at all, as on a server without the plugin.
 *   <li>{@link Arm#RAW_APPLY}: the same keys and values through the server's own {@link
 *       PartitionStore#apply} (the production options from {@link StorageOptions}, one {@code
 *       WriteBatch} per record with its progress puts), on this thread: ingestion's storage work
 *       without Kafka.
 *   <li>{@link Arm#RAW_PUT}: one plain {@link RocksDB#put} per record into the data column family
 *       of a database opened with the same {@link StorageOptions}: the floor of a RocksDB write.
 * </ul>
 *
 * Keys are the write-amplification workload's 16-byte hex keys; values are {@code value-bytes}
 * random (incompressible) bytes from a pool of 1,024 (stored behind the 4-byte schema id). The
 * metrics arm's per-stage totals (the plugin's {@code /plugins/ingestion-stage-metrics/breakdown})
 * say where ingestion's time goes. Not part of CI; a smoke run: {@code --records 20000 --rounds
 * 1}.
 */
@Command(name = "ingestion-throughput", mixinStandardHelpOptions = true,
    description = "Records/s from a pre-filled version topic into a server's RocksDB vs raw"
        + " RocksDB puts of the same records (same options), with and without the"
        + " ingestion-stage-metrics plugin; writes a Markdown report.")
public final class IngestionThroughputBenchmark implements Callable<Integer> {
  private static final String PLUGIN = "ingestion-stage-metrics";
  private static final int SCHEMA_ID = 1;
  private static final int VALUE_POOL = 1024;
  private static final Duration INGEST_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** What one round measures. */
  enum Arm {
    INGEST("ingestion"), INGEST_STAGE_METRICS("ingestion + stage metrics"),
    RAW_APPLY("raw PartitionStore.apply"), RAW_PUT("raw RocksDB.put");

    final String label;

    Arm(String label) {
      this.label = label;
    }

    boolean ingests() {
      return this == INGEST || this == INGEST_STAGE_METRICS;
    }
  }

  @Option(names = "--records", defaultValue = "300000", description = "Records per arm (default 300,000).")
  int records;
  @Option(names = "--value-bytes", defaultValue = "1024", description = "Value bytes per record (default 1,024).")
  int valueBytes;
  @Option(names = "--rounds", defaultValue = "3", description = "Rounds; every arm once per round (default 3).")
  int rounds;
  @Option(names = "--warm-up-rounds", defaultValue = "1",
      description = "Rounds of every arm run first and not counted (JIT, page cache; default 1).")
  int warmUpRounds;
  @Option(names = "--seed", defaultValue = "47", description = "Seed of keys and values (default 47).")
  long seed;
  @Option(names = "--report", required = true, description = "The Markdown report to write.")
  Path report;

  private byte[][] values;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestionThroughputBenchmark()).execute(args));
  }

  /**
   * One arm's measurement.
   *
   * @param seconds the timed span (see the class comment)
   * @param timedRecords the records applied within it
   * @param fromJoinSeconds ingestion only: from the server's start to ready; NaN for raw arms
   * @param cpuSeconds this JVM's CPU time over the timed span (all threads: Kafka too)
   * @param stageMeanNanos the metrics arm only: mean nanoseconds per record of each stage
   */
  record Measurement(Arm arm, int round, double seconds, long timedRecords, double fromJoinSeconds,
      double cpuSeconds, Map<String, Double> stageMeanNanos) {
    double recordsPerSecond() {
      return timedRecords / seconds;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (records < 1 || valueBytes < 1 || rounds < 1 || warmUpRounds < 0) {
      System.err.println("ingestion-throughput: --records, --value-bytes and --rounds must be"
          + " positive (got " + records + ", " + valueBytes + ", " + rounds + ")");
      return 2;
    }
    SplittableRandom random = new SplittableRandom(seed);
    values = new byte[VALUE_POOL][valueBytes];
    for (byte[] v : values) {
      random.nextBytes(v);
    }
    List<Measurement> all = new ArrayList<>();
    long started = System.nanoTime();
    try (LocalCluster cluster = LocalCluster.builder().servers(0).routers(0)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugins." + PLUGIN + ".enabled", "true")
        .serverConfig("plugins." + PLUGIN + ".stores-enabled-by-default", "false").build()) {
      Arm[] arms = Arm.values();
      // rounds up to 0 warm up and are not counted
      for (int round = 1 - warmUpRounds; round <= rounds; round++) {
        for (int i = 0; i < arms.length; i++) {
          Arm arm = arms[Math.floorMod(i + round - 1, arms.length)];
          Measurement m = arm.ingests() ? ingest(cluster, arm, round) : raw(arm, round);
          System.out.println(f("%s %d %-27s %,10.0f records/s (%.2f s, %,d records, CPU %.2f s)",
              round > 0 ? "round" : "warm-up", round, arm.label, m.recordsPerSecond(),
              m.seconds(), m.timedRecords(), m.cpuSeconds()));
          if (round > 0) {
            all.add(m);
          }
        }
      }
    }
    write(all, (System.nanoTime() - started) / 1e9);
    System.out.println("report written to " + report);
    return 0;
  }

  private byte[] key(int i) {
    return WriteAmplificationBenchmark.key(i, seed);
  }

  private byte[] value(int i) {
    return values[i % VALUE_POOL];
  }

  /** Fills a new store's version topic, lets a fresh server ingest it, and times that. */
  private Measurement ingest(LocalCluster cluster, Arm arm, int round) throws Exception {
    String store = "ingest-r" + (round + warmUpRounds) + "-"
        + arm.name().toLowerCase().replace('_', '-');
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore(Map.of("name", store, "keySchema", "\"string\"", "valueSchema",
        "\"bytes\"", "partitionCount", 1, "replicationFactor", 1, "pluginSettings",
        Map.of("plugins." + PLUGIN + ".enabled",
            Boolean.toString(arm == Arm.INGEST_STAGE_METRICS))));
    String topic = TopicNames.versionTopic(store, admin.startPush(store).number());
    try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), topic, 1)) {
      writer.startOfPush(CompressionStrategy.NO_OP).join();
      CompletableFuture<?> last = null;
      for (int i = 0; i < records; i++) {
        last = writer.put(key(i), value(i), SCHEMA_ID);
      }
      last.join();
      writer.endOfPush().join();
    }
    long join = System.nanoTime();
    VeniceServer server = cluster.addServer();
    try {
      long[] first = await("first record of " + topic + " applied", () -> server
          .replicaCounts(topic, 0).filter(c -> c[1] > 0).map(c -> new long[] {System.nanoTime(),
              c[1]}));
      long cpu = LoadReport.processCpuNanos();
      long ready = await(topic + " ready on " + server.instanceId(), () -> server
          .isReady(topic, 0) ? Optional.of(System.nanoTime()) : Optional.empty());
      cpu = LoadReport.processCpuNanos() - cpu;
      long[] counts = server.replicaCounts(topic, 0).orElseThrow();
      if (counts[0] != records || counts[1] != records) {
        throw new IllegalStateException(topic + ": " + counts[0] + " keys and " + counts[1]
            + " records applied, expected " + records);
      }
      Map<String, Double> stages = stageMeans(server, store);
      if (stages.containsKey("APPLY") != (arm == Arm.INGEST_STAGE_METRICS)) {
        throw new IllegalStateException(arm.label + ": " + PLUGIN + " was "
            + (stages.isEmpty() ? "off" : "on") + " for " + store + " (" + stages + ")");
      }
      return new Measurement(arm, round, (ready - first[0]) / 1e9, records - first[1],
          (ready - join) / 1e9, cpu / 1e9, stages);
    } finally {
      cluster.stopServer(server);
      admin.deleteStore(store);
    }
  }

  /** Polls {@code probe} every millisecond until it answers; fails at {@link #INGEST_TIMEOUT}. */
  private static <T> T await(String what, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + INGEST_TIMEOUT.toNanos();
    while (true) {
      Optional<T> answer = probe.get();
      if (answer.isPresent()) {
        return answer.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + INGEST_TIMEOUT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * Mean nanoseconds per record of each stage the plugin timed for {@code store}, from its totals;
   * empty when the plugin is off for the store (its endpoint then answers every count 0).
   */
  private static Map<String, Double> stageMeans(VeniceServer server, String store)
      throws IOException, InterruptedException {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(server.adminUrl()
            + "/plugins/" + PLUGIN + "/breakdown?store=" + store)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(PLUGIN + " breakdown of " + store + ": HTTP "
          + answer.statusCode() + " " + answer.body());
    }
    Map<String, Double> means = new LinkedHashMap<>();
    for (JsonNode stores : JSON.readTree(answer.body()).path("stores")) {
      for (JsonNode stage : stores.path("stages")) {
        long count = stage.path("totalCount").asLong();
        if (stage.path("used").asBoolean() && count > 0) {
          means.put(stage.path("stage").asText(), stage.path("totalNanos").asDouble() / count);
        }
      }
    }
    return means;
  }

  /** Writes the records straight into a new RocksDB with the server's options, on this thread. */
  private Measurement raw(Arm arm, int round) throws IOException, RocksDBException {
    Path dir = Files.createTempDirectory("venice-ingest-raw-");
    try {
      long cpu = LoadReport.processCpuNanos();
      long seconds;
      if (arm == Arm.RAW_APPLY) {
        // the server's storage.statistics.enabled defaults to false: the same here
        try (PartitionStore store = PartitionStore.open(dir, false)) {
          long start = System.nanoTime();
          for (int i = 0; i < records; i++) {
            // offset 0 would be start-of-push: records follow it, as in the topic
            store.apply(i + 1, "push-job", i + 1, -1, key(i),
                PartitionStore.record(SCHEMA_ID, value(i)));
          }
          store.endOfPush(records + 1, "push-job", records + 1);
          seconds = System.nanoTime() - start;
        }
      } else {
        seconds = plainPuts(dir);
      }
      cpu = LoadReport.processCpuNanos() - cpu;
      return new Measurement(arm, round, seconds / 1e9, records, Double.NaN, cpu / 1e9, Map.of());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** One {@link RocksDB#put} per record into the data column family; returns the nanoseconds. */
  private long plainPuts(Path dir) throws RocksDBException {
    try (DBOptions dbOptions = StorageOptions.dbOptions();
        ColumnFamilyOptions cfOptions = StorageOptions.columnFamilyOptions();
        WriteOptions write = new WriteOptions()) {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB db = RocksDB.open(dbOptions, dir.toString(), List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
          new ColumnFamilyDescriptor("meta".getBytes(), cfOptions)), handles)) {
        try {
          long start = System.nanoTime();
          for (int i = 0; i < records; i++) {
            db.put(handles.get(0), write, key(i), PartitionStore.record(SCHEMA_ID, value(i)));
          }
          return System.nanoTime() - start;
        } finally {
          handles.forEach(ColumnFamilyHandle::close);
        }
      }
    }
  }

  private void write(List<Measurement> all, double totalSeconds) throws IOException {
    Map<Arm, List<Measurement>> byArm = new EnumMap<>(Arm.class);
    all.forEach(m -> byArm.computeIfAbsent(m.arm(), a -> new ArrayList<>()).add(m));
    double recordBytes = 16 + 4 + valueBytes;
    try (PrintWriter out = LoadReport.open(report)) {
      out.println("# Ingestion throughput: version topic to RocksDB vs raw puts");
      out.println();
      out.println("- **Machine:** " + LoadReport.machine() + ". ZooKeeper, Kafka, the controller"
          + " and the server all run in this one JVM and share its cores with ingestion.");
      out.println("- **Command:** `" + LoadReport.command() + "`");
      out.println("- **Code:** `" + LoadReport.codeVersion() + "`; RocksDB "
          + RocksDB.rocksdbVersion() + "; " + rounds + " rounds after " + warmUpRounds
          + " not counted, " + f("%.0f", totalSeconds) + " s in all");
      out.println(f("- **Records:** %,d per arm: 16-byte keys (the write-amplification"
          + " workload's hex keys, seed %d), %,d-byte random values from a pool of %,d, stored"
          + " behind a 4-byte schema id (%,.0f bytes of user data per record, %,.1f MB per arm);"
          + " one partition, replication 1, no compression.", records, seed, valueBytes,
          VALUE_POOL, recordBytes, records * recordBytes / 1e6));
      out.println("- **Method:** see `benchmarks/README.md` (Ingestion throughput) and the"
          + " Javadoc of `IngestionThroughputBenchmark`: ingestion is timed from the first"
          + " applied record to the replica's ready (caught up after end-of-push) on a fresh"
          + " server joining a pre-filled topic; raw arms write the same records on one thread"
          + " with the server's `StorageOptions`. Arms interleaved, the first arm rotating per"
          + " round.");
      out.println();
      out.println("## Results (median [min–max] over rounds)");
      out.println();
      LoadReport.tableHeader(out, "arm", "records/s", "MB/s (user bytes)", "CPU µs per record"
          + " (whole JVM)", "s from server start to ready");
      Map<Arm, Spread> rate = new EnumMap<>(Arm.class);
      for (Arm arm : Arm.values()) {
        List<Measurement> ms = byArm.get(arm);
        Spread r = Spread.of(ms.stream().map(Measurement::recordsPerSecond).toList());
        rate.put(arm, r);
        LoadReport.tableRow(out, arm.label, r.format("%,.0f"),
            Spread.of(ms.stream().map(m -> m.recordsPerSecond() * recordBytes / 1e6).toList())
                .format("%.1f"),
            Spread.of(ms.stream().map(m -> m.cpuSeconds() * 1e6 / m.timedRecords()).toList())
                .format("%.1f"),
            Spread.of(ms.stream().map(Measurement::fromJoinSeconds).toList()).format("%.2f"));
      }
      out.println();
      out.println("Every round:");
      out.println();
      LoadReport.tableHeader(out, "round", "arm", "records/s", "timed s", "records timed");
      for (Measurement m : all) {
        LoadReport.tableRow(out, m.round(), m.arm().label, f("%,.0f", m.recordsPerSecond()),
            f("%.3f", m.seconds()), f("%,d", m.timedRecords()));
      }
      out.println();
      out.println("## Ratios and goals");
      out.println();
      double ingestVsApply = rate.get(Arm.INGEST).median() / rate.get(Arm.RAW_APPLY).median();
      double ingestVsPut = rate.get(Arm.INGEST).median() / rate.get(Arm.RAW_PUT).median();
      double metricsCost = 1 - rate.get(Arm.INGEST_STAGE_METRICS).median()
          / rate.get(Arm.INGEST).median();
      List<Double> pairedCost = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        pairedCost.add(1 - perRound(byArm, Arm.INGEST_STAGE_METRICS, round)
            / perRound(byArm, Arm.INGEST, round));
      }
      LoadReport.tableHeader(out, "ratio", "value", "goal", "met");
      LoadReport.tableRow(out, "ingestion ÷ raw `RocksDB.put`", f("%.1f%%", 100 * ingestVsPut),
          "≥ 50%", ingestVsPut >= 0.5 ? "yes" : f("no (%.1f points short)",
              100 * (0.5 - ingestVsPut)));
      LoadReport.tableRow(out, "ingestion ÷ raw `PartitionStore.apply`",
          f("%.1f%%", 100 * ingestVsApply), "(≥ 50%, the same write path without Kafka)",
          ingestVsApply >= 0.5 ? "yes" : "no");
      LoadReport.tableRow(out, "stage metrics' cost (1 − with ÷ without, medians)",
          f("%.1f%%", 100 * metricsCost), "≤ 5%", metricsCost <= 0.05 ? "yes"
              : f("no (%.1f points over)", 100 * (metricsCost - 0.05)));
      LoadReport.tableRow(out, "stage metrics' cost, per round (paired)",
          Spread.of(pairedCost.stream().map(c -> 100 * c).toList()).format("%.1f%%"), "≤ 5%",
          "");
      out.println();
      out.println("## Where ingestion's time goes (the metrics arm's stage totals)");
      out.println();
      out.println("Mean nanoseconds per record of each stage the plugin timed (`CONSUME` is the"
          + " wait from the broker's append to hand-over, not work, and is left out), against"
          + " the wall time per record of the same arm; the rest is the Kafka fetch (`poll`),"
          + " the duplicate check and the counters, outside any stage.");
      out.println();
      LoadReport.tableHeader(out, "round", "wall ns/record", "DECODE", "HOOKS", "APPLY", "rest");
      for (Measurement m : byArm.get(Arm.INGEST_STAGE_METRICS)) {
        double wall = 1e9 / m.recordsPerSecond();
        double decode = m.stageMeanNanos().getOrDefault("DECODE", 0.0);
        double hooks = m.stageMeanNanos().getOrDefault("HOOKS", 0.0);
        double apply = m.stageMeanNanos().getOrDefault("APPLY", 0.0);
        LoadReport.tableRow(out, m.round(), f("%,.0f", wall), f("%,.0f", decode),
            f("%,.0f", hooks), f("%,.0f", apply), f("%,.0f", wall - decode - hooks - apply));
      }
    }
  }

  private static double perRound(Map<Arm, List<Measurement>> byArm, Arm arm, int round) {
    return byArm.get(arm).stream().filter(m -> m.round() == round).findFirst().orElseThrow()
        .recordsPerSecond();
  }
}
