package dev.venice.runtime.server;

import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.CompressionStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionJobInfo;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.FlushOptions;
import org.rocksdb.LevelMetaData;
import org.rocksdb.MemoryUsageType;
import org.rocksdb.MemoryUtil;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition replica in its own RocksDB ({@code <data>/<topic>/<topic>_<partition>}). Values
 * are stored as records of one of two formats (see {@link #record(int, byte[])} and {@link
 * #record(int, long, byte[])}), the value bytes as they came (compressed with the version's
 * strategy). Ingestion progress — the last applied offset, end-of-push, the last
 * real-time offset copied by a leader, each producer's last sequence number and the count of
 * applied records — lives in a {@code meta} column family and is written in the same atomic batch
 * as the data it describes, so a restart resumes exactly where the last batch stopped.
 *
 * <p><b>Stored record format</b> (the data column family's values), told apart by the first
 * 4-byte big-endian int:
 *
 * <ul>
 *   <li>format 1, {@code [schemaId:int][value]} (registered schema ids are positive): batch
 *       records, and real-time records whose producer gave no timestamp; every record written
 *       before format 2 existed reads exactly as before.
 *   <li>format 2, {@code [-2:int][schemaId:int][producerTimestampMs:long][value]}: a real-time
 *       (hybrid) record whose envelope carried the producer's timestamp (epoch milliseconds, the
 *       producer's clock), so reads can return it (data freshness, issue 20). 12 bytes more than
 *       format 1, only on real-time records: batch data does not grow.
 * </ul>
 *
 * {@link StoredRecord#parse} reads both.
 *
 * <p><b>Public surface</b>: the server uses this class internally (package-private methods); the
 * public part — {@link #open(Path, boolean)}, {@link #apply}, {@link #endOfPush}, {@link #record},
 * {@link #engineStats()}, {@link #flush()} and {@link #close()} — exists so that benchmarks (the
 * write-amplification check in {@code benchmarks}) drive the server's real write path and options
 * instead of a copy of them. It is not a stable API; nothing outside the server and its benchmarks
 * should use it.
 *
 * <p><b>Thread-safety</b>: one writer thread ({@link #apply}, {@link #endOfPush} — a replica's
 * ingestion thread in the server); {@link #flush()}, {@link #engineStats()} and reads are safe
 * from any thread, also concurrently with the writer (RocksDB's flush is). {@link #close()} is called once, after the writer has
 * stopped: writing after the close is an error the store does not check (RocksDB's handles are
 * freed).
 */
public final class PartitionStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionStore.class);
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] OFFSET = bytes("offset");
  private static final byte[] END_OF_PUSH = bytes("end-of-push");
  private static final byte[] COMPRESSION = bytes("compression");
  private static final byte[] UPSTREAM = bytes("upstream-offset");
  private static final byte[] APPLIED = bytes("applied-records");
  private static final String PRODUCER_PREFIX = "producer/";
  /** RocksDB's integer properties {@link #engineStats()} reports, under RocksDB's names. */
  private static final List<String> LONG_PROPERTIES = List.of("rocksdb.num-running-compactions",
      "rocksdb.compaction-pending", "rocksdb.estimate-pending-compaction-bytes",
      "rocksdb.num-running-flushes", "rocksdb.mem-table-flush-pending",
      "rocksdb.cur-size-all-mem-tables", "rocksdb.estimate-table-readers-mem",
      "rocksdb.block-cache-usage", "rocksdb.block-cache-capacity", "rocksdb.estimate-num-keys",
      "rocksdb.total-sst-files-size", "rocksdb.live-sst-files-size");
  /** RocksDB's tickers {@link #engineStats()} reports when statistics are on. */
  private static final List<TickerType> TICKERS = List.of(TickerType.COMPACT_READ_BYTES,
      TickerType.COMPACT_WRITE_BYTES, TickerType.FLUSH_WRITE_BYTES, TickerType.BLOCK_CACHE_HIT,
      TickerType.BLOCK_CACHE_MISS, TickerType.BYTES_WRITTEN, TickerType.BYTES_READ,
      TickerType.NUMBER_KEYS_WRITTEN, TickerType.STALL_MICROS);

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions = new WriteOptions();
  /** RocksDB's tickers, when the server enables them; {@code null} otherwise. */
  private final Statistics statistics;
  private final CompletionCounter completions = new CompletionCounter();
  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final ColumnFamilyHandle meta;
  private final AtomicInteger readers = new AtomicInteger();
  private volatile boolean closed;
  private volatile long appliedRecords;
  private volatile boolean endOfPush;
  private volatile CompressionStrategy compression;
  /** The version's dictionary when it is ZSTD_WITH_DICT, set by the ingestion; else null. */
  private volatile CompressionDictionary dictionary;

  private PartitionStore(Path dir, boolean statisticsEnabled, Cache sharedBlockCache,
      Consumer<? super ColumnFamilyOptions> columnFamilyTuning) throws RocksDBException {
    this.dir = dir;
    this.statistics = statisticsEnabled ? new Statistics() : null;
    this.dbOptions = StorageOptions.dbOptions().setListeners(List.of(completions));
    if (statistics != null) {
      dbOptions.setStatistics(statistics);
    }
    this.cfOptions = StorageOptions.columnFamilyOptions();
    if (sharedBlockCache != null) { // both column families' blocks in the one cache
      cfOptions.setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(sharedBlockCache));
    }
    if (columnFamilyTuning != null) {
      columnFamilyTuning.accept(cfOptions);
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    this.db = RocksDB.open(dbOptions, dir.toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor(bytes("meta"), cfOptions)), handles);
    this.data = handles.get(0);
    this.meta = handles.get(1);
    this.appliedRecords = readLong(APPLIED, 0);
    this.endOfPush = db.get(meta, END_OF_PUSH) != null;
    byte[] c = db.get(meta, COMPRESSION);
    this.compression = c == null ? CompressionStrategy.NO_OP
        : CompressionStrategy.valueOf(new String(c, StandardCharsets.UTF_8));
  }

  /**
   * Opens (or creates) the replica's database in {@code dir} with the server's options ({@link
   * StorageOptions#dbOptions()}, {@link StorageOptions#columnFamilyOptions()} for the {@code
   * default} (data) and {@code meta} column families), exactly as a server opens a replica; an
   * existing database resumes its progress (applied-record count, end-of-push, compression).
   *
   * @param dir the database directory, created with its parents when absent
   * @param statisticsEnabled whether RocksDB keeps its {@code Statistics} tickers (a few percent of
   *     CPU), reported by {@link #engineStats()} (the server's {@code storage.statistics.enabled})
   * @return the open store; the caller closes it
   * @throws IOException when the directory cannot be created or RocksDB cannot open the database
   *     (the message names {@code dir}; e.g. another process holds its lock)
   */
  public static PartitionStore open(Path dir, boolean statisticsEnabled) throws IOException {
    return open(dir, statisticsEnabled, null, null);
  }

  /**
   * {@link #open(Path, boolean)} with a change to the column-family options: <b>for a benchmark's
   * self-test only</b> (showing that the write-amplification check fails when the options get
   * worse); a server never passes one, and a baseline must never be measured with one.
   *
   * @param columnFamilyTuning applied to the server's column-family options (both column
   *     families share them) after {@link StorageOptions#columnFamilyOptions()} and before the
   *     open; {@code null} for none. An exception it throws propagates, the store unopened.
   */
  public static PartitionStore open(Path dir, boolean statisticsEnabled,
      Consumer<? super ColumnFamilyOptions> columnFamilyTuning) throws IOException {
    return open(dir, statisticsEnabled, null, columnFamilyTuning);
  }

  /**
   * {@link #open(Path, boolean)} with the block cache the store's column families use: a cache
   * several partitions share (a Da Vinci client's, which its memory-pressure plugin resizes), or
   * {@code null} for RocksDB's default (a cache per column family, as on a server).
   */
  static PartitionStore openSharing(Path dir, boolean statisticsEnabled, Cache sharedBlockCache)
      throws IOException {
    return open(dir, statisticsEnabled, sharedBlockCache, null);
  }

  private static PartitionStore open(Path dir, boolean statisticsEnabled, Cache sharedBlockCache,
      Consumer<? super ColumnFamilyOptions> columnFamilyTuning) throws IOException {
    Files.createDirectories(dir);
    try {
      return new PartitionStore(dir, statisticsEnabled, sharedBlockCache, columnFamilyTuning);
    } catch (RocksDBException e) {
      throw new IOException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * RocksDB's approximate memory use of this database ({@code MemoryUtil}): its memory tables and
   * its table readers (index and filter blocks outside the block cache), in bytes; the block cache
   * is counted by its owner, once. A close waits for it as for a read.
   *
   * @return {@code {memTableBytes, tableReadersBytes}}, or zeros once closed
   */
  long[] memoryUsage() {
    readers.incrementAndGet();
    try {
      if (closed) {
        return new long[2];
      }
      Map<MemoryUsageType, Long> usage =
          MemoryUtil.getApproximateMemoryUsageByType(List.of(db), Set.of());
      return new long[] {usage.getOrDefault(MemoryUsageType.kMemTableTotal, 0L),
          usage.getOrDefault(MemoryUsageType.kTableReadersTotal, 0L)};
    } finally {
      readers.decrementAndGet();
    }
  }

  /** Whether {@code dir} holds a partition database an earlier run left (RocksDB's CURRENT file). */
  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve("CURRENT"));
  }

  /**
   * The stored record of {@code key} (either format of the class comment), or {@code null}. A read racing with
   * {@link #close()} fails cleanly instead of touching a closed database.
   */
  byte[] get(byte[] key) throws RocksDBException {
    readers.incrementAndGet();
    try {
      if (closed) {
        throw new RocksDBException("partition " + dir.getFileName() + " is closed");
      }
      return db.get(data, key);
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * Starts a scan of every stored record in key order (RocksDB's iterator on an implicit snapshot:
   * writes after the start are not seen). The scan holds the store open as a read does: a {@link
   * #close()} waits until the scan is closed, so close it promptly (try-with-resources).
   *
   * @throws IllegalStateException once the store is closed
   */
  Scan scan() {
    readers.incrementAndGet();
    if (closed) {
      readers.decrementAndGet();
      throw new IllegalStateException("partition " + dir.getFileName() + " is closed");
    }
    try {
      return new Scan(db.newIterator(data));
    } catch (RuntimeException | Error e) {
      readers.decrementAndGet();
      throw e;
    }
  }

  /** A scan of the stored records in key order; one thread; see {@link #scan()}. */
  final class Scan implements AutoCloseable {
    private final RocksIterator iterator;
    private boolean started;
    private boolean finished;

    private Scan(RocksIterator iterator) {
      this.iterator = iterator;
    }

    /**
     * Moves to the next record (the first on the first call).
     *
     * @return false after the last record
     * @throws RocksDBException when RocksDB fails the iteration (e.g. a corrupt file)
     */
    boolean next() throws RocksDBException {
      if (started) {
        iterator.next();
      } else {
        iterator.seekToFirst();
        started = true;
      }
      if (!iterator.isValid()) {
        iterator.status(); // throws when the iteration ended on an error, not at the end
        return false;
      }
      return true;
    }

    /** The current record's key. */
    byte[] key() {
      return iterator.key();
    }

    /** The current stored record (either format of the class comment). */
    byte[] stored() {
      return iterator.value();
    }

    @Override
    public void close() {
      if (!finished) {
        finished = true;
        iterator.close();
        readers.decrementAndGet();
      }
    }
  }

  /** The last applied offset, -1 before the first record. */
  long checkpointOffset() throws RocksDBException {
    readers.incrementAndGet(); // also read from other threads (a Da Vinci client's checkpoints)
    try {
      if (closed) {
        throw new IllegalStateException("partition " + dir.getFileName() + " is closed");
      }
      return readLong(OFFSET, -1);
    } finally {
      readers.decrementAndGet();
    }
  }

  /** The real-time offset of the last record a leader copied into the version topic, or -1. */
  long upstreamOffset() throws RocksDBException {
    return readLong(UPSTREAM, -1);
  }

  /** The last sequence number applied from {@code producerId}, or -1. */
  long lastSequence(String producerId) throws RocksDBException {
    return readLong(bytes(PRODUCER_PREFIX + producerId), -1);
  }

  boolean endOfPushReceived() {
    return endOfPush;
  }

  CompressionStrategy compression() {
    return compression;
  }

  /** The version's compression dictionary ({@code ZSTD_WITH_DICT}), or null. */
  CompressionDictionary dictionary() {
    return dictionary;
  }

  /** Keeps the version's compression dictionary (read from ZooKeeper; not stored in RocksDB). */
  void dictionary(CompressionDictionary versionDictionary) {
    dictionary = versionDictionary;
  }

  /** Data records applied to this replica since it was created. */
  long appliedRecords() {
    return appliedRecords;
  }

  /**
   * Applies one record atomically with its progress: one {@link WriteBatch} (default {@link
   * WriteOptions}: WAL on, no sync) holding the data put or delete and the {@code meta} puts of the
   * applied-record count, the offset, the producer's sequence number and, when given, the upstream
   * offset. This is what a server's ingestion does for every record of the version topic. Writer
   * thread only (see the class comment).
   *
   * @param offset the record's offset in the version topic
   * @param producerId its producer, whose sequence number is recorded; {@code null} for none
   * @param sequence the producer's sequence number
   * @param upstreamOffset the real-time offset it was copied from, or -1
   * @param key the key, or {@code null} for a record that changes no data
   * @param value schema id and value for a put ({@link #record}), {@code null} for a delete
   * @throws RocksDBException when RocksDB refuses the write (e.g. disk full); nothing of the batch
   *     is applied then
   */
  public void apply(long offset, String producerId, long sequence, long upstreamOffset, byte[] key,
      byte[] value) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      if (key != null) {
        if (value != null) {
          batch.put(data, key, value);
        } else {
          batch.delete(data, key);
        }
        batch.put(meta, APPLIED, longBytes(appliedRecords + 1));
      }
      batch.put(meta, OFFSET, longBytes(offset));
      if (producerId != null) {
        batch.put(meta, bytes(PRODUCER_PREFIX + producerId), longBytes(sequence));
      }
      if (upstreamOffset >= 0) {
        batch.put(meta, UPSTREAM, longBytes(upstreamOffset));
      }
      db.write(writeOptions, batch);
    }
    if (key != null) {
      appliedRecords++;
    }
  }

  /** Records start-of-push and the version's compression, with its offset. */
  void startOfPush(long offset, String producerId, long sequence, CompressionStrategy strategy)
      throws RocksDBException {
    db.put(meta, COMPRESSION, bytes(strategy.name()));
    compression = strategy;
    apply(offset, producerId, sequence, -1, null, null);
  }

  /**
   * Records end-of-push with its offset and the producer's sequence number, in one batch, as a
   * server does when the push's end-of-push control message arrives. Writer thread only.
   *
   * @throws RocksDBException when RocksDB refuses the write
   */
  public void endOfPush(long offset, String producerId, long sequence) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(meta, END_OF_PUSH, new byte[] {1});
      batch.put(meta, OFFSET, longBytes(offset));
      batch.put(meta, bytes(PRODUCER_PREFIX + producerId), longBytes(sequence));
      db.write(writeOptions, batch);
    }
    endOfPush = true;
  }

  /** Records that the record at {@code offset} was consumed without changing data. */
  void skip(long offset) throws RocksDBException {
    apply(offset, null, -1, -1, null, null);
  }

  /** The number of keys, counted exactly (for tests and small partitions). */
  long countKeys() {
    long count = 0;
    try (RocksIterator it = db.newIterator(data)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        count++;
      }
    }
    return count;
  }

  /** RocksDB's estimate of the number of keys. */
  /** RocksDB's estimate of the number of keys; -1 once the store is closed. */
  long estimatedKeys() throws RocksDBException {
    readers.incrementAndGet(); // read from any thread (storage statistics)
    try {
      return closed ? -1 : db.getLongProperty(data, "rocksdb.estimate-num-keys");
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * RocksDB's own statistics of the data column family by name, as {@link
   * dev.venice.spi.host.EngineStats} documents them: integer properties such as {@code
   * rocksdb.num-running-compactions}, {@code rocksdb.compaction-pending} (0 or 1), {@code
   * rocksdb.num-running-flushes}, {@code rocksdb.mem-table-flush-pending} (0 or 1) and {@code
   * rocksdb.live-sst-files-size} (bytes), {@code rocksdb.num-files-at-level<N>} and {@code
   * rocksdb.sst-bytes-at-level<N>} up to the last non-empty level, the completed flushes and
   * compactions, and — with statistics on — RocksDB's cumulative tickers over the whole database
   * (both column families) such as {@code rocksdb.flush.write.bytes} and {@code
   * rocksdb.compact.write.bytes} (bytes since the open). The running counts are the database's;
   * the rest is the data column family's.
   *
   * @return a new sorted map; empty once the store is closed. Safe from any thread: a close waits
   *     for it as for a read.
   */
  public Map<String, Long> engineStats() {
    readers.incrementAndGet();
    try {
      if (closed) {
        return Map.of();
      }
      Map<String, Long> values = new TreeMap<>();
      for (String property : LONG_PROPERTIES) {
        try {
          values.put(property, db.getLongProperty(data, property));
        } catch (RocksDBException unsupported) {
          // a property this RocksDB build does not report stays absent
        }
      }
      List<LevelMetaData> levels = db.getColumnFamilyMetaData(data).levels();
      int last = 0;
      for (LevelMetaData level : levels) {
        if (!level.files().isEmpty()) {
          last = level.level();
        }
      }
      for (LevelMetaData level : levels) {
        if (level.level() <= last) {
          values.put("rocksdb.num-files-at-level" + level.level(), (long) level.files().size());
          values.put("rocksdb.sst-bytes-at-level" + level.level(), level.size());
        }
      }
      values.put("rocksdb.flushes.completed", completions.flushes.get());
      values.put("rocksdb.compactions.completed", completions.compactions.get());
      if (statistics != null) {
        for (TickerType ticker : TICKERS) {
          values.put(tickerName(ticker), statistics.getTickerCount(ticker));
        }
      }
      return values;
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * Flushes the memtables of both column families to SST files, synced, and waits for the flush
   * (not for any compaction it triggers): everything applied before the call survives a crash of
   * the process or the machine. For benchmarks and a Da Vinci client's checkpoints ({@link
   * DaVinciBackend#localPartitions()}); a server never calls it (RocksDB flushes when a memtable is
   * full, and on close).
   *
   * @throws IllegalStateException once the store is closed
   * @throws RocksDBException when RocksDB fails the flush
   */
  public void flush() throws RocksDBException {
    readers.incrementAndGet();
    try {
      if (closed) {
        throw new IllegalStateException("partition " + dir.getFileName() + " is closed");
      }
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, List.of(data, meta));
      }
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * Flushes the memtables and compacts the whole data column family, waiting for both: every LSM
   * statistic of {@link #engineStats()} moves. For tests and tools ({@code
   * VeniceServer.flushAndCompact}); a server never calls it by itself. A close waits for it as for
   * a read.
   *
   * @return false, doing nothing, when the store is already closed
   */
  boolean flushAndCompact() throws RocksDBException {
    readers.incrementAndGet();
    try {
      if (closed) {
        return false;
      }
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, data);
      }
      db.compactRange(data);
      return true;
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * RocksDB's own name of a ticker: {@code COMPACT_READ_BYTES} is {@code rocksdb.compact.read.bytes}.
   */
  static String tickerName(TickerType ticker) {
    return "rocksdb." + ticker.name().toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The size of the partition's files on disk. */
  long sizeOnDisk() {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /**
   * Closes the database (what the memtables hold is in the write-ahead log, replayed by the next
   * open) and frees its native resources, after waiting up to 10 s for reads and statistics in progress.
   * Call once, after the writer has stopped.
   */
  @Override
  public void close() {
    closed = true;
    // never free the native handles under a reader (a read, a scan, a long flushAndCompact): that
    // would crash the JVM; most readers are short, a scan may not be, so wait parked and say so
    long logAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (readers.get() > 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (System.nanoTime() > logAt) {
        LOG.warn("closing {}: still waiting for {} readers", dir, readers.get());
        logAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      }
    }
    data.close();
    meta.close();
    db.close();
    writeOptions.close();
    cfOptions.close();
    dbOptions.close();
    completions.close();
    if (statistics != null) {
      statistics.close();
    }
  }

  /** Deletes a closed partition's files. */
  static void destroy(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A value as a replica stores it without a producer timestamp (stored record format 1, see the
   * class comment): the schema id as 4 bytes, big-endian, then the value's bytes.
   *
   * @param schemaId the value schema id (registered schema ids are positive)
   * @return a new array of {@code 4 + value.length} bytes
   */
  public static byte[] record(int schemaId, byte[] value) {
    return ByteBuffer.allocate(4 + value.length).putInt(schemaId).put(value).array();
  }

  /**
   * A real-time value as a replica stores it with its producer's timestamp (stored record format
   * 2, see the class comment): {@code -2}, the schema id, the timestamp, then the value's bytes.
   *
   * @param schemaId the value schema id
   * @param producerTimestampMs when the producer wrote it (epoch milliseconds), positive
   * @return a new array of {@code 16 + value.length} bytes
   * @throws IllegalArgumentException for a non-positive timestamp
   */
  public static byte[] record(int schemaId, long producerTimestampMs, byte[] value) {
    if (producerTimestampMs <= 0) {
      throw new IllegalArgumentException("producer timestamp " + producerTimestampMs
          + " is not a time: store the record without one (format 1)");
    }
    return ByteBuffer.allocate(StoredRecord.FORMAT_2_HEADER + value.length)
        .putInt(StoredRecord.FORMAT_2).putInt(schemaId).putLong(producerTimestampMs).put(value)
        .array();
  }

  /**
   * A stored record's header, parsed: either format of the class comment.
   *
   * @param schemaId the value schema id
   * @param producerTimestampMs the producer's timestamp (epoch ms), or {@code -1} when the
   *     record has none (format 1)
   * @param valueOffset where the value starts in the stored bytes
   */
  record StoredRecord(int schemaId, long producerTimestampMs, int valueOffset) {
    /** The first int of a format-2 record. */
    static final int FORMAT_2 = -2;
    /** Bytes before the value in a format-2 record. */
    static final int FORMAT_2_HEADER = 16;
    /** Bytes before the value in a format-1 record. */
    static final int FORMAT_1_HEADER = 4;
    /** {@link #producerTimestampMs} of a format-1 record. */
    static final long NO_TIMESTAMP = -1;

    /**
     * Parses a stored record's header.
     *
     * @throws IllegalArgumentException when the bytes are no record of either format (too short,
     *     or an unknown negative mark), saying which
     */
    static StoredRecord parse(byte[] stored) {
      if (stored.length < FORMAT_1_HEADER) {
        throw new IllegalArgumentException("a stored record of " + stored.length
            + " bytes is shorter than its 4-byte header");
      }
      ByteBuffer bytes = ByteBuffer.wrap(stored);
      int first = bytes.getInt();
      if (first >= 0) {
        return new StoredRecord(first, NO_TIMESTAMP, FORMAT_1_HEADER);
      }
      if (first != FORMAT_2) {
        throw new IllegalArgumentException("a stored record starts with " + first
            + ": neither a schema id (format 1) nor " + FORMAT_2 + " (format 2)");
      }
      if (stored.length < FORMAT_2_HEADER) {
        throw new IllegalArgumentException("a format-2 stored record of " + stored.length
            + " bytes is shorter than its 16-byte header");
      }
      return new StoredRecord(bytes.getInt(), bytes.getLong(), FORMAT_2_HEADER);
    }

    /** Whether the record carries its producer's timestamp (format 2). */
    boolean hasProducerTimestamp() {
      return producerTimestampMs != NO_TIMESTAMP;
    }
  }

  private long readLong(byte[] key, long absent) throws RocksDBException {
    byte[] value = db.get(meta, key);
    return value == null ? absent : ByteBuffer.wrap(value).getLong();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Counts completed flushes and compactions (RocksDB's event listener, on its own threads). */
  private static final class CompletionCounter extends AbstractEventListener {
    final AtomicLong flushes = new AtomicLong();
    final AtomicLong compactions = new AtomicLong();

    CompletionCounter() {
      // only these two callbacks: RocksDB calls into Java for no other event
      super(EnabledEventCallback.ON_FLUSH_COMPLETED, EnabledEventCallback.ON_COMPACTION_COMPLETED);
    }

    @Override
    public void onFlushCompleted(RocksDB db, FlushJobInfo flushJobInfo) {
      if (isData(flushJobInfo.getColumnFamilyName())) {
        flushes.incrementAndGet();
      }
    }

    @Override
    public void onCompactionCompleted(RocksDB db, CompactionJobInfo compactionJobInfo) {
      if (isData(new String(compactionJobInfo.columnFamilyName(), StandardCharsets.UTF_8))) {
        compactions.incrementAndGet();
      }
    }

    private static boolean isData(String columnFamily) {
      return new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8).equals(columnFamily);
    }
  }

}
