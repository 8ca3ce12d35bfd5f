package dev.venice.runtime.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RocksDB block cache shared by several partition databases (a Da Vinci client's local
 * partitions), whose capacity can be changed while those databases read through it: the
 * memory-pressure plugin shrinks it under pressure and restores it afterwards.
 *
 * <p><b>Shape.</b> Owns one {@link LRUCache} ({@link #cache()}, to be given to each database's
 * {@code BlockBasedTableConfig.setBlockCache}) created with {@link #initialCapacityBytes()} and
 * RocksDB's default shard count for that capacity. All sizes are in <b>bytes</b>, as RocksDB
 * charges them (block contents plus, by default, the cache's own per-entry metadata).
 * {@link #resize(long)} sets a new capacity; {@link #capacityBytes()} reads it back from RocksDB;
 * {@link #usageBytes()} and {@link #pinnedUsageBytes()} are RocksDB's {@code GetUsage()} and
 * {@code GetPinnedUsage()}. Closing releases this object's reference to the cache; databases
 * that were given {@link #cache()} keep their own references, so close them too.
 *
 * <p><b>Why native code.</b> RocksJava 11.8.1's {@code org.rocksdb.Cache} has no
 * {@code setCapacity}/{@code getCapacity}. RocksDB's C API has them
 * ({@code rocksdb_cache_set_capacity}, {@code rocksdb_cache_get_capacity},
 * {@code rocksdb_cache_get_usage}, declared in {@code include/rocksdb/c.h}) and the
 * {@code librocksdbjni} library RocksJava loads exports them. A small JNI shim
 * ({@code src/main/c/venice_block_cache.c}, compiled by this module's pom into
 * {@code native/linux-x86_64/libvenice_block_cache.so} on the class path) finds that
 * already-loaded library and calls them with RocksJava's native cache handle.
 *
 * <p><b>Handle layout (why the RocksJava handle is a valid {@code rocksdb_cache_t*}).</b>
 * Sources: RocksDB's {@code db/c.cc} defines {@code struct rocksdb_cache_t} with a single member,
 * {@code std::shared_ptr<Cache> rep}, and {@code rocksdb_cache_set_capacity} calls
 * {@code SetCapacity} through it. RocksJava's {@code java/rocksjni/lru_cache.cc}
 * ({@code newLRUCache}) returns a heap-allocated {@code std::shared_ptr<Cache>} as the handle,
 * and {@code java/rocksjni/cache.cc} ({@code getUsage}, {@code getPinnedUsage}) reads the handle
 * back as a {@code std::shared_ptr<Cache>*}. A struct's first member is at the struct's address,
 * so both point at the same thing, a {@code shared_ptr<Cache>}. Those sources were read at older
 * revisions than 11.8.1, so the 11.8.1 binary was checked too ({@code librocksdbjni-linux64.so}
 * from the rocksdbjni jar, disassembled with {@code objdump}):
 * {@code Java_org_rocksdb_LRUCache_newLRUCache} allocates 16 bytes (one {@code std::shared_ptr})
 * and fills them from {@code LRUCacheOptions::MakeSharedCache}, and
 * {@code Java_org_rocksdb_Cache_getUsage} and {@code rocksdb_cache_get_usage} compile to the same
 * instructions on their handle argument (load its first word, the {@code Cache*}, then call the
 * same virtual-table slot). The tests check it at run time as well: the C API's usage equals
 * {@code Cache.getUsage()}, and RocksDB's own {@code rocksdb.block-cache-capacity} property
 * follows {@link #resize(long)}.
 *
 * <p><b>Thread safety.</b> Every method is safe to call from any thread. {@link #resize(long)},
 * the readers and {@link #close()} are {@code synchronized}, so a resize never runs on a closed
 * (freed) handle and two resizes never interleave. Reads of the databases need no coordination
 * with a resize: RocksDB's {@code include/rocksdb/advanced_cache.h} says of {@code Cache} that
 * "all operations are fully thread safe except as noted", and {@code SetCapacity} is not noted;
 * in {@code cache/sharded_cache.h}/{@code .cc} the new capacity is split evenly over the shards
 * (rounded up) under the cache's configuration mutex, and {@code cache/lru_cache.cc}'s
 * {@code LRUCacheShard::SetCapacity} sets each shard's capacity and evicts from its LRU list under
 * that shard's mutex, the same mutex lookups and inserts take.
 *
 * <p><b>Shrinking.</b> Per {@code Cache::SetCapacity}'s contract, when the new capacity is below
 * the usage RocksDB evicts released (unpinned) entries, least recently used first, until each
 * shard is within its share; entries a reader is holding at that moment (pinned) are not evicted
 * and stay charged until released. So right after a shrink, usage is at most the new capacity
 * plus the pinned usage plus the per-shard rounding (fewer bytes than there are shards).
 *
 * <p><b>Errors.</b> A capacity of 0 or less is an {@link IllegalArgumentException} naming the
 * value. Use after {@link #close()}, or after someone closed {@link #cache()} directly, is an
 * {@link IllegalStateException}. Where resizing is not possible — a platform other than
 * linux-x86_64, the shim missing from the class path or failing to load, or the loaded RocksDB
 * library not exporting the C functions — {@link #isResizable()} is false, {@link
 * #resizeUnavailableReason()} says why, and {@link #resize(long)} throws {@link
 * UnsupportedOperationException} with that reason; the cache itself still works at its initial
 * capacity. The shim reports every failure as a Java exception and never aborts the process.
 */
public final class SharedBlockCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBlockCache.class);

  /** Where the pom puts the compiled shim, relative to the class-path root. */
  static final String SHIM_RESOURCE = "native/linux-x86_64/libvenice_block_cache.so";

  private final LRUCache cache;
  private final long initialCapacityBytes;
  /** Guarded by {@code this}: once true, the cache's native handle is freed and never used. */
  private boolean closed;

  /**
   * Creates the shared cache.
   *
   * @param initialCapacityBytes the capacity in bytes; greater than 0
   * @throws IllegalArgumentException if {@code initialCapacityBytes} is 0 or less
   */
  public SharedBlockCache(long initialCapacityBytes) {
    requirePositive(initialCapacityBytes);
    RocksDB.loadLibrary();
    this.initialCapacityBytes = initialCapacityBytes;
    this.cache = new LRUCache(initialCapacityBytes);
  }

  /**
   * The RocksDB cache to give every sharing database ({@code BlockBasedTableConfig.setBlockCache}).
   * Owned by this object: do not close it; close this instead.
   *
   * @throws IllegalStateException if this is closed
   */
  public synchronized LRUCache cache() {
    ensureOpen();
    return cache;
  }

  /** The capacity in bytes this cache was created with. */
  public long initialCapacityBytes() {
    return initialCapacityBytes;
  }

  /**
   * The current capacity in bytes, as RocksDB reports it ({@code rocksdb_cache_get_capacity}).
   * Where resizing is unavailable nothing can change it, so it is the initial capacity.
   *
   * @throws IllegalStateException if this is closed
   */
  public synchronized long capacityBytes() {
    ensureOpen();
    return Shim.UNAVAILABLE == null ? capacity0(cache.getNativeHandle()) : initialCapacityBytes;
  }

  /**
   * The bytes charged by all entries now in the cache, pinned or not ({@code Cache.getUsage()}).
   *
   * @throws IllegalStateException if this is closed
   */
  public synchronized long usageBytes() {
    ensureOpen();
    return cache.getUsage();
  }

  /**
   * The bytes charged by entries in use by readers at this moment, which a shrink cannot evict
   * ({@code Cache.getPinnedUsage()}).
   *
   * @throws IllegalStateException if this is closed
   */
  public synchronized long pinnedUsageBytes() {
    ensureOpen();
    return cache.getPinnedUsage();
  }

  /**
   * Sets the capacity. Shrinking evicts released entries (least recently used first) until each
   * shard is within its share; entries pinned by readers stay until released. Growing only raises
   * the limit. Safe while the sharing databases read and write.
   *
   * @param bytes the new capacity in bytes; greater than 0
   * @throws IllegalArgumentException if {@code bytes} is 0 or less
   * @throws IllegalStateException if this is closed
   * @throws UnsupportedOperationException if resizing is not possible here ({@link #isResizable()})
   */
  public synchronized void resize(long bytes) {
    requirePositive(bytes);
    ensureOpen();
    String unavailable = Shim.UNAVAILABLE;
    if (unavailable != null) {
      throw new UnsupportedOperationException(
          "cannot resize the RocksDB block cache: " + unavailable);
    }
    setCapacity0(cache.getNativeHandle(), bytes);
  }

  /**
   * Whether {@link #resize(long)} can work in this process; {@link #resizeUnavailableReason()}
   * says why not.
   */
  public boolean isResizable() {
    return Shim.UNAVAILABLE == null;
  }

  /** Why resizing is not possible in this process; empty when it is. */
  public Optional<String> resizeUnavailableReason() {
    return Optional.ofNullable(Shim.UNAVAILABLE);
  }

  /**
   * The usage in bytes read through RocksDB's C API ({@code rocksdb_cache_get_usage}) with the
   * RocksJava handle. For tests: equal to {@link #usageBytes()} on a quiet cache only if the
   * handle really is a {@code rocksdb_cache_t*}.
   */
  synchronized long usageBytesThroughCApi() {
    ensureOpen();
    String unavailable = Shim.UNAVAILABLE;
    if (unavailable != null) {
      throw new UnsupportedOperationException(unavailable);
    }
    return usage0(cache.getNativeHandle());
  }

  /** Releases this object's reference to the cache; a no-op when already closed. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cache.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the shared block cache is closed");
    }
    if (!cache.isOwningHandle()) { // its native handle was freed: using it would crash
      throw new IllegalStateException(
          "the shared block cache's LRUCache was closed directly; "
              + "close the SharedBlockCache instead");
    }
  }

  private static void requirePositive(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("block cache capacity must be > 0 bytes, was " + bytes);
    }
  }

  /** Whether the shim is built for this platform (it is compiled for linux-x86_64 only). */
  static boolean supportedPlatform(String osName, String osArch) {
    String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * Loads the shim once per class loader, on first use (the holder idiom: the JVM runs this
   * class's initializer once, thread-safely).
   */
  private static final class Shim {
    /** Null when the shim is loaded and found RocksDB's C functions; otherwise why not. */
    static final String UNAVAILABLE = load();

    private static String load() {
      String why = tryLoad();
      if (why != null) {
        LOG.warn("RocksDB block cache resizing is unavailable: {}", why);
      }
      return why;
    }

    private static String tryLoad() {
      String osName = System.getProperty("os.name");
      String osArch = System.getProperty("os.arch");
      if (!supportedPlatform(osName, osArch)) {
        return "the native shim is built for linux-x86_64 only, this is " + osName + "/" + osArch;
      }
      // The shim looks RocksDB's functions up in the already-loaded librocksdbjni.
      RocksDB.loadLibrary();
      Path file = null;
      ClassLoader loader = SharedBlockCache.class.getClassLoader();
      try (InputStream in = loader.getResourceAsStream(SHIM_RESOURCE)) {
        if (in == null) {
          return SHIM_RESOURCE + " is not on the class path (was the module built with gcc?)";
        }
        // System.load needs a file; a fresh name each time, so another class loader's copy of
        // this class can load its own without the JVM refusing a library already bound elsewhere.
        file = Files.createTempFile("libvenice_block_cache", ".so");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } catch (IOException | LinkageError | SecurityException e) {
        return "cannot load the native shim " + SHIM_RESOURCE + ": " + e;
      } finally {
        deleteQuietly(file); // once loaded it stays mapped; the file itself is no longer needed
      }
      try {
        probe0(); // resolves the C API now, so isResizable() is known before the first resize
      } catch (UnsupportedOperationException | IllegalStateException | LinkageError e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
      }
      return null;
    }

    private static void deleteQuietly(Path file) {
      if (file == null) {
        return;
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit(); // left for the JVM's exit; harmless meanwhile
      }
    }
  }

  // Implemented in src/main/c/venice_block_cache.c. Each throws rather than crash:
  // UnsupportedOperationException if RocksDB's C functions cannot be found, IllegalStateException
  // for a 0 or emptied handle, IllegalArgumentException for a capacity of 0 or less.

  /** Finds RocksDB's C cache functions in the loaded librocksdbjni. */
  private static native void probe0();

  /** {@code rocksdb_cache_set_capacity(handle, bytes)}. */
  private static native void setCapacity0(long handle, long bytes);

  /** {@code rocksdb_cache_get_capacity(handle)}. */
  private static native long capacity0(long handle);

  /** {@code rocksdb_cache_get_usage(handle)}. */
  private static native long usage0(long handle);
}
