package dev.venice.plugins.hotpartitions;

import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import java.time.Duration;
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
 * The hot-partitions plugin's cost per key lookup on a server: {@link
 * HotPartitionsReadHook#afterRead} as the server's read path calls it after each key (the
 * partition id built, the system clock read, the window's {@link PartitionCounts} updated), with
 * the default {@code rate-window} of 10 s and {@code max-tracked-partitions} ({@code capacity})
 * 1,000 (the default before 2026-12-01) or 10,000 (the default since), through the plugin's real
 * classes and {@link TimeSource#SYSTEM}. Lookups spread uniformly over {@code partitions}
 * partition replicas of one store version: 1 (every lookup on one hot partition), 100 (fit in the
 * counters) or 5,000 (five times 1,000 counters: most lookups then replace a counter under the
 * lock; half of 10,000). On one thread, and on two threads reading the same partitions (for 1
 * partition, the contended case: both count into one partition's counter).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPartitionsBenchmark {
  private static final int REQUESTS = 1 << 14;
  private static final ReadOutcome FOUND = new ReadOutcome(true, 100, 1_000, false);

  @Param({"1", "100", "5000"})
  public int partitions;

  @Param({"1000", "10000"})
  public int capacity;

  HotPartitionsReadHook hook;
  private final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() {
    hook = new HotPartitionsReadHook(
        new PartitionRates(TimeSource.SYSTEM, Duration.ofSeconds(10), capacity));
  }

  /** One thread's lookups: pre-built requests over the partitions, cycled. */
  @State(Scope.Thread)
  public static class Lookups {
    ReadRequest[] requests;
    int next;

    @Setup(Level.Trial)
    public void setUp(HotPartitionsBenchmark benchmark) {
      Random random = new Random(42 + benchmark.threads.getAndIncrement());
      byte[] key = new byte[10];
      requests = new ReadRequest[REQUESTS];
      for (int i = 0; i < REQUESTS; i++) {
        requests[i] = new ReadRequest("users", 3, random.nextInt(benchmark.partitions), key,
            Map.of());
      }
    }

    ReadRequest next() {
      return requests[next++ & (REQUESTS - 1)];
    }
  }

  /** One thread. */
  @Benchmark
  @Threads(1)
  public void lookup(Lookups lookups) {
    hook.afterRead(lookups.next(), FOUND);
  }

  /** Two threads over the same partitions (one shared counter for a single partition). */
  @Benchmark
  @Threads(2)
  public void lookup2Threads(Lookups lookups) {
    hook.afterRead(lookups.next(), FOUND);
  }
}
