package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.client.Replica;
import io.micrometer.core.instrument.Counter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One store client's adaptive replica ranking: the {@link ReplicaStats} of each server instance
 * and the power-of-two-choices order of a request's candidates (Mitzenmacher's "The Power of Two
 * Choices in Randomized Load Balancing", as Finagle's {@code Balancers.p2cPeakEwma} applies it).
 *
 * <p>{@link #order}: two distinct candidates are drawn at random ({@link ThreadLocalRandom}); the
 * lower-scored of the two goes first (a tie keeps the first drawn, so ties are random); the others
 * follow in ascending score order (ties in the given order), so a hedge or a failover inside goes
 * to the best of the rest. The draw is the oscillation guard: with {@code n >= 3} candidates the
 * best instance is left out of a fraction {@code (n - 2) / n} of the draws (a third of them with
 * three), so it never takes all traffic; with two, both are always drawn and the in-flight factor
 * of the score moves load over as the best one's queue grows.
 *
 * <p>Cold start: an instance with fewer than {@code min-samples} completed attempts is scored with
 * the mean decayed latency of the request's warm candidates (0 when none is warm) and no error
 * rate, times its own in-flight factor: an average replica, neither preferred nor avoided, which
 * gets its share of traffic and so its samples.
 *
 * <p>Thread-safe; each instance's statistics and meters are made once, on first sight, and kept
 * for the life of the client (a cluster has few instances).
 */
final class ReplicaRanking {
  private static final double NANOS_PER_MILLI = 1e6;

  private final Supplier<AdaptiveRoutingConfig> settings;
  private final LongSupplier clock;
  private final AdaptiveRoutingMetrics metrics;
  private final ConcurrentMap<String, Tracked> byInstance = new ConcurrentHashMap<>();

  /** One instance's statistics and its first-choice pick counter. */
  record Tracked(ReplicaStats stats, Counter picks) {}

  /**
   * @param settings the store's current settings, read on each request and sample
   * @param clock monotonic nanoseconds (the host's {@code TimeSource.nanoTime} in production)
   */
  ReplicaRanking(Supplier<AdaptiveRoutingConfig> settings, LongSupplier clock,
      AdaptiveRoutingMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The statistics of {@code instance} (a {@code host_port} id), made on first use. */
  ReplicaStats stats(String instance) {
    return tracked(instance).stats();
  }

  /** The monotonic clock, in nanoseconds. */
  long nanoTime() {
    return clock.getAsLong();
  }

  /**
   * Records how an attempt at {@code instance} ended, with the store's current decay time.
   *
   * @param startNanos when the attempt was sent ({@link #nanoTime})
   */
  void record(String instance, AttemptOutcome outcome, long startNanos) {
    long now = clock.getAsLong();
    stats(instance).record(outcome, now - startNanos, now, settings.get());
  }

  /**
   * The candidates in the order to try them: the power-of-two-choices pick first, the rest by
   * score. Counts the pick. Zero or one candidate comes back as given.
   *
   * @param candidates a partition's ready replicas
   * @return a new list of the same replicas (or {@code candidates} itself when fewer than two)
   */
  List<Replica> order(List<Replica> candidates) {
    int n = candidates.size();
    if (n < 2) {
      if (n == 1) {
        tracked(candidates.get(0).instanceId()).picks().increment();
      }
      return candidates;
    }
    double[] scores = scores(candidates, settings.get(), clock.getAsLong());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int drawn = random.nextInt(n);
    int other = random.nextInt(n - 1);
    if (other >= drawn) {
      other++;
    }
    int first = scores[other] < scores[drawn] ? other : drawn;
    Replica[] ordered = new Replica[n];
    ordered[0] = candidates.get(first);
    int[] rest = new int[n - 1];
    int size = 0;
    for (int i = 0; i < n; i++) {
      if (i == first) {
        continue;
      }
      int at = size++;
      while (at > 0 && scores[rest[at - 1]] > scores[i]) { // insertion sort: n is tiny
        rest[at] = rest[at - 1];
        at--;
      }
      rest[at] = i;
    }
    for (int i = 0; i < rest.length; i++) {
      ordered[i + 1] = candidates.get(rest[i]);
    }
    tracked(ordered[0].instanceId()).picks().increment();
    return Arrays.asList(ordered);
  }

  /** The candidates' scores at {@code now}, cold ones scored as an average warm one. */
  private double[] scores(List<Replica> candidates, AdaptiveRoutingConfig config, long now) {
    int n = candidates.size();
    long tau = config.decayTime().toNanos();
    ReplicaStats[] stats = new ReplicaStats[n];
    ReplicaStats.Snapshot[] seen = new ReplicaStats.Snapshot[n];
    double[] latency = new double[n];
    double warmLatency = 0;
    int warm = 0;
    for (int i = 0; i < n; i++) {
      stats[i] = stats(candidates.get(i).instanceId());
      seen[i] = stats[i].snapshot();
      latency[i] = seen[i].latencyNanos() * seen[i].weight(now, tau);
      if (isWarm(seen[i], config)) {
        warmLatency += latency[i];
        warm++;
      }
    }
    double coldLatency = warm == 0 ? 0 : warmLatency / warm;
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = isWarm(seen[i], config)
          ? stats[i].score(latency[i], seen[i].errorRate(), config.errorPenalty())
          : stats[i].score(coldLatency, 0, config.errorPenalty());
    }
    return scores;
  }

  private static boolean isWarm(ReplicaStats.Snapshot seen, AdaptiveRoutingConfig config) {
    return seen.samples() >= config.minSamples();
  }

  private Tracked tracked(String instance) {
    Tracked known = byInstance.get(instance);
    return known != null ? known : byInstance.computeIfAbsent(instance, this::create);
  }

  private Tracked create(String instance) {
    ReplicaStats stats = new ReplicaStats(clock.getAsLong());
    return new Tracked(stats, metrics.forInstance(instance, stats, this::ownScoreMillis));
  }

  /** An instance's score from its own statistics (no cold-start substitute), in milliseconds. */
  private double ownScoreMillis(ReplicaStats stats) {
    AdaptiveRoutingConfig config = settings.get();
    long now = clock.getAsLong();
    return stats.score(stats.latencyNanos(now, config.decayTime().toNanos()),
        stats.snapshot().errorRate(), config.errorPenalty()) / NANOS_PER_MILLI;
  }
}
