package dev.venice.plugins.ratelimiter;

import dev.venice.spi.plugin.TimeSource;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The rate limiter's decision path, one permit per call, against its peer: our {@link
 * TokenBucket#tryAcquire}{@code (1)} against Resilience4j 2.4.0's {@code
 * RateLimiter.acquirePermission()}, on 1 thread and on 2 threads sharing one limiter (the
 * contended case: a client's threads sharing its rate). Both are configured to admit every call,
 * so both measure the admit path (a refusal is cheaper for both): Resilience4j with a billion
 * permits per second and no wait; ours at its highest rate with its clock run 128 times fast
 * ({@code System.nanoTime() << 7}: the same clock read and a shift), so it refills at 1.28
 * billion keys per second, far above what 2 threads can take. {@link #checkNeverRanDry} fails
 * the run if our bucket was ever drained.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimiterBenchmark {
  private TokenBucket tokenBucket;
  private RateLimiter resilience4j;

  @Setup(Level.Trial)
  public void setUp() {
    tokenBucket = new TokenBucket(new RateLimiterConfig(RateLimiterConfig.MAX_RATE,
        RateLimiterConfig.MAX_BURST), new FastClock());
    resilience4j = RateLimiter.of("bench", io.github.resilience4j.ratelimiter.RateLimiterConfig
        .custom().limitForPeriod(1_000_000_000).limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO).build());
  }

  /** Fails the run when our bucket ran below half full: it may have measured refusals. */
  @TearDown(Level.Iteration)
  public void checkNeverRanDry() {
    if (tokenBucket.availableTokens() < RateLimiterConfig.MAX_BURST / 2.0) {
      throw new IllegalStateException("the token bucket was drained to "
          + tokenBucket.availableTokens() + " tokens: the benchmark measured refusals");
    }
  }

  /** Ours, one thread. */
  @Benchmark
  @Threads(1)
  public boolean tokenBucket() {
    return tokenBucket.tryAcquire(1);
  }

  /** Ours, two threads sharing one bucket. */
  @Benchmark
  @Threads(2)
  public boolean tokenBucket2Threads() {
    return tokenBucket.tryAcquire(1);
  }

  /**
   * The floor both limiters stand on: one {@link System#nanoTime()} read (each reads the clock
   * once per permit), on this machine's clock source.
   */
  @Benchmark
  @Threads(1)
  public long clockRead() {
    return System.nanoTime();
  }

  /** Resilience4j's {@code AtomicRateLimiter}, one thread. */
  @Benchmark
  @Threads(1)
  public boolean resilience4j() {
    return resilience4j.acquirePermission();
  }

  /** Resilience4j's {@code AtomicRateLimiter}, two threads sharing one limiter. */
  @Benchmark
  @Threads(2)
  public boolean resilience4j2Threads() {
    return resilience4j.acquirePermission();
  }

  /** {@link System#nanoTime()} run 128 times fast: one clock read and a shift. */
  private static final class FastClock implements TimeSource {
    @Override
    public long nanoTime() {
      return System.nanoTime() << 7;
    }

    @Override
    public Instant now() {
      return Instant.now();
    }
  }
}
