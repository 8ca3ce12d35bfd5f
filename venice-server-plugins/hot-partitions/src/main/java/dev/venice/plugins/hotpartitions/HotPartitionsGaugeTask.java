package dev.venice.plugins.hotpartitions;

import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;

/**
 * On a server, rewrites the {@code partition.rate} gauge with the busiest partition replicas of
 * the last complete rate window ({@link HotPartitionsMetrics.Server#refresh()}) every {@code
 * rate-window}, on the plugin's scheduler thread, so a gauge lags its window by less than one
 * window. Thread-safe.
 */
final class HotPartitionsGaugeTask implements BackgroundTask {
  private final HotPartitionsMetrics.Server metrics;
  private final Duration interval;

  HotPartitionsGaugeTask(HotPartitionsMetrics.Server metrics, Duration interval) {
    this.metrics = metrics;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "update-partition-rate-gauges";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    metrics.refresh();
  }
}
