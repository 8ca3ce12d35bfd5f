package dev.venice.benchmarks.writeamp;

import dev.venice.runtime.server.StorageOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One partition database opened and written the way a server's {@code PartitionStore} does it:
 * the options of {@link StorageOptions#dbOptions()} and {@link StorageOptions#columnFamilyOptions()}
 * for the {@code default} (data) and {@code meta} column families, and per record one
 * {@link WriteBatch} with the data put plus the {@code meta} progress puts of
 * {@code PartitionStore.apply} (applied-record count, offset, the producer's sequence number and,
 * for a record a leader copied from real time, the upstream offset), written with default
 * {@link WriteOptions} (WAL on, no sync).
 *
 * <p>{@code PartitionStore} is package-private in the server and cannot enable RocksDB statistics,
 * so this class reproduces its open and its {@code apply}: keep the two in step. The only
 * additions are a {@link Statistics} object on this copy of the options (to read the flush and
 * compaction byte counters) and, for the benchmark's self-test only, {@code overrides} of column
 * family options. Not thread-safe: one writer thread.
 */
final class PartitionWriter implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] OFFSET = bytes("offset");
  private static final byte[] END_OF_PUSH = bytes("end-of-push");
  private static final byte[] APPLIED = bytes("applied-records");
  private static final String PRODUCER_PREFIX = "producer/";

  private final Statistics statistics = new Statistics();
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions = new WriteOptions();
  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final ColumnFamilyHandle meta;
  private long appliedRecords;

  /**
   * Opens a new database in {@code dir} (which must be empty or absent).
   *
   * @param overrides column-family option overrides by RocksDB option name (self-test only);
   *     empty for the production options
   * @throws IllegalArgumentException for an unknown override name or a bad value
   */
  PartitionWriter(Path dir, Map<String, String> overrides) throws RocksDBException {
    this.dbOptions = StorageOptions.dbOptions().setStatistics(statistics);
    this.cfOptions = StorageOptions.columnFamilyOptions();
    overrides.forEach((name, value) -> override(cfOptions, name, value));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    this.db = RocksDB.open(dbOptions, dir.toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor(bytes("meta"), cfOptions)), handles);
    this.data = handles.get(0);
    this.meta = handles.get(1);
  }

  /** The column-family options {@code --override} accepts, for the self-test. */
  static final List<String> OVERRIDABLE = List.of("write_buffer_size",
      "level0_file_num_compaction_trigger", "max_bytes_for_level_base",
      "max_bytes_for_level_multiplier", "target_file_size_base");

  private static void override(ColumnFamilyOptions o, String name, String value) {
    try {
      switch (name) {
        case "write_buffer_size" -> o.setWriteBufferSize(Long.parseLong(value));
        case "level0_file_num_compaction_trigger" ->
            o.setLevel0FileNumCompactionTrigger(Integer.parseInt(value));
        case "max_bytes_for_level_base" -> o.setMaxBytesForLevelBase(Long.parseLong(value));
        case "max_bytes_for_level_multiplier" ->
            o.setMaxBytesForLevelMultiplier(Double.parseDouble(value));
        case "target_file_size_base" -> o.setTargetFileSizeBase(Long.parseLong(value));
        default -> throw new IllegalArgumentException("--override: unknown option '" + name
            + "', one of " + OVERRIDABLE);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--override " + name + ": not a number: '" + value + "'");
    }
  }

  /** As {@code PartitionStore.apply} for a put: one atomic batch of the data and its progress. */
  void apply(long offset, String producerId, long sequence, long upstreamOffset, byte[] key,
      byte[] value) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(data, key, value);
      batch.put(meta, APPLIED, longBytes(appliedRecords + 1));
      batch.put(meta, OFFSET, longBytes(offset));
      batch.put(meta, bytes(PRODUCER_PREFIX + producerId), longBytes(sequence));
      if (upstreamOffset >= 0) {
        batch.put(meta, bytes("upstream-offset"), longBytes(upstreamOffset));
      }
      db.write(writeOptions, batch);
    }
    appliedRecords++;
  }

  /** As {@code PartitionStore.endOfPush}. */
  void endOfPush(long offset, String producerId, long sequence) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(meta, END_OF_PUSH, new byte[] {1});
      batch.put(meta, OFFSET, longBytes(offset));
      batch.put(meta, bytes(PRODUCER_PREFIX + producerId), longBytes(sequence));
      db.write(writeOptions, batch);
    }
  }

  /** Flushes both column families and waits for the flush. */
  void flush() throws RocksDBException {
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f, List.of(data, meta));
    }
  }

  /**
   * Waits until no flush or compaction runs or is pending, polling RocksDB's properties every
   * millisecond.
   *
   * @throws IllegalStateException when background work is still going at the deadline
   */
  void awaitIdle(long timeout, TimeUnit unit) throws RocksDBException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!idle()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("RocksDB still compacting after " + timeout + " "
            + unit + ": " + levels());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Whether no flush or compaction runs or is pending (six property reads). */
  boolean idle() throws RocksDBException {
    for (ColumnFamilyHandle cf : List.of(data, meta)) {
      if (db.getLongProperty(cf, "rocksdb.num-immutable-mem-table") > 0
          || db.getLongProperty(cf, "rocksdb.compaction-pending") > 0) {
        return false;
      }
    }
    return db.getLongProperty("rocksdb.num-running-compactions") == 0
        && db.getLongProperty("rocksdb.num-running-flushes") == 0;
  }

  /** A RocksDB ticker's count (all column families). */
  long ticker(TickerType type) {
    return statistics.getTickerCount(type);
  }

  /** The data column family's SST files per level, from level 0, trailing empty levels left off. */
  Map<String, Long> levels() throws RocksDBException {
    Map<String, Long> files = new LinkedHashMap<>();
    for (int level = 0; level < 7; level++) {
      files.put("L" + level,
          Long.parseLong(db.getProperty(data, "rocksdb.num-files-at-level" + level).trim()));
    }
    for (int level = 6; level > 0 && files.get("L" + level) == 0; level--) {
      files.remove("L" + level);
    }
    return files;
  }

  /** The data column family's live SST bytes. */
  long liveSstBytes() throws RocksDBException {
    return db.getLongProperty(data, "rocksdb.live-sst-files-size");
  }

  @Override
  public void close() {
    data.close();
    meta.close();
    db.close();
    writeOptions.close();
    cfOptions.close();
    dbOptions.close();
    statistics.close();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
