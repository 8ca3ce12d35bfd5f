package dev.venice.it;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.IngestionVerdict;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A Da Vinci client plugin for the integration tests, through its ingestion hook: holds every data
 * record until a test opens {@link #gate} (a partition stays bootstrapping as long as a test needs,
 * at most a minute), slows each by {@link #delayNanos} (a slow disk, so a bootstrap takes a known
 * time), and counts them in {@link #applied}.
 */
public final class DaVinciTestIngestionPlugin implements VenicePlugin {
  /** Records wait here until it is counted down; replace it to close the gate again. */
  public static volatile CountDownLatch gate = new CountDownLatch(0);
  /** The delay per record, in nanoseconds; 0 for none. */
  public static volatile long delayNanos;
  /** Data records that passed the hook in this JVM. */
  public static final AtomicLong applied = new AtomicLong();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-dvc-ingestion", "1.0.0", "[1.3,2.0)",
        "holds, paces and counts a Da Vinci client's ingestion while a test asks",
        Set.of(ProcessKind.DA_VINCI_CLIENT));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addIngestionHook(new IngestionRecordHook() {
      @Override
      public IngestionVerdict beforeApply(IngestionRecord record) {
        try {
          gate.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        long delay = delayNanos;
        if (delay > 0) {
          LockSupport.parkNanos(delay);
        }
        applied.incrementAndGet();
        return IngestionVerdict.ACCEPT;
      }
    });
  }
}
