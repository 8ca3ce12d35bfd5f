package dev.venice.plugins.grpchealth;

import dev.venice.plugins.grpchealth.HealthStatuses.Probe;
import dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus;
import dev.venice.spi.plugin.ServingState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.<process>.grpc.health.}),
 * created once at start: {@code serving{probe}}, {@code checks{probe,answer}}, {@code
 * watches.active{probe}} and {@code requests.invalid}. Thread-safe.
 */
final class GrpcHealthMetrics {
  private static final String NOT_FOUND = "NOT_FOUND";

  private final Map<Probe, AtomicInteger> serving = new EnumMap<>(Probe.class);
  private final Map<Probe, AtomicInteger> activeWatches = new EnumMap<>(Probe.class);
  private final Map<Probe, Map<ServingStatus, Counter>> checks = new EnumMap<>(Probe.class);
  private final Counter unknownChecks;
  final Counter invalidRequests;

  /** @param prefix the host-given meter prefix, ending with a dot */
  GrpcHealthMetrics(MeterRegistry registry, String prefix) {
    for (Probe probe : Probe.values()) {
      activeWatches.put(probe, new AtomicInteger());
      Gauge.builder(prefix + "watches.active", activeWatches.get(probe), AtomicInteger::get)
          .description("Watch streams open, by what they watch (liveness, readiness or an"
              + " unknown service)").tag("probe", probe.tag()).register(registry);
      if (probe == Probe.UNKNOWN) {
        continue;
      }
      serving.put(probe, new AtomicInteger());
      Gauge.builder(prefix + "serving", serving.get(probe), AtomicInteger::get)
          .description("1 while the service answers SERVING, 0 while NOT_SERVING")
          .tag("probe", probe.tag()).register(registry);
      Map<ServingStatus, Counter> byStatus = new EnumMap<>(ServingStatus.class);
      for (ServingStatus status : new ServingStatus[] {ServingStatus.SERVING,
          ServingStatus.NOT_SERVING}) {
        byStatus.put(status, checkCounter(registry, prefix, probe, status.name()));
      }
      checks.put(probe, byStatus);
    }
    unknownChecks = checkCounter(registry, prefix, Probe.UNKNOWN, NOT_FOUND);
    invalidRequests = Counter.builder(prefix + "requests.invalid")
        .description("Check and Watch calls refused (INVALID_ARGUMENT) because the request was"
            + " not a HealthCheckRequest").register(registry);
  }

  private static Counter checkCounter(MeterRegistry registry, String prefix, Probe probe,
      String answer) {
    return Counter.builder(prefix + "checks")
        .description("Check calls answered, by probe and answer (SERVING, NOT_SERVING, or"
            + " NOT_FOUND for an unknown service)")
        .tag("probe", probe.tag()).tag("answer", answer).register(registry);
  }

  /** Counts one Check; {@code status} null for an unknown service (NOT_FOUND). */
  void checked(Probe probe, ServingStatus status) {
    (status == null ? unknownChecks : checks.get(probe).get(status)).increment();
  }

  /** The open watches of {@code probe}. */
  AtomicInteger activeWatches(Probe probe) {
    return activeWatches.get(probe);
  }

  /** Sets the {@code serving} gauges to the statuses in {@code state}. */
  void statesChanged(ServingState state) {
    serving.forEach((probe, gauge) ->
        gauge.set(probe.status(state) == ServingStatus.SERVING ? 1 : 0));
  }
}
