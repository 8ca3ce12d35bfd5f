package dev.venice.plugins.rocksdbmetrics;

import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The background task: every {@code sample-interval} one {@link EngineStatsSampler#sample()} (one
 * read of the engine statistics of every replica) published to {@link RocksDbMetricsMetrics}.
 * Logs once what it cannot report: everything on a host without a storage-stats service, and
 * RocksDB's tickers (compaction and flush bytes, block cache) on the first sample with replicas
 * but no tickers, saying how to turn them on. Run by one thread at a time (the host's).
 */
final class RocksDbMetricsTask implements BackgroundTask {
  /** Said once when the tickers are missing. */
  static final String STATISTICS_OFF = "rocksdb-metrics: the server runs without RocksDB"
      + " statistics, so compaction.read.bytes, compaction.write.bytes, flush.bytes,"
      + " block.cache.hits, block.cache.misses and block.cache.hit.ratio are not reported (the"
      + " LSM levels, running and pending compactions, flush and compaction counts are); set"
      + " storage.statistics.enabled=true in the server's configuration to report them (a few"
      + " percent of CPU, see the plugin's README)";

  private final EngineStatsSampler sampler;
  private final RocksDbMetricsMetrics metrics;
  private final Duration interval;
  private final Logger logger;
  private final AtomicBoolean toldStatisticsOff = new AtomicBoolean();

  RocksDbMetricsTask(EngineStatsSampler sampler, RocksDbMetricsMetrics metrics, Duration interval,
      boolean hostHasStorageStats, Logger logger) {
    this.sampler = sampler;
    this.metrics = metrics;
    this.interval = interval;
    this.logger = logger;
    if (!hostHasStorageStats) {
      logger.warn("rocksdb-metrics: this host has no storage-stats service: nothing to report");
    }
  }

  @Override
  public String name() {
    return "sample";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    Sample sample = sampler.sample();
    metrics.update(sample);
    if (sample.replicas() > 0 && !sample.statistics()
        && toldStatisticsOff.compareAndSet(false, true)) {
      logger.warn(STATISTICS_OFF);
    }
  }
}
