package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * {@link SharedBlockCache} on a real RocksDB: the capacity follows {@link
 * SharedBlockCache#resize(long)} both as the cache reports it and as the database's own
 * {@code rocksdb.block-cache-*} properties do, a shrink evicts a warm cache down to the new
 * capacity, concurrent reads stay correct through repeated resizes, and bad input is refused.
 */
class SharedBlockCacheTest {
  private static final long MIB = 1L << 20;
  private static final int VALUE_BYTES = 1_000;

  @TempDir
  Path dir;

  @BeforeEach
  void onTheShimsPlatform() {
    // Elsewhere resizing is unavailable by design; here it must work, so a shim that failed to
    // build or load fails these tests instead of skipping them.
    assumeTrue(SharedBlockCache.supportedPlatform(System.getProperty("os.name"),
        System.getProperty("os.arch")), "the shim is built for linux-x86_64 only");
  }

  @Test
  void capacityFollowsResizeDownAndUp() {
    try (SharedBlockCache shared = new SharedBlockCache(64 * MIB)) {
      assertTrue(shared.isResizable(), shared.resizeUnavailableReason().orElse(""));
      assertEquals(64 * MIB, shared.initialCapacityBytes());
      assertEquals(64 * MIB, shared.capacityBytes());
      shared.resize(8 * MIB);
      assertEquals(8 * MIB, shared.capacityBytes());
      shared.resize(1); // the smallest capacity there is
      assertEquals(1, shared.capacityBytes());
      shared.resize(128 * MIB);
      assertEquals(128 * MIB, shared.capacityBytes());
      assertEquals(64 * MIB, shared.initialCapacityBytes());
    }
  }

  @Test
  void databasePropertiesFollowResizeAndAShrinkEvictsAWarmCache() throws Exception {
    int keys = 4_000; // about 4 MB of incompressible values
    byte[][] values = values(keys, 1);
    try (SharedBlockCache shared = new SharedBlockCache(64 * MIB);
        Options options = options(shared);
        RocksDB db = RocksDB.open(options, dir.toString())) {
      fillAndFlush(db, values);
      for (int i = 0; i < keys; i++) { // warm: every data block now in the cache
        assertArrayEquals(values[i], db.get(key(i)));
      }
      long warm = shared.usageBytes();
      assertTrue(warm > 3 * MIB, "a warm cache holds the ~4 MB of blocks: " + warm);
      assertEquals(64 * MIB, db.getLongProperty("rocksdb.block-cache-capacity"));
      assertEquals(warm, db.getLongProperty("rocksdb.block-cache-usage"));
      // Nothing reads now, so both views of the same cache agree exactly; they would not if the
      // RocksJava handle were not the rocksdb_cache_t* the C API expects.
      assertEquals(shared.usageBytes(), shared.usageBytesThroughCApi());

      long small = 1 * MIB;
      shared.resize(small);
      assertEquals(small, db.getLongProperty("rocksdb.block-cache-capacity"));
      assertEquals(small, shared.capacityBytes());
      long usage = db.getLongProperty("rocksdb.block-cache-usage");
      assertTrue(usage <= small + slack(shared),
          "after shrinking to " + small + ": usage " + usage + ", pinned "
              + shared.pinnedUsageBytes());
      assertTrue(usage < warm, "the shrink evicted: " + usage + " < " + warm);

      shared.resize(64 * MIB); // restored: the cache fills up again
      assertEquals(64 * MIB, db.getLongProperty("rocksdb.block-cache-capacity"));
      for (int i = 0; i < keys; i++) {
        assertArrayEquals(values[i], db.get(key(i)));
      }
      long rewarmed = db.getLongProperty("rocksdb.block-cache-usage");
      assertTrue(rewarmed > 3 * MIB, "grown back, the cache holds all blocks again: " + rewarmed);
    }
  }

  @Test
  void readsStayCorrectWhileTheCacheIsResizedRepeatedly() throws Exception {
    int keys = 3_000;
    int readers = 3;
    byte[][] values = values(keys, 2);
    try (SharedBlockCache shared = new SharedBlockCache(32 * MIB);
        Options options = options(shared);
        RocksDB db = RocksDB.open(options, dir.toString())) {
      fillAndFlush(db, values);
      ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
      try {
        // The resizer starts only after every reader has read once, and readers stop only when
        // the resizer is done, so the 200 resizes all happen while reads are going on.
        CountDownLatch readersRunning = new CountDownLatch(readers);
        AtomicBoolean resizesDone = new AtomicBoolean();
        List<Future<Long>> reads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
          reads.add(pool.submit(() -> {
            long count = 0;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try {
              do {
                int i = random.nextInt(keys);
                byte[] got = db.get(key(i));
                assertArrayEquals(values[i], got, "key " + i);
                if (count++ == 0) {
                  readersRunning.countDown();
                }
              } while (!resizesDone.get());
            } finally {
              if (count == 0) { // failed before its first good read: don't keep the resizer waiting
                readersRunning.countDown();
              }
            }
            return count;
          }));
        }
        Future<?> resizer = pool.submit(() -> {
          try {
            assertTrue(readersRunning.await(30, TimeUnit.SECONDS), "readers did not start");
            for (int n = 0; n < 200; n++) {
              long bytes = n % 2 == 0 ? 64 * 1024 : 32 * MIB; // small enough to evict nearly all
              shared.resize(bytes);
              assertEquals(bytes, shared.capacityBytes());
            }
          } finally {
            resizesDone.set(true); // readers stop even when the resizer failed
          }
          return null;
        });
        resizer.get(60, TimeUnit.SECONDS); // rethrows the resizer's failure, if any
        for (Future<Long> read : reads) {
          assertTrue(read.get(60, TimeUnit.SECONDS) > 0); // rethrows a reader's wrong value
        }
        assertEquals(32 * MIB, db.getLongProperty("rocksdb.block-cache-capacity"));
      } finally {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "threads left running");
      }
    }
  }

  @Test
  void aCapacityOfZeroOrLessIsRefusedWithTheValue() {
    try (SharedBlockCache shared = new SharedBlockCache(8 * MIB)) {
      IllegalArgumentException zero =
          assertThrows(IllegalArgumentException.class, () -> shared.resize(0));
      assertTrue(zero.getMessage().contains("was 0"), zero.getMessage());
      IllegalArgumentException negative =
          assertThrows(IllegalArgumentException.class, () -> shared.resize(-5));
      assertTrue(negative.getMessage().contains("was -5"), negative.getMessage());
      assertEquals(8 * MIB, shared.capacityBytes()); // unchanged
    }
    IllegalArgumentException initial =
        assertThrows(IllegalArgumentException.class, () -> new SharedBlockCache(-1));
    assertTrue(initial.getMessage().contains("was -1"), initial.getMessage());
  }

  @Test
  void aClosedCacheRefusesUseInsteadOfTouchingFreedMemory() {
    SharedBlockCache shared = new SharedBlockCache(8 * MIB);
    shared.close();
    shared.close(); // closing twice is fine
    assertThrows(IllegalStateException.class, () -> shared.resize(4 * MIB));
    assertThrows(IllegalStateException.class, shared::capacityBytes);
    assertThrows(IllegalStateException.class, shared::usageBytes);
    assertThrows(IllegalStateException.class, shared::cache);

    SharedBlockCache bypassed = new SharedBlockCache(8 * MIB);
    bypassed.cache().close(); // someone closed the RocksJava object directly
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> bypassed.resize(4 * MIB));
    assertTrue(e.getMessage().contains("closed directly"), e.getMessage());
    bypassed.close();
  }

  @Test
  void onlyLinuxX8664IsASupportedPlatform() {
    assertTrue(SharedBlockCache.supportedPlatform("Linux", "amd64"));
    assertTrue(SharedBlockCache.supportedPlatform("Linux", "x86_64"));
    assertFalse(SharedBlockCache.supportedPlatform("Linux", "aarch64"));
    assertFalse(SharedBlockCache.supportedPlatform("Mac OS X", "x86_64"));
    assertFalse(SharedBlockCache.supportedPlatform("Windows 11", "amd64"));
    assertFalse(SharedBlockCache.supportedPlatform(null, null));
  }

  /**
   * How far above the capacity usage may be right after a shrink: entries pinned by a reader are
   * not evicted (here nothing reads, but RocksDB may hold a handle of its own, so the cache's
   * pinned usage is added), and each shard gets the capacity divided by the shard count rounded
   * up (cache/sharded_cache.cc, ComputePerShardCapacity), less than one byte per shard in total;
   * an LRUCache made without a shard count has at most 64 shards (GetDefaultCacheShardBits in the
   * same file: no more than 6 shard bits). Measured here: the pinned usage is one 88-byte entry
   * that RocksDB itself keeps referenced while the database is open.
   */
  private static long slack(SharedBlockCache shared) {
    return shared.pinnedUsageBytes() + 64;
  }

  private static Options options(SharedBlockCache shared) {
    return new Options().setCreateIfMissing(true)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(shared.cache()));
  }

  private static void fillAndFlush(RocksDB db, byte[][] values) throws Exception {
    for (int i = 0; i < values.length; i++) {
      db.put(key(i), values[i]);
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush); // to an SST file, so that reads go through the block cache
    }
  }

  /** Random (so incompressible) values, the same for a seed every run. */
  private static byte[][] values(int count, long seed) {
    Random random = new Random(seed);
    byte[][] values = new byte[count][VALUE_BYTES];
    for (byte[] value : values) {
      random.nextBytes(value);
    }
    return values;
  }

  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }
}
