package dev.venice.runtime.common.meta;

/** How a version's values are compressed in its topic and on disk (Venice's names). */
public enum CompressionStrategy {
  /** Not compressed. */
  NO_OP,
  /** gzip. */
  GZIP,
  /** Zstandard. */
  ZSTD,
  /**
   * Zstandard with a dictionary the push trains on a sample of its input and stores with the
   * version ({@code dev.venice.runtime.common.data.CompressionDictionary}); servers and clients
   * fetch it to read the version.
   */
  ZSTD_WITH_DICT
}
