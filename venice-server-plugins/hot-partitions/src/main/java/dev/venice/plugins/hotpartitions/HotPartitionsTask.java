package dev.venice.plugins.hotpartitions;

import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;

/**
 * Evaluates every store's partition skew ({@link SkewMonitor#evaluateAll()}) every {@code
 * evaluation-interval}, on the plugin's scheduler thread (the host runs it; a run that throws is
 * logged and counted and the next still happens). Thread-safe: the monitor serialises evaluations.
 */
final class HotPartitionsTask implements BackgroundTask {
  private final SkewMonitor monitor;
  private final Duration interval;

  HotPartitionsTask(SkewMonitor monitor, Duration interval) {
    this.monitor = monitor;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "evaluate-partition-skew";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() throws InterruptedException {
    monitor.evaluateAll();
  }
}
