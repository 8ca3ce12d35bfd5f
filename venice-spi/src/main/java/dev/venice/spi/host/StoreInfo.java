package dev.venice.spi.host;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A store's metadata as plugins see it.
 *
 * @param name the store name
 * @param currentVersion the version reads go to, 0 before the first push
 * @param partitionCount the number of partitions
 * @param replicationFactor the number of replicas per partition
 * @param compressionStrategy {@code NO_OP}, {@code GZIP} or {@code ZSTD}
 * @param hybrid whether the store takes real-time writes
 * @param pluginSettings per-store plugin settings, full keys {@code plugins.<id>.<key>} to values
 */
public record StoreInfo(
    String name,
    int currentVersion,
    int partitionCount,
    int replicationFactor,
    String compressionStrategy,
    boolean hybrid,
    Map<String, String> pluginSettings) {
  /** Validates and copies. */
  public StoreInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(compressionStrategy, "compressionStrategy");
    pluginSettings = Map.copyOf(pluginSettings);
  }

  /**
   * The store's settings for one plugin, keyed relative to {@code plugins.<id>.} (so {@code
   * plugins.hedging.delay} becomes {@code delay}).
   */
  public Map<String, String> settingsFor(String pluginId) {
    String prefix = "plugins." + pluginId + ".";
    Map<String, String> result = new TreeMap<>();
    pluginSettings.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        result.put(k.substring(prefix.length()), v);
      }
    });
    return Map.copyOf(result);
  }
}
