package dev.venice.plugins.storedependencies;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's meters, all under the host-given prefix ({@code
 * venice.controller.store.dependencies.}): store changes vetoed by reason ({@code self}, {@code
 * missing-upstream}, {@code cycle}), store deletions let through with a warning, and the time a
 * check of a store change takes (the graph built from every store, the rules applied). Created
 * once at start. Thread-safe.
 */
final class StoreDependenciesMetrics {
  /** A store named upstream of itself. */
  static final String SELF = "self";
  /** An upstream store that does not exist. */
  static final String MISSING_UPSTREAM = "missing-upstream";
  /** The change would close a cycle. */
  static final String CYCLE = "cycle";

  private final Map<String, Counter> vetoed;
  private final Counter warned;
  private final Timer checkTime;

  /** @param prefix the host-given meter prefix, ending with a dot */
  StoreDependenciesMetrics(MeterRegistry registry, String prefix) {
    this.vetoed = Map.of(SELF, vetoCounter(registry, prefix, SELF),
        MISSING_UPSTREAM, vetoCounter(registry, prefix, MISSING_UPSTREAM),
        CYCLE, vetoCounter(registry, prefix, CYCLE));
    this.warned = Counter.builder(prefix + "delete.warnings")
        .description("Store deletions let through with a warning naming the stores that read"
            + " the deleted store").register(registry);
    this.checkTime = Timer.builder(prefix + "check.time")
        .description("Time to check one store change against the dependency graph")
        .register(registry);
  }

  private static Counter vetoCounter(MeterRegistry registry, String prefix, String reason) {
    return Counter.builder(prefix + "vetoed").tag("reason", reason)
        .description("Store creations and updates refused for their upstream stores")
        .register(registry);
  }

  /** Counts a veto for {@code reason} ({@link #SELF}, {@link #MISSING_UPSTREAM}, {@link #CYCLE}). */
  void vetoed(String reason) {
    vetoed.get(reason).increment();
  }

  /** Counts a deletion warned about. */
  void warned() {
    warned.increment();
  }

  /** Records how long one check took. */
  void checked(long nanos) {
    checkTime.record(nanos, TimeUnit.NANOSECONDS);
  }
}
