package dev.venice.runtime.client;

import dev.venice.runtime.common.data.CompressionDictionary;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;

/**
 * A client's compression dictionaries of a store's {@code ZSTD_WITH_DICT} versions, fetched from
 * its source (the routers; ZooKeeper for a Da Vinci client) once per version on the first value that needs one, and kept for the {@link #KEPT}
 * newest versions (a client reads the current version, and the previous one across a swap).
 * Thread-safe; two reads racing on a new version may both fetch it, and one copy is kept.
 */
final class VersionDictionaries {
  /** How many versions' dictionaries are kept. */
  static final int KEPT = 3;

  private final String store;
  /** Fetches a version's dictionary: the routers', or ZooKeeper for a Da Vinci client. */
  private final BiFunction<String, Integer, CompressionDictionary> source;
  private final ConcurrentSkipListMap<Integer, CompressionDictionary> byVersion =
      new ConcurrentSkipListMap<>();

  VersionDictionaries(String store, BiFunction<String, Integer, CompressionDictionary> source) {
    this.store = store;
    this.source = source;
  }

  /**
   * The dictionary of {@code version}, fetched now (blocking) the first time.
   *
   * @throws dev.venice.spi.client.ServiceUnavailableException when the source has none
   */
  CompressionDictionary get(int version) {
    CompressionDictionary known = byVersion.get(version);
    if (known != null) {
      return known;
    }
    CompressionDictionary fetched = source.apply(store, version);
    CompressionDictionary kept = byVersion.putIfAbsent(version, fetched);
    while (byVersion.size() > KEPT) {
      byVersion.pollFirstEntry();
    }
    return kept != null ? kept : fetched;
  }
}
