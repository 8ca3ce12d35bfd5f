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

/**
 * A Da Vinci client plugin for the integration tests: its ingestion hook holds every data record
 * until a test opens {@link #gate}, so a local partition stays bootstrapping for as long as the
 * test needs (at most a minute, so a failed test never hangs a client).
 */
public final class DaVinciGatePlugin implements VenicePlugin {
  /** Records wait here until it is counted down; replace it to close the gate again. */
  public static volatile CountDownLatch gate = new CountDownLatch(0);

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-dvc-gate", "1.0.0", "[1.3,2.0)",
        "holds a Da Vinci client's ingestion until a test lets it go",
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
        return IngestionVerdict.ACCEPT;
      }
    });
  }
}
