package dev.venice.plugins.hotkeys;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The hot-keys plugin's cost per key looked up: {@link HotKeyTracker#afterRead} as the server's
 * read path calls it (the replica's summary found in the map, the key hashed, the summary's lock,
 * the Space-Saving update), with {@code top-k} 100, on 10-byte keys drawn from 1,000,000 distinct
 * keys either Zipf-distributed (exponent 1, a realistic skew: most lookups hit a counted key) or
 * uniformly (the worst case: nearly every lookup replaces the smallest counter and copies its key).
 * On one thread, and on two threads counting into one partition replica's summary (the contended
 * case: the replica's stripes, {@link ReplicaSummary#defaultStripes()}) or each into its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotKeysBenchmark {
  private static final int KEYS = 1 << 14; // a small live set: the GC settles in warm-up
  private static final ReadOutcome FOUND = new ReadOutcome(true, 100, 1_000, false);

  @Param({"zipf", "uniform"})
  public String distribution;

  HotKeyTracker tracker;
  private final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() {
    tracker = new HotKeyTracker(new Fixed(new HotKeysConfig(100)), TimeSource.SYSTEM,
        ReplicaSummary.defaultStripes(), new SimpleMeterRegistry(), "venice.server.hot.keys.");
  }

  /** One thread's lookups: its own partition, or partition 0, and its key sequence. */
  @State(Scope.Thread)
  public static class Lookups {
    ReadRequest[] same;
    ReadRequest[] own;
    int next;

    @Setup(Level.Trial)
    public void setUp(HotKeysBenchmark benchmark) {
      int thread = benchmark.threads.getAndIncrement();
      Random random = new Random(42 + thread);
      double[] cdf = benchmark.distribution.equals("zipf") ? zipfCdf(1_000_000) : null;
      same = new ReadRequest[KEYS];
      own = new ReadRequest[KEYS];
      for (int i = 0; i < KEYS; i++) {
        int id = cdf == null ? random.nextInt(1_000_000) : sample(cdf, random.nextDouble());
        byte[] key = ByteBuffer.allocate(10).putShort((short) 7).putLong(id).array();
        same[i] = new ReadRequest("users", 1, 0, key, Map.of());
        own[i] = new ReadRequest("users", 1, 1 + thread, key, Map.of());
      }
    }

    ReadRequest nextSame() {
      return same[next++ & (KEYS - 1)];
    }

    ReadRequest nextOwn() {
      return own[next++ & (KEYS - 1)];
    }
  }

  /** One thread, one partition. */
  @Benchmark
  @Threads(1)
  public void update(Lookups lookups) {
    tracker.afterRead(lookups.nextSame(), FOUND);
  }

  /** Two threads counting into one partition replica's summary: they share its lock. */
  @Benchmark
  @Threads(2)
  public void update2ThreadsOnePartition(Lookups lookups) {
    tracker.afterRead(lookups.nextSame(), FOUND);
  }

  /** Two threads, each counting into its own partition replica's summary. */
  @Benchmark
  @Threads(2)
  public void update2ThreadsTwoPartitions(Lookups lookups) {
    tracker.afterRead(lookups.nextOwn(), FOUND);
  }

  private static double[] zipfCdf(int n) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / (i + 1);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    return cdf;
  }

  private static int sample(double[] cdf, double u) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The same settings for every store. */
  private record Fixed(HotKeysConfig config) implements StoreSettings<HotKeysConfig> {
    @Override
    public HotKeysConfig get(String store) {
      return config;
    }

    @Override
    public HotKeysConfig processWide() {
      return config;
    }
  }
}
