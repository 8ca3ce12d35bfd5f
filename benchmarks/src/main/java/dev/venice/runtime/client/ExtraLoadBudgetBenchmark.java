package dev.venice.runtime.client;

import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the fast client's extra-load budget costs each partition request: counting its keys on the
 * first attempt while no hedging or retry plugin uses the budget (must be about zero: one volatile
 * read) and while one does (a clock read and two striped adds), on 1 and 2 threads; and asking the
 * budget for a hedge's keys (only when a hedge or retry is due).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExtraLoadBudgetBenchmark {
  private StoreExtraLoadBudget unused;
  private StoreExtraLoadBudget used;

  @Setup(Level.Trial)
  public void setUp() {
    unused = budget("unused");
    used = budget("used").activate();
  }

  private static StoreExtraLoadBudget budget(String store) {
    return new StoreExtraLoadBudget(store, 0.1, Duration.ofSeconds(10), 10, Duration.ofMillis(1),
        TimeSource.SYSTEM, new SimpleMeterRegistry());
  }

  @Benchmark
  @Threads(1)
  public void firstAttemptBudgetUnused() {
    unused.recordFirstAttempt(1);
  }

  @Benchmark
  @Threads(1)
  public void firstAttemptBudgetInUse1Thread() {
    used.recordFirstAttempt(1);
  }

  @Benchmark
  @Threads(2)
  public void firstAttemptBudgetInUse2Threads() {
    used.recordFirstAttempt(1);
  }

  /** Ten keys sent for each key asked: the budget (10%) grants about every call. */
  @Benchmark
  @Threads(1)
  public boolean hedgeAsksForItsKeys() {
    used.recordFirstAttempt(10);
    return used.tryAcquire(1);
  }
}
