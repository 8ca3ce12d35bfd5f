package dev.venice.benchmarks;

import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.runtime.server.StorageOptions;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableProperties;

/**
 * A lookup of a key that does not exist, answered by RocksDB (a real database of 200,000 keys,
 * flushed to one SST file) or by the bloom-filter plugin's read hook (the same keys ingested
 * through the plugin's ingestion hook), both reached the way the server reaches them.
 *
 * <p>The present keys are the even ids {@code 0, 2, ..., 399,998}; a miss asks for an odd id in
 * the same range, cycling, so RocksDB cannot rule it out from the SST file's smallest and largest
 * key alone (the 2026-11 version of this benchmark asked for ids past the last key, which RocksDB
 * answers without touching the file).
 *
 * <p>RocksDB variants ({@code rocksdb} parameter):
 * <ul>
 *   <li>{@code defaults}: {@code new Options().setCreateIfMissing(true)} (the 2026-11 baseline);
 *   <li>{@code server}: the server's own options ({@link StorageOptions}: block-based tables
 *       with no filter policy), read through the data column family's handle as
 *       {@code PartitionStore.get} does;
 *   <li>{@code server+bloom10}: the same plus RocksDB's own full Bloom filter at 10 bits per key
 *       ({@code BlockBasedTableConfig.setFilterPolicy(new BloomFilter(10, false))}).
 * </ul>
 * Memory per key of each variant is printed once per trial ({@code memory:} lines): RocksDB's
 * SST filter size ({@code TableProperties.getFilterSize()}) and {@code
 * rocksdb.estimate-table-readers-mem} (index and filter blocks held by the open table), the
 * plugin's filter bytes from its {@code venice.server.bloom.filter.bytes} gauge.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BloomFilterVsRocksDbMissBenchmark {
  static final int KEYS = 200_000;
  private static final byte[] VALUE = new byte[100];

  /** The key of id {@code i}: 16 bytes, ordered by {@code i}. */
  static byte[] key(long i) {
    return ByteBuffer.allocate(16).putLong(i).putLong(i * 31).array();
  }

  /** The present keys' ids, even, in the order they are written. */
  static long present(int n) {
    return 2L * n;
  }

  /** The n-th absent key's id: odd, within the present keys' range. */
  static long absent(long n) {
    return 2L * (n % KEYS) + 1;
  }

  /** One RocksDB database of the 200,000 keys, flushed to an SST file. */
  @State(Scope.Benchmark)
  public static class Db {
    @Param({"defaults", "server", "server+bloom10"})
    public String rocksdb;

    private Path dir;
    private final List<AutoCloseable> natives = new ArrayList<>();
    private RocksDB db;
    private ColumnFamilyHandle data;
    private long next;

    @Setup(Level.Trial)
    public void setUp() throws IOException, RocksDBException {
      RocksDB.loadLibrary();
      dir = Files.createTempDirectory("bench-rocksdb-");
      if (rocksdb.equals("defaults")) {
        org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
        natives.add(options);
        db = RocksDB.open(options, dir.toString());
        data = db.getDefaultColumnFamily();
      } else {
        DBOptions dbOptions = StorageOptions.dbOptions();
        ColumnFamilyOptions cfOptions = StorageOptions.columnFamilyOptions();
        natives.add(dbOptions);
        natives.add(cfOptions);
        if (rocksdb.equals("server+bloom10")) {
          BloomFilter filter = new BloomFilter(10, false);
          natives.add(filter);
          cfOptions.setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
        } else if (!rocksdb.equals("server")) {
          throw new IllegalArgumentException("rocksdb: unknown variant " + rocksdb);
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        db = RocksDB.open(dbOptions, dir.toString(),
            List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions)),
            handles);
        data = handles.get(0);
        natives.add(data);
      }
      for (int i = 0; i < KEYS; i++) {
        db.put(data, key(present(i)), VALUE);
      }
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, data);
      }
      long filterBytes = 0;
      long entries = 0;
      for (TableProperties table : db.getPropertiesOfAllTables(data).values()) {
        filterBytes += table.getFilterSize();
        entries += table.getNumEntries();
      }
      long readersMem = db.getLongProperty(data, "rocksdb.estimate-table-readers-mem");
      System.out.printf("%nmemory: rocksdb=%s sst-entries=%d filter-bytes=%d (%.2f bytes/key)"
          + " table-readers-mem=%d (%.2f bytes/key)%n", rocksdb, entries, filterBytes,
          (double) filterBytes / KEYS, readersMem, (double) readersMem / KEYS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      db.close();
      for (int i = natives.size() - 1; i >= 0; i--) {
        natives.get(i).close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The bloom-filter plugin, started as a server starts it, fed the 200,000 keys. Loaded from the
   * class path here, its class loader is the benchmark thread's; on a server it has its own and the
   * read threads do not, so each guarded call switches the context class loader and back. The
   * benchmark thread gets a loader of its own ({@link #serverThread}) so that it pays the switch
   * as a server's read thread does.
   */
  @State(Scope.Benchmark)
  public static class Plugin {
    private final ClassLoader serverThreadLoader = new ClassLoader(getClass().getClassLoader()) {};
    private PluginManager plugins;
    private ReadHooks readHooks;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
      MeterRegistry registry = new SimpleMeterRegistry();
      plugins = PluginManager.builder(BasicHostServices.minimal("server", "bench", "bench"))
          .classPath(getClass().getClassLoader())
          .meterRegistry(registry)
          .config(Map.of("plugins.bloom-filter.enabled", "true",
              "plugins.bloom-filter.expected-keys", Integer.toString(KEYS)))
          .build().start();
      plugins.ingestionHooks().partitionOpened(new PartitionEvent("bench", 1, 0, false, false));
      for (int i = 0; i < KEYS; i++) {
        plugins.ingestionHooks().beforeApply(new IngestionRecord("bench", 1, 0, i, "bench_v1",
            RecordType.PUT, key(present(i)), VALUE, 1, 0, new StageTimings()));
      }
      readHooks = plugins.readHooks();
      double bytes = registry.get("venice.server.bloom.filter.bytes").gauge().value();
      System.out.printf("%nmemory: plugin filter-bytes=%.0f (%.2f bytes/key)%n", bytes,
          bytes / KEYS);
    }

    /** Runs on the benchmark thread before each iteration. */
    @Setup(Level.Iteration)
    public void serverThread() {
      Thread.currentThread().setContextClassLoader(serverThreadLoader);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      plugins.close();
    }
  }

  /** A miss answered by RocksDB, through the data column family as the server reads. */
  @Benchmark
  public byte[] rocksDbMiss(Db db) throws RocksDBException {
    return db.db.get(db.data, key(absent(db.next++)));
  }

  /** A miss answered by the plugin's read hook ({@code ABSENT}, ~1% let through). */
  @Benchmark
  public boolean bloomFilterMiss(Plugin plugin) {
    return plugin.readHooks.beforeRead(new ReadRequest("bench", 1, 0,
        key(absent(plugin.next++)), Map.of())).answered();
  }

  /**
   * A present key through the plugin's read hook: what the filter adds to every read that RocksDB
   * then answers ({@code PROCEED}).
   */
  @Benchmark
  public boolean bloomFilterHit(Plugin plugin) {
    return plugin.readHooks.beforeRead(new ReadRequest("bench", 1, 0,
        key(present((int) (plugin.next++ % KEYS))), Map.of())).answered();
  }
}
