package dev.venice.runtime.server;

import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * The RocksDB options every partition replica on a server opens with: one place, so that the
 * benchmarks that compare against raw RocksDB (write amplification, ingestion throughput, the
 * bloom-filter miss path) measure exactly what a server runs. Each call returns new native
 * objects the caller owns and must close.
 */
public final class StorageOptions {
  /** Background flush and compaction jobs per partition database. */
  static final int MAX_BACKGROUND_JOBS = 2;

  private StorageOptions() {}

  /** The database options: create what is missing, {@value #MAX_BACKGROUND_JOBS} background jobs. */
  public static DBOptions dbOptions() {
    return new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(MAX_BACKGROUND_JOBS);
  }

  /**
   * The options of the {@code default} (data) and {@code meta} column families: RocksDB's
   * defaults (block-based tables with no filter policy, so no Bloom filter of RocksDB's own).
   */
  public static ColumnFamilyOptions columnFamilyOptions() {
    return new ColumnFamilyOptions();
  }
}
