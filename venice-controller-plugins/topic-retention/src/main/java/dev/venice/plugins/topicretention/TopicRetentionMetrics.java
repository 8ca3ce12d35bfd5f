package dev.venice.plugins.topicretention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters under the host-given prefix ({@code venice.controller.topic.retention.}),
 * none tagged: the gauges {@code stale.topics} and {@code retention.mismatches} (from the last
 * run on this controller; 0 on a standby, so only the leader's count), the counters {@code
 * retention.fixes} (topics whose retention the controller set), {@code runs} and {@code
 * run.failures}. Created once at start. Thread-safe.
 */
final class TopicRetentionMetrics {
  private final AtomicInteger staleTopics = new AtomicInteger();
  private final AtomicInteger mismatches = new AtomicInteger();
  private final Counter fixes;
  private final Counter runs;
  private final Counter runFailures;

  /** @param prefix the host-given meter prefix, ending with a dot */
  TopicRetentionMetrics(MeterRegistry registry, String prefix) {
    Gauge.builder(prefix + "stale.topics", staleTopics, AtomicInteger::get)
        .description("Venice topics without their store or version for at least the grace"
            + " period, in the last run (never deleted: an operator decides)")
        .register(registry);
    Gauge.builder(prefix + "retention.mismatches", mismatches, AtomicInteger::get)
        .description("Topics whose retention.ms differed from the policy in the last run")
        .register(registry);
    fixes = Counter.builder(prefix + "retention.fixes")
        .description("Topics whose retention.ms the controller set to the policy")
        .register(registry);
    runs = Counter.builder(prefix + "runs")
        .description("Runs of the enforcer on this controller (a standby's included)")
        .register(registry);
    runFailures = Counter.builder(prefix + "run.failures")
        .description("Runs that failed (Kafka or the store metadata unreadable; logged)")
        .register(registry);
  }

  /** Records a finished run. */
  void ran(RetentionReport report, int fixed) {
    runs.increment();
    staleTopics.set(report.stale().size());
    mismatches.set(report.mismatches().size());
    fixes.increment(fixed);
  }

  /** Records a run that failed. */
  void failed() {
    runs.increment();
    runFailures.increment();
  }
}
