package dev.venice.plugins.gracefuldrain;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.graceful.drain.} on a
 * server, {@code venice.router.graceful.drain.} on a router), untagged, registered once at start;
 * each reads the {@link DrainCoordinator} when exported, so the request path updates no meter.
 */
final class GracefulDrainMetrics {
  private GracefulDrainMetrics() {}

  /**
   * Registers the meters over {@code coordinator}.
   *
   * @param prefix the host-given meter prefix, ending with a dot
   */
  static void register(MeterRegistry registry, String prefix, DrainCoordinator coordinator) {
    Gauge.builder(prefix + "requests.in.flight", coordinator, DrainCoordinator::inFlight)
        .description("Read calls in flight (counted by the graceful-drain request hook)")
        .register(registry);
    Gauge.builder(prefix + "duration", coordinator,
            c -> DrainCoordinator.seconds(c.drainDuration()))
        .description("How long the drain has run, to its end once ended; 0 before a drain")
        .baseUnit("seconds").register(registry);
    Gauge.builder(prefix + "last.request.after.start", coordinator,
            c -> DrainCoordinator.seconds(c.lastRequestAfterStart()))
        .description("From the drain's start to the start of the last read call that started"
            + " during it (how long callers kept routing here); 0 when none did")
        .baseUnit("seconds").register(registry);
    FunctionCounter.builder(prefix + "refused.after.deadline", coordinator,
            DrainCoordinator::refusedAfterDeadline)
        .description("Read calls refused with UNAVAILABLE after the drain deadline passed")
        .register(registry);
  }
}
