package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.dvc-memory-pressure.*}.
 *
 * @param budgetBytes the RocksDB memory the client may use (block cache, memtables, index and
 *     filter blocks), bytes
 * @param highWatermark the fraction of the budget above which the cache is shrunk
 * @param lowWatermark the fraction of the budget the shrink aims for, and below which (for {@code
 *     hold}) the cache is restored
 * @param floorBytes the smallest capacity the cache is shrunk to, bytes
 * @param interval the delay between two samples
 * @param hold how long usage must stay below the low watermark before the cache is restored
 * @param cooldown the least time between two shrinks
 */
record DvcMemoryPressureConfig(long budgetBytes, double highWatermark, double lowWatermark,
    long floorBytes, Duration interval, Duration hold, Duration cooldown) {
  static final ConfigKey<Long> BUDGET_BYTES = ConfigKey.longInteger("budget-bytes",
      256L << 20, 1L << 20, Long.MAX_VALUE / 2,
      "the RocksDB memory the Da Vinci client may use: block cache usage, memory tables, index"
          + " and filter blocks, in bytes").processOnly();
  static final ConfigKey<Double> HIGH_WATERMARK = ConfigKey.decimal("high-watermark", 0.9, 0.05,
      1.0, "the fraction of the budget above which the shared block cache is shrunk")
      .processOnly();
  static final ConfigKey<Double> LOW_WATERMARK = ConfigKey.decimal("low-watermark", 0.7, 0.01,
      1.0, "the fraction of the budget a shrink aims for; below it for hold, the cache is"
          + " restored; must be below high-watermark").processOnly();
  static final ConfigKey<Long> FLOOR_BYTES = ConfigKey.longInteger("floor-bytes", 8L << 20,
      1L << 20, Long.MAX_VALUE / 2, "the smallest capacity the shared block cache is shrunk to,"
          + " in bytes, so ingestion and reads keep their index, filter and hot data blocks"
          + " cached").processOnly();
  static final ConfigKey<Duration> INTERVAL = ConfigKey.duration("interval",
      Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1),
      "the delay between two samples of RocksDB's memory use").processOnly();
  static final ConfigKey<Duration> HOLD = ConfigKey.duration("hold", Duration.ofSeconds(30),
      Duration.ZERO, Duration.ofHours(1), "how long usage must stay below the low watermark"
          + " before the cache gets its capacity back").processOnly();
  static final ConfigKey<Duration> COOLDOWN = ConfigKey.duration("cooldown",
      Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1),
      "the least time between two shrinks (a shrink shows in the numbers as entries are"
          + " evicted)").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(BUDGET_BYTES, HIGH_WATERMARK, LOW_WATERMARK,
      FLOOR_BYTES, INTERVAL, HOLD, COOLDOWN);

  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException naming {@code plugins.dvc-memory-pressure.low-watermark} when it is
   *     not below the high watermark
   */
  static DvcMemoryPressureConfig from(PluginConfig config) {
    double high = config.get(HIGH_WATERMARK);
    double low = config.get(LOW_WATERMARK);
    if (low >= high) {
      throw new ConfigException("plugins.dvc-memory-pressure.low-watermark",
          "plugins.dvc-memory-pressure.low-watermark (" + low + ") must be below"
              + " plugins.dvc-memory-pressure.high-watermark (" + high + ")");
    }
    return new DvcMemoryPressureConfig(config.get(BUDGET_BYTES), high, low,
        config.get(FLOOR_BYTES), config.get(INTERVAL), config.get(HOLD), config.get(COOLDOWN));
  }
}
