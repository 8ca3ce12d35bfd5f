package dev.venice.benchmarks;

import dev.venice.runtime.server.StorageOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The CPU cost of the server's {@code storage.statistics.enabled=true}: RocksDB puts and gets on a
 * database opened as a server opens a partition replica ({@link StorageOptions}, the {@code
 * default} data and {@code meta} column families), with ({@code statistics=on}: a {@code new
 * Statistics()} set on the database options, as {@code PartitionStore} does) and without
 * ({@code off}) RocksDB's {@code Statistics}, in the same run.
 *
 * <ul>
 *   <li>{@code put}: one {@code WriteBatch} of a 16-byte key and a 100-byte value in the data
 *       column family plus an 8-byte progress record in {@code meta}, as {@code
 *       PartitionStore.apply} writes a record (WAL on); the memtables fill and flush, and L0
 *       compacts, in RocksDB's background threads during the measurement, as on a server.
 *   <li>{@code get}: a uniformly random one of the 200,000 keys written and flushed at set-up (one
 *       SST file, about 23 MB, so the block cache of RocksDB's default table options holds most of
 *       it), read through the data column family's handle as {@code PartitionStore.get} does.
 * </ul>
 * Both include building the 16-byte key. One thread; the database is new for each trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RocksDbStatisticsOverheadBenchmark {
  static final int KEYS = 200_000;
  private static final byte[] VALUE = new byte[100];
  private static final byte[] OFFSET = "offset".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Param({"off", "on"})
  public String statistics;

  private Path dir;
  private final List<AutoCloseable> natives = new ArrayList<>();
  private RocksDB db;
  private ColumnFamilyHandle data;
  private ColumnFamilyHandle meta;
  private WriteOptions writeOptions;
  private long next = KEYS;

  /** The key of id {@code i}: 16 bytes, ordered by {@code i}. */
  static byte[] key(long i) {
    return ByteBuffer.allocate(16).putLong(i).putLong(i * 31).array();
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("bench-rocksdb-stats-");
    DBOptions dbOptions = StorageOptions.dbOptions();
    ColumnFamilyOptions cfOptions = StorageOptions.columnFamilyOptions();
    natives.add(dbOptions);
    natives.add(cfOptions);
    if (statistics.equals("on")) {
      Statistics stats = new Statistics();
      natives.add(stats);
      dbOptions.setStatistics(stats);
    } else if (!statistics.equals("off")) {
      throw new IllegalArgumentException("statistics=" + statistics + ": use on or off");
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor("meta".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            cfOptions)), handles);
    data = handles.get(0);
    meta = handles.get(1);
    writeOptions = new WriteOptions();
    for (int i = 0; i < KEYS; i++) {
      db.put(data, writeOptions, key(i), VALUE);
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, data);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    data.close();
    meta.close();
    db.close();
    writeOptions.close();
    for (AutoCloseable n : natives) {
      n.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public void put() throws RocksDBException {
    long id = next++;
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(data, key(id), VALUE);
      batch.put(meta, OFFSET, ByteBuffer.allocate(8).putLong(id).array());
      db.write(writeOptions, batch);
    }
  }

  @Benchmark
  public byte[] get() throws RocksDBException {
    return db.get(data, key(ThreadLocalRandom.current().nextInt(KEYS)));
  }
}
