package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.client.Replica;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Adaptive routing's cost per partition request, for three warm replicas: ordering the candidates
 * (power-of-two-choices over the scores, the pick counter) against the fast client's own round
 * robin (one shared counter and a rotated copy of the list), and the bookkeeping of one attempt
 * (in-flight count up and down, one sample folded into the instance's peak EWMA). On 1 thread and
 * on 2 threads sharing the replicas, as a client's request threads do. Run with {@code -prof gc}
 * for the bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdaptiveRoutingBenchmark {
  private final List<Replica> candidates = List.of(new Replica("a_1", "a", 1),
      new Replica("b_1", "b", 1), new Replica("c_1", "c", 1));
  private final AtomicInteger roundRobin = new AtomicInteger();
  private ReplicaRanking ranking;
  private ReplicaStats stats;

  @Setup(Level.Trial)
  public void setUp() {
    AdaptiveRoutingConfig config = new AdaptiveRoutingConfig(java.time.Duration.ofSeconds(10), 5,
        10);
    ranking = new ReplicaRanking(() -> config, System::nanoTime,
        new AdaptiveRoutingMetrics(new SimpleMeterRegistry(), "bench.", "store"));
    for (int i = 0; i < 100; i++) { // warm: past min-samples, scores of about 1, 2 and 3 ms
      for (int r = 0; r < candidates.size(); r++) {
        ranking.record(candidates.get(r).instanceId(), AttemptOutcome.ANSWERED,
            System.nanoTime() - (r + 1) * 1_000_000L);
      }
    }
    stats = ranking.stats("a_1");
  }

  @Benchmark
  @Threads(1)
  public List<Replica> adaptiveOrder1Thread() {
    return ranking.order(candidates);
  }

  @Benchmark
  @Threads(2)
  public List<Replica> adaptiveOrder2Threads() {
    return ranking.order(candidates);
  }

  @Benchmark
  @Threads(1)
  public List<Replica> roundRobin1Thread() {
    return roundRobin();
  }

  @Benchmark
  @Threads(2)
  public List<Replica> roundRobin2Threads() {
    return roundRobin();
  }

  @Benchmark
  @Threads(1)
  public void attempt1Thread() {
    attempt();
  }

  @Benchmark
  @Threads(2)
  public void attempt2Threads() {
    attempt();
  }

  /** What the fast client does without the plugin (its {@code candidates} method). */
  private List<Replica> roundRobin() {
    List<Replica> ordered = new ArrayList<>(candidates.size());
    int first = Math.floorMod(roundRobin.getAndIncrement(), candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      ordered.add(candidates.get((first + i) % candidates.size()));
    }
    return ordered;
  }

  private void attempt() {
    stats.started();
    ranking.record("a_1", AttemptOutcome.ANSWERED, System.nanoTime() - 1_000_000L);
    stats.finished();
  }
}
