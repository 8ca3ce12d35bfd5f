package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.LeaderBatch;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The ingestion-stage-metrics plugin's cost per applied record: {@link StageTimingHook#afterApply}
 * as the server's ingestion thread calls it (the replica's recorder found in the map, four
 * stages recorded into its local HdrHistograms, one clock read for the flush check, and once a
 * second a merge into the store's histograms), with the system clock and the default 1 s flush
 * interval, on timings drawn from a realistic spread (a few hundred ns to a few ms); and per leader
 * batch of 100 records ({@link StageTimingHook#afterLeaderBatch}). On one thread; and on two
 * threads, each on its own partition of one store (the store's histograms shared at flush).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IngestionStageMetricsBenchmark {
  private static final int RECORDS = 1 << 12;

  StageTimingHook hook;

  @Setup
  public void setUp() {
    IngestionStageMetricsConfig config = new IngestionStageMetricsConfig(Duration.ofSeconds(1),
        Duration.ofSeconds(30));
    hook = new StageTimingHook(new Fixed(config), config.window().toNanos(), TimeSource.SYSTEM,
        new SimpleMeterRegistry(), "venice.server.ingestion.stage.metrics.");
  }

  /** One thread's records, on its own partition. */
  @State(Scope.Thread)
  public static class Records {
    private static final java.util.concurrent.atomic.AtomicInteger THREADS =
        new java.util.concurrent.atomic.AtomicInteger();
    IngestionRecord[] records;
    LeaderBatch batch;
    int next;

    @Setup
    public void setUp() {
      int partition = THREADS.getAndIncrement();
      Random random = new Random(42 + partition);
      records = new IngestionRecord[RECORDS];
      for (int i = 0; i < RECORDS; i++) {
        StageTimings t = new StageTimings()
            .record(IngestionStage.CONSUME, 1_000_000L + random.nextInt(50_000_000))
            .record(IngestionStage.DECODE, 300 + random.nextInt(5_000))
            .record(IngestionStage.HOOKS, 50 + random.nextInt(500))
            .record(IngestionStage.APPLY, 2_000 + (long) (random.nextDouble()
                * random.nextDouble() * 2_000_000));
        records[i] = new IngestionRecord("users", 1, partition, i, "users_v1", RecordType.PUT,
            new byte[] {1}, new byte[] {2}, 1, 0, t);
      }
      batch = new LeaderBatch("users", 1, partition, 100, 0, new StageTimings()
          .record(IngestionStage.DECODE, 200_000).record(IngestionStage.SCHEMA_VALIDATION, 80_000)
          .record(IngestionStage.LEADER_PRODUCE, 3_000_000));
    }

    IngestionRecord next() {
      return records[next++ & (RECORDS - 1)];
    }
  }

  /** One applied record on one thread. */
  @Benchmark
  @Threads(1)
  public void afterApply(Records records) {
    hook.afterApply(records.next());
  }

  /** One applied record on each of two threads, two partitions of one store. */
  @Benchmark
  @Threads(2)
  public void afterApply2Threads(Records records) {
    hook.afterApply(records.next());
  }

  /** One leader batch of 100 records. */
  @Benchmark
  @Threads(1)
  public void afterLeaderBatch(Records records) {
    hook.afterLeaderBatch(records.batch);
  }

  private record Fixed(IngestionStageMetricsConfig config)
      implements StoreSettings<IngestionStageMetricsConfig> {
    @Override
    public IngestionStageMetricsConfig get(String store) {
      return config;
    }

    @Override
    public IngestionStageMetricsConfig processWide() {
      return config;
    }
  }
}
