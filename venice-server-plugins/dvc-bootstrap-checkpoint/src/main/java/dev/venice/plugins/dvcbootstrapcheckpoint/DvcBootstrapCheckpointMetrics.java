package dev.venice.plugins.dvcbootstrapcheckpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every meter of the plugin, created once under the host-given prefix ({@code
 * venice.da.vinci.client.dvc.bootstrap.checkpoint.} in a Da Vinci client).
 */
final class DvcBootstrapCheckpointMetrics {
  final Counter written;
  final Counter writeFailures;
  final Counter resumed;
  final Counter startedOver;
  final Counter offsetsSkipped;

  DvcBootstrapCheckpointMetrics(MeterRegistry registry, String prefix) {
    written = Counter.builder(prefix + "writes")
        .description("Checkpoint files written (one per store version per interval or swap)")
        .register(registry);
    writeFailures = Counter.builder(prefix + "write.failures")
        .description("Checkpoint writes that failed (the previous file stays)")
        .register(registry);
    resumed = Counter.builder(prefix + "decisions").tag("outcome", "resumed")
        .description("Local copies found at subscription, by decision")
        .register(registry);
    startedOver = Counter.builder(prefix + "decisions").tag("outcome", "started_over")
        .description("Local copies found at subscription, by decision")
        .register(registry);
    offsetsSkipped = Counter.builder(prefix + "resumed.offsets")
        .description("Version-topic offsets a resumed partition did not read again (its local"
            + " copy's offset + 1 - the topic's start offset)")
        .register(registry);
  }
}
