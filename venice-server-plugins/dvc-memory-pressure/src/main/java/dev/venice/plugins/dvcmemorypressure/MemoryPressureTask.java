package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.host.BlockCacheControl;
import dev.venice.spi.host.StorageMemoryUsage;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The background task: every {@code interval} reads RocksDB's memory use across the client's
 * partitions ({@link StorageStatsService#memoryUsage()}), asks the {@link
 * MemoryPressureController}, and resizes the shared block cache ({@link
 * StorageStatsService#sharedBlockCache()}) when it says so, with a warning naming the numbers on
 * a shrink and a line on a restore. A host that cannot report or resize is said once.
 */
final class MemoryPressureTask implements BackgroundTask {
  private static final long MIB = 1L << 20;
  private final StorageStatsService stats;
  private final MemoryPressureController controller;
  private final DvcMemoryPressureMetrics metrics;
  private final Duration interval;
  private final Logger logger;
  private final AtomicBoolean toldUnsupported = new AtomicBoolean();
  private final AtomicBoolean toldFloor = new AtomicBoolean();

  MemoryPressureTask(StorageStatsService stats, MemoryPressureController controller,
      DvcMemoryPressureMetrics metrics, Duration interval, Logger logger) {
    this.stats = stats;
    this.controller = controller;
    this.metrics = metrics;
    this.interval = interval;
    this.logger = logger;
  }

  @Override
  public String name() {
    return "sample";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    Optional<StorageMemoryUsage> sampled = stats.memoryUsage();
    Optional<BlockCacheControl> shared = stats.sharedBlockCache();
    if (sampled.isEmpty() || shared.isEmpty()) {
      if (toldUnsupported.compareAndSet(false, true)) {
        logger.warn("dvc-memory-pressure: this host reports no RocksDB memory use or has no"
            + " shared block cache: nothing to watch");
      }
      return;
    }
    StorageMemoryUsage usage = sampled.get();
    BlockCacheControl cache = shared.get();
    MemoryPressureController.Decision decision = controller.sample(usage.totalBytes(),
        cache.capacityBytes(), cache.initialCapacityBytes());
    switch (decision.action()) {
      case SHRINK -> {
        if (resize(cache, decision.capacityBytes())) {
          metrics.shrinks.increment();
          logger.warn("dvc-memory-pressure: RocksDB memory {} MiB is over the high watermark {}"
                  + " MiB of the {} MiB budget (memory tables {} MiB, index and filter blocks {}"
                  + " MiB, block cache {} MiB); shrinking the shared block cache from {} to {}"
                  + " MiB{}", mib(usage.totalBytes()), mib(controller.highBytes()),
              mib(controller.budgetBytes()), mib(usage.memTableBytes()),
              mib(usage.tableReadersBytes()), mib(usage.blockCacheUsageBytes()),
              mib(usage.blockCacheCapacityBytes()), mib(decision.capacityBytes()),
              decision.atFloor() ? " (its floor: usage may stay over the watermark)" : "");
        }
      }
      case RESTORE -> {
        if (resize(cache, decision.capacityBytes())) {
          metrics.restores.increment();
          toldFloor.set(false);
          logger.info("dvc-memory-pressure: RocksDB memory {} MiB has stayed under the low"
                  + " watermark {} MiB; the shared block cache is back to {} MiB",
              mib(usage.totalBytes()), mib(controller.lowBytes()), mib(decision.capacityBytes()));
        }
      }
      case NONE -> {
        if (decision.atFloor() && toldFloor.compareAndSet(false, true)) {
          logger.warn("dvc-memory-pressure: RocksDB memory {} MiB is over the high watermark {}"
              + " MiB but the shared block cache is at its floor ({} MiB): raise the budget or"
              + " lower the data held", mib(usage.totalBytes()), mib(controller.highBytes()),
              mib(usage.blockCacheCapacityBytes()));
        }
      }
      default -> throw new IllegalStateException("unknown action " + decision.action());
    }
    // after a resize the gauges show the new capacity; otherwise this sample is the last word
    metrics.sampled(decision.action() == MemoryPressureController.Action.NONE ? usage
        : stats.memoryUsage().orElse(usage), controller.underPressure());
  }

  private boolean resize(BlockCacheControl cache, long bytes) {
    try {
      cache.resize(bytes);
      return true;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      metrics.resizeFailures.increment();
      if (toldUnsupported.compareAndSet(false, true)) {
        logger.warn("dvc-memory-pressure: the host cannot resize its block cache: {}",
            e.getMessage());
      }
      return false;
    }
  }

  private static long mib(long bytes) {
    return bytes / MIB;
  }
}
