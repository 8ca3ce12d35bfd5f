package dev.venice.benchmarks.writeamp;

import dev.venice.benchmarks.writeamp.Workload.Pace;
import dev.venice.runtime.server.PartitionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The write-amplification benchmark of seed project 47: writes a fixed {@link Workload} into a
 * server's own partition store ({@link PartitionStore}, opened with statistics on: the server's
 * production RocksDB options and its real write path, one {@link PartitionStore#apply} per record
 * as ingestion does), then flushes and waits until no flush or compaction is running or pending
 * (read from {@link PartitionStore#engineStats()}), and reports the {@link WriteAmplification} (flush + compaction bytes written ÷ user bytes), the
 * throughput and the latency of one record's write batch. With {@code --baseline} it compares the
 * median of its runs with the committed baseline and exits 1 when it is more than the baseline's
 * allowed rise (10%) above it, printing both figures; this is the CI check
 * ({@code bin/test-tools/check-write-amplification}). Exit codes: 0 within the baseline (or no
 * baseline given), 1 regression, 2 bad arguments or a workload other than the baseline's.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.venice.benchmarks.writeamp.WriteAmplificationBenchmark \
 *   --workload short --baseline benchmarks/baselines/write-amplification.json
 * </pre>
 */
@Command(name = "write-amplification", mixinStandardHelpOptions = true,
    description = "Writes a fixed workload through the server's PartitionStore (its RocksDB options"
        + " and write path) and reports write amplification ((flush + compaction bytes written) / user bytes) and throughput.",
    footer = {"", "Examples:",
        "  ... WriteAmplificationBenchmark --workload short --baseline"
            + " benchmarks/baselines/write-amplification.json",
        "  ... WriteAmplificationBenchmark --workload full --runs 3",
        "  ... WriteAmplificationBenchmark --workload short --runs 3"
            + " --write-baseline benchmarks/baselines/write-amplification.json",
        "Exit codes: 0 ok, 1 write amplification above baseline x (1 + maxIncrease), 2 bad input."})
public final class WriteAmplificationBenchmark implements Callable<Integer> {
  @Option(names = "--workload", defaultValue = "short",
      description = "short (the CI check's, ~470 MB) or full (the report's, ~2.6 GB).")
  String workload;
  @Option(names = "--keys", description = "Override the workload's distinct keys.")
  Long keys;
  @Option(names = "--overwrites", description = "Override the workload's overwrites.")
  Long overwrites;
  @Option(names = "--value-bytes", description = "Override the workload's value size.")
  Integer valueBytes;
  @Option(names = "--seed", description = "Override the workload's seed.")
  Long seed;
  @Option(names = "--pace", description = "Override the workload's pace: QUIESCENT or FREE.")
  Pace pace;
  @Option(names = "--runs", defaultValue = "1", description = "Runs; the median is compared.")
  int runs;
  @Option(names = "--dir", description = "Parent of the temporary database (default: java.io.tmpdir).")
  Path dir;
  @Option(names = "--baseline", description = "Baseline JSON to compare with (exit 1 above it).")
  Path baseline;
  @Option(names = "--write-baseline", description = "Write the median as the new baseline here.")
  Path writeBaseline;
  @Option(names = "--max-increase", defaultValue = "0.10",
      description = "Allowed rise stored by --write-baseline (0.10 = 10%%).")
  double maxIncrease;
  @Option(names = "--override", description = "SELF-TEST ONLY: a column-family option name=value on"
      + " top of the production options, e.g. write_buffer_size=8388608.")
  Map<String, String> overrides = new LinkedHashMap<>();
  /** {@link #overrides}, parsed. */
  private OptionOverrides tuning = new OptionOverrides(Map.of());

  public static void main(String[] args) {
    System.exit(new CommandLine(new WriteAmplificationBenchmark())
        .setParameterExceptionHandler((e, a) -> {
          System.err.println("write-amplification: " + e.getMessage());
          return 2;
        })
        .execute(args));
  }

  /** One run's figures. */
  record Run(WriteAmplification wa, long records, double writeSeconds, double totalSeconds,
      long waitsForCompaction, double waitSeconds, long p50Nanos, long p99Nanos, long maxNanos,
      long bytesWrittenTicker, long compactReadBytes, long liveSstBytes,
      Map<String, Long> levels) {}

  @Override
  public Integer call() throws Exception {
    Workload w;
    try {
      w = workload();
      tuning = new OptionOverrides(overrides);
      if (runs < 1) {
        throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
      }
      if (writeBaseline != null && !overrides.isEmpty()) {
        throw new IllegalArgumentException("--write-baseline refuses --override: a baseline is"
            + " measured with the production options only");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("write-amplification: " + e.getMessage());
      return 2;
    }
    Baseline base = null;
    if (baseline != null) {
      try {
        base = Baseline.read(baseline);
      } catch (IOException e) {
        System.err.println("write-amplification: " + e.getMessage());
        return 2;
      }
      if (!base.sameWorkload(w)) {
        System.err.println("write-amplification: workload " + w.parameters() + " is not the"
            + " baseline's " + base.workload() + " (" + baseline + "); measure a new baseline"
            + " with --write-baseline instead of comparing");
        return 2;
      }
    }
    System.out.println("workload " + w.describe());
    System.out.println("write path: the server's PartitionStore with its StorageOptions (RocksDB "
        + rocksDbVersion() + "), statistics on"
        + (tuning.isEmpty() ? "" : " WITH SELF-TEST OVERRIDES " + tuning));
    List<Double> figures = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Run r = run(w);
      figures.add(r.wa().value());
      print(i, r);
    }
    double median = median(figures);
    if (runs > 1) {
      System.out.printf("write amplification over %d runs: median %.4f, min %.4f, max %.4f"
          + " (spread %.2f%% of the median)%n", runs, median, min(figures), max(figures),
          100 * (max(figures) - min(figures)) / median);
    }
    if (writeBaseline != null) {
      new Baseline(w.parameters(), round4(median), maxIncrease,
          figures.stream().map(WriteAmplificationBenchmark::round4).toList(), machine())
          .write(writeBaseline);
      System.out.println("baseline written to " + writeBaseline);
    }
    if (base != null) {
      double limit = WriteAmplification.limit(base.writeAmplification(), base.maxIncrease());
      boolean regressed = WriteAmplification.regressed(median, base.writeAmplification(),
          base.maxIncrease());
      double change = 100 * (median / base.writeAmplification() - 1);
      System.out.printf("%s: write amplification %.4f, baseline %.4f (%s), limit %.4f"
          + " (+%.0f%%): %s%n", regressed ? "FAILED" : "ok", median, base.writeAmplification(),
          baseline, limit, 100 * base.maxIncrease(),
          regressed ? String.format("%.1f%% above the baseline", change)
              : String.format("%+.1f%% from the baseline", Math.abs(change) < 0.05 ? 0 : change));
      return regressed ? 1 : 0;
    }
    return 0;
  }

  private Workload workload() {
    Workload preset = switch (workload) {
      case "short" -> Workload.shortRun();
      case "full" -> Workload.fullRun();
      default -> throw new IllegalArgumentException("--workload: unknown '" + workload
          + "', use short or full");
    };
    if (keys == null && overwrites == null && valueBytes == null && seed == null && pace == null) {
      return preset;
    }
    return new Workload("custom", keys != null ? keys : preset.keys(),
        overwrites != null ? overwrites : preset.overwrites(), preset.keyBytes(),
        valueBytes != null ? valueBytes : preset.valueBytes(),
        seed != null ? seed : preset.seed(), pace != null ? pace : preset.pace());
  }

  /** Writes the workload into a new temporary partition store, settles it, measures, deletes it. */
  Run run(Workload w) throws IOException, RocksDBException {
    Path parent = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(parent);
    Path db = Files.createTempDirectory(parent, "venice-writeamp-");
    try (PartitionStore store = PartitionStore.open(db, true, tuning.isEmpty() ? null : tuning)) {
      Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
      SplittableRandom values = new SplittableRandom(w.seed());
      SplittableRandom picks = new SplittableRandom(~w.seed());
      byte[] value = new byte[w.valueBytes()];
      long userBytes = 0;
      long waits = 0;
      long waitNanos = 0;
      long start = System.nanoTime();
      long offset = 0;
      for (long i = 0; i < w.records(); i++) {
        if (w.pace() == Pace.QUIESCENT && (i & 63) == 0 && !idle(store.engineStats())) {
          long t = System.nanoTime();
          awaitIdle(store, 10, TimeUnit.MINUTES);
          waits++;
          waitNanos += System.nanoTime() - t;
        }
        boolean push = i < w.keys();
        byte[] key = key(push ? i : picks.nextLong(w.keys()), w.seed());
        values.nextBytes(value);
        byte[] stored = PartitionStore.record(1, value);
        long t = System.nanoTime();
        offset++;
        if (push) {
          store.apply(offset, "push-job", i, -1, key, stored);
        } else {
          long j = i - w.keys();
          store.apply(offset, "leader", j, j, key, stored);
        }
        latency.recordValue(Math.min(System.nanoTime() - t, latency.getHighestTrackableValue()));
        userBytes += key.length + stored.length;
        if (i == w.keys() - 1) {
          store.endOfPush(++offset, "push-job", i + 1);
        }
      }
      long written = System.nanoTime();
      store.flush();
      Map<String, Long> stats = awaitIdle(store, 10, TimeUnit.MINUTES);
      long settled = System.nanoTime();
      if (userBytes != w.userBytes()) {
        throw new IllegalStateException("wrote " + userBytes + " user bytes, expected "
            + w.userBytes() + " (has the stored record format changed? see"
            + " PartitionStore.record and Workload.SCHEMA_ID_BYTES)");
      }
      WriteAmplification wa = new WriteAmplification(userBytes,
          stat(stats, "rocksdb.flush.write.bytes"), stat(stats, "rocksdb.compact.write.bytes"));
      return new Run(wa, w.records(), (written - start) / 1e9, (settled - start) / 1e9, waits,
          waitNanos / 1e9, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
          latency.getMaxValue(), stat(stats, "rocksdb.bytes.written"),
          stat(stats, "rocksdb.compact.read.bytes"), stat(stats, "rocksdb.live-sst-files-size"),
          levels(stats));
    } finally {
      deleteRecursively(db);
    }
  }

  /**
   * Whether the store's RocksDB runs no flush or compaction (the database's counts) and has none
   * pending (the data column family's flags), from {@link PartitionStore#engineStats()}.
   */
  static boolean idle(Map<String, Long> stats) {
    return stat(stats, "rocksdb.num-running-compactions") == 0
        && stat(stats, "rocksdb.compaction-pending") == 0
        && stat(stats, "rocksdb.num-running-flushes") == 0
        && stat(stats, "rocksdb.mem-table-flush-pending") == 0;
  }

  /**
   * Waits until the store is {@link #idle}, polling its statistics every millisecond.
   *
   * @return the statistics read when idle
   * @throws IllegalStateException when background work is still going at the deadline
   */
  static Map<String, Long> awaitIdle(PartitionStore store, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      Map<String, Long> stats = store.engineStats();
      if (idle(stats)) {
        return stats;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("RocksDB still flushing or compacting after " + timeout
            + " " + unit + ": " + levels(stats));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** A statistic the store reports with statistics on; its absence is a changed store. */
  private static long stat(Map<String, Long> stats, String name) {
    Long value = stats.get(name);
    if (value == null) {
      throw new IllegalStateException("PartitionStore.engineStats() has no " + name + ": "
          + stats.keySet());
    }
    return value;
  }

  /** The data column family's SST files per level, from level 0 to the last non-empty one. */
  static Map<String, Long> levels(Map<String, Long> stats) {
    Map<String, Long> files = new LinkedHashMap<>();
    for (int level = 0; stats.containsKey("rocksdb.num-files-at-level" + level); level++) {
      files.put("L" + level, stats.get("rocksdb.num-files-at-level" + level));
    }
    return files;
  }

  /**
   * Key {@code index}: the 16 hex digits of a bijective 64-bit mix of it (unique, unsorted); also
   * the keys of the ingestion-throughput benchmark, so both write the same record shapes.
   */
  public static byte[] key(long index, long seed) {
    return String.format("%016x", mix64(index ^ (seed * 0x9E3779B97F4A7C15L)))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a bijection. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void print(int i, Run r) {
    WriteAmplification wa = r.wa();
    System.out.printf("run %d: write amplification %.4f = (flush %,d + compaction %,d bytes) /"
            + " %,d user bytes%n", i, wa.value(), wa.flushBytes(), wa.compactionBytes(),
        wa.userBytes());
    System.out.printf("  %,d records in %.1f s writing (%,.0f records/s, %.1f MB/s of user bytes),"
            + " %.1f s with the final flush and compactions; %d waits for background work,"
            + " %.1f s%n", r.records(), r.writeSeconds(), r.records() / r.writeSeconds(),
        wa.userBytes() / 1e6 / r.writeSeconds(), r.totalSeconds(), r.waitsForCompaction(),
        r.waitSeconds());
    System.out.printf("  one record's write batch: p50 %.1f us, p99 %.1f us, max %.1f ms%n",
        r.p50Nanos() / 1e3, r.p99Nanos() / 1e3, r.maxNanos() / 1e6);
    System.out.printf("  rocksdb.bytes.written %,d (batches incl. meta), compaction read %,d,"
            + " live SST %,d bytes, data files per level %s%n", r.bytesWrittenTicker(),
        r.compactReadBytes(), r.liveSstBytes(), r.levels());
  }

  private static String rocksDbVersion() {
    RocksDB.loadLibrary();
    return RocksDB.rocksdbVersion().toString();
  }

  private static String machine() {
    return Runtime.getRuntime().availableProcessors() + " CPUs, Java "
        + System.getProperty("java.version") + ", RocksDB " + rocksDbVersion() + ", "
        + java.time.LocalDate.now();
  }

  static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static double min(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  private static double max(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  private static double round4(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
