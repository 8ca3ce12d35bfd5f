package dev.venice.benchmarks;

import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A lookup of a key that does not exist, answered by RocksDB (a real database of 200,000 keys,
 * flushed to an SST file) or by the bloom-filter plugin's read hook (the same keys ingested through
 * the plugin's ingestion hook), both reached the way the server reaches them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BloomFilterVsRocksDbMissBenchmark {
  private static final int KEYS = 200_000;

  private Path dir;
  private Options options;
  private RocksDB db;
  private PluginManager plugins;
  private ReadHooks readHooks;
  private long next = KEYS;

  private static byte[] key(long i) {
    return ByteBuffer.allocate(16).putLong(i).putLong(i * 31).array();
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("bench-rocksdb-");
    options = new Options().setCreateIfMissing(true);
    db = RocksDB.open(options, dir.toString());
    plugins = PluginManager.builder(BasicHostServices.minimal("server", "bench", "bench"))
        .classPath(getClass().getClassLoader())
        .config(Map.of("plugins.bloom-filter.enabled", "true",
            "plugins.bloom-filter.expected-keys", Integer.toString(KEYS)))
        .build().start();
    plugins.ingestionHooks().partitionOpened(new PartitionEvent("bench", 1, 0, false, false));
    byte[] value = new byte[100];
    for (long i = 0; i < KEYS; i++) {
      db.put(key(i), value);
      plugins.ingestionHooks().beforeApply(new IngestionRecord("bench", 1, 0, i, "bench_v1",
          RecordType.PUT, key(i), value, 1, 0, new StageTimings()));
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    }
    readHooks = plugins.readHooks();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    plugins.close();
    db.close();
    options.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  public byte[] rocksDbMiss() throws RocksDBException {
    return db.get(key(next++));
  }

  @Benchmark
  public boolean bloomFilterMiss() {
    return readHooks.beforeRead(new ReadRequest("bench", 1, 0, key(next++), Map.of()))
        .answered();
  }
}
