package dev.venice.plugins.leadershiphistory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's meters under the host-given prefix ({@code venice.controller.leadership.history.}):
 * the seed's {@code controller.leadership.acquired.count}, {@code .lost.count} and {@code
 * .duration.seconds}, for this controller. Thread-safe.
 */
final class LeadershipHistoryMetrics {
  private final Counter acquired;
  private final Counter lost;
  private final DistributionSummary duration;
  private final Counter recordFailures;

  LeadershipHistoryMetrics(MeterRegistry registry, String prefix) {
    acquired = Counter.builder(prefix + "acquired")
        .description("Times this controller gained the cluster leadership").register(registry);
    lost = Counter.builder(prefix + "lost")
        .description("Times this controller lost the cluster leadership").register(registry);
    duration = DistributionSummary.builder(prefix + "duration").baseUnit("seconds")
        .description("How long each of this controller's terms lasted, by its own clock")
        .register(registry);
    recordFailures = Counter.builder(prefix + "record.failures")
        .description("Leadership events that could not be written to ZooKeeper (logged)")
        .register(registry);
  }

  void acquired() {
    acquired.increment();
  }

  /** @param seconds the term's length, or a negative number when unknown (not recorded) */
  void lost(double seconds) {
    lost.increment();
    if (seconds >= 0) {
      duration.record(seconds);
    }
  }

  void recordFailed() {
    recordFailures.increment();
  }
}
