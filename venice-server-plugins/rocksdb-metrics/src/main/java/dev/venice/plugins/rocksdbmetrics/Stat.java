package dev.venice.plugins.rocksdbmetrics;

/**
 * The statistics the plugin exports (besides the per-level files and bytes), each with the meter
 * name under the plugin's prefix, the engine's name it comes from (see {@code
 * dev.venice.spi.host.EngineStats}) and how it aggregates.
 */
enum Stat {
  COMPACTION_READ_BYTES("compaction.read.bytes", "rocksdb.compact.read.bytes", Kind.CUMULATIVE,
      true, "Bytes read by compactions (RocksDB ticker)"),
  COMPACTION_WRITE_BYTES("compaction.write.bytes", "rocksdb.compact.write.bytes",
      Kind.CUMULATIVE, true, "Bytes written by compactions (RocksDB ticker)"),
  COMPACTIONS("compactions", "rocksdb.compactions.completed", Kind.CUMULATIVE, false,
      "Compactions completed"),
  COMPACTIONS_RUNNING("compactions.running", "rocksdb.num-running-compactions", Kind.CURRENT,
      false, "Compactions running at the last sample"),
  COMPACTIONS_PENDING("compactions.pending", "rocksdb.compaction-pending", Kind.CURRENT, false,
      "Replicas with at least one compaction waiting to run at the last sample"),
  COMPACTION_PENDING_BYTES("compaction.pending.bytes", "rocksdb.estimate-pending-compaction-bytes",
      Kind.CURRENT, false, "Bytes RocksDB estimates compaction must rewrite to settle the LSM"),
  FLUSHES("flushes", "rocksdb.flushes.completed", Kind.CUMULATIVE, false,
      "Memtable flushes completed"),
  FLUSH_BYTES("flush.bytes", "rocksdb.flush.write.bytes", Kind.CUMULATIVE, true,
      "Bytes written by memtable flushes (RocksDB ticker)"),
  MEMTABLE_BYTES("memtable.bytes", "rocksdb.cur-size-all-mem-tables", Kind.CURRENT, false,
      "Bytes in memtables (active and waiting to flush) at the last sample"),
  BLOCK_CACHE_HITS("block.cache.hits", "rocksdb.block.cache.hit", Kind.CUMULATIVE, true,
      "Block cache lookups that hit (RocksDB ticker)"),
  BLOCK_CACHE_MISSES("block.cache.misses", "rocksdb.block.cache.miss", Kind.CUMULATIVE, true,
      "Block cache lookups that missed (RocksDB ticker)");

  /** How a statistic aggregates over replicas and time. */
  enum Kind {
    /** A value now (a gauge): summed over the replicas of the last sample. */
    CURRENT,
    /** A count since the replica opened (a counter): deltas summed, never going backwards. */
    CUMULATIVE
  }

  /** The engine's per-level statistic names, followed by the level number. */
  static final String LEVEL_FILES = "rocksdb.num-files-at-level";
  static final String LEVEL_BYTES = "rocksdb.sst-bytes-at-level";

  final String meter;
  final String engineName;
  final Kind kind;
  /** Whether the engine reports it only with {@code storage.statistics.enabled=true}. */
  final boolean ticker;
  final String description;

  Stat(String meter, String engineName, Kind kind, boolean ticker, String description) {
    this.meter = meter;
    this.engineName = engineName;
    this.kind = kind;
    this.ticker = ticker;
    this.description = description;
  }
}
