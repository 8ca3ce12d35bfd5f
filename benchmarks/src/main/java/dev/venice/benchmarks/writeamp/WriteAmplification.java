package dev.venice.benchmarks.writeamp;

/**
 * The write amplification of one run: the bytes RocksDB wrote to SST files by flushes and
 * compactions (its {@code rocksdb.flush.write.bytes} and {@code rocksdb.compact.write.bytes}
 * tickers) divided by the user bytes (key plus stored value of every data record). The write-ahead
 * log and the manifest are not counted: the WAL is written once per record whatever the
 * compaction options are, so it would only dilute a regression. Immutable and thread-safe.
 *
 * @param userBytes key + stored value bytes of the data records written, &gt; 0
 * @param flushBytes SST bytes written by flushes (all column families)
 * @param compactionBytes SST bytes written by compactions (all column families)
 */
public record WriteAmplification(long userBytes, long flushBytes, long compactionBytes) {
  public WriteAmplification {
    if (userBytes <= 0 || flushBytes < 0 || compactionBytes < 0) {
      throw new IllegalArgumentException("user bytes must be > 0 and written bytes >= 0, got "
          + userBytes + ", " + flushBytes + ", " + compactionBytes);
    }
  }

  /** (flush + compaction bytes) / user bytes: 1.0 means every byte reached disk once. */
  public double value() {
    return (double) (flushBytes + compactionBytes) / userBytes;
  }

  /**
   * Whether {@code measured} is a regression against {@code baseline}: strictly above
   * {@code baseline × (1 + maxIncrease)}.
   *
   * @param maxIncrease allowed relative rise, e.g. 0.10 for 10%, &ge; 0
   */
  public static boolean regressed(double measured, double baseline, double maxIncrease) {
    if (maxIncrease < 0 || baseline <= 0) {
      throw new IllegalArgumentException("need baseline > 0 and max increase >= 0, got "
          + baseline + ", " + maxIncrease);
    }
    return measured > limit(baseline, maxIncrease);
  }

  /** The highest write amplification that passes: {@code baseline × (1 + maxIncrease)}. */
  public static double limit(double baseline, double maxIncrease) {
    return baseline * (1 + maxIncrease);
  }
}
