package dev.venice.plugins.partitionskew;

import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;

/**
 * Servers: takes a snapshot of the storage statistics every {@code stats-interval}, on the
 * plugin's scheduler thread (never on a read thread). Thread-safe (the host runs it on one thread).
 */
final class StatsSnapshotTask implements BackgroundTask {
  private final StatsSnapshots snapshots;
  private final Duration interval;

  StatsSnapshotTask(StatsSnapshots snapshots, Duration interval) {
    this.snapshots = snapshots;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "snapshot";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    snapshots.take();
  }
}
