package dev.venice.runtime.common.meta;

/** How a version's values are compressed in its topic and on disk (Venice's names). */
public enum CompressionStrategy {
  /** Not compressed. */
  NO_OP,
  /** gzip. */
  GZIP,
  /** Zstandard. */
  ZSTD
}
