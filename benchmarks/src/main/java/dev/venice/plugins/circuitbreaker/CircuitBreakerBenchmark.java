package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.config.PluginConfig;
import java.util.Map;
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
 * The circuit breaker's decision path (ask for a permit, report a success) of a CLOSED breaker,
 * ours against Resilience4j 2.4.0's {@code CircuitBreaker} ({@code tryAcquirePermission()} then
 * {@code onSuccess(duration, unit)}), each with its default settings (a count-based window of the
 * last 100 calls, failure rate 50%), on 1 thread and on 2 threads sharing one breaker (as a
 * client's threads share an instance's breaker). Resilience4j is given a constant duration:
 * measuring the call (two clock reads, which its decorators do) is left out in its favour; ours
 * needs no clock in CLOSED. Run with {@code -prof gc} for the bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CircuitBreakerBenchmark {
  private CircuitBreakerConfig config;
  private CircuitBreaker ours;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;

  @Setup(Level.Trial)
  public void setUp() {
    config = CircuitBreakerConfig.from(
        PluginConfig.of("circuit-breaker", CircuitBreakerConfig.KEYS, Map.of()));
    ours = new CircuitBreaker(config, System::nanoTime, (from, to) -> {});
    resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("bench");
  }

  @Benchmark
  @Threads(1)
  public boolean ours1Thread() {
    return oursDecision();
  }

  @Benchmark
  @Threads(2)
  public boolean ours2Threads() {
    return oursDecision();
  }

  @Benchmark
  @Threads(1)
  public boolean resilience4j1Thread() {
    return resilience4jDecision();
  }

  @Benchmark
  @Threads(2)
  public boolean resilience4j2Threads() {
    return resilience4jDecision();
  }

  private boolean oursDecision() {
    CircuitBreaker.Phase permit = ours.tryAcquirePermission(config);
    if (permit == null) {
      return false;
    }
    ours.onSuccess(permit, config);
    return true;
  }

  private boolean resilience4jDecision() {
    if (!resilience4j.tryAcquirePermission()) {
      return false;
    }
    resilience4j.onSuccess(1, TimeUnit.MILLISECONDS);
    return true;
  }
}
