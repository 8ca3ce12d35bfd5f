package dev.venice.plugins.rocksdbmetrics;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.rocksdb-metrics.*}; {@code
 * per-partition-metrics} also per store in the store's plugin settings.
 *
 * @param sampleInterval the delay between two samples of the engine statistics (process-wide)
 * @param perPartition whether the store's replicas also get series tagged by partition
 */
record RocksDbMetricsConfig(Duration sampleInterval, boolean perPartition) {
  static final ConfigKey<Duration> SAMPLE_INTERVAL = ConfigKey.duration("sample-interval",
      Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1),
      "the delay between two samples of every replica's RocksDB statistics; meters show the"
          + " last sample").processOnly();
  static final ConfigKey<Boolean> PER_PARTITION = ConfigKey.bool("per-partition-metrics", false,
      "also export series tagged by partition (one set per partition of the store held here;"
          + " cardinality: partitions x about 20 series), beside the store aggregate");
  static final List<ConfigKey<?>> KEYS = List.of(SAMPLE_INTERVAL, PER_PARTITION);

  static RocksDbMetricsConfig from(PluginConfig config) {
    return new RocksDbMetricsConfig(config.get(SAMPLE_INTERVAL), config.get(PER_PARTITION));
  }
}
