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
import java.util.concurrent.locks.LockSupport;

/**
 * A server plugin for the integration tests: while {@link #delayNanos} is above zero, every data
 * record a replica applies takes that much longer (a slow disk), so a backlog takes a known time to
 * replay. A fault, not a wait for anything.
 */
public final class SlowIngestionPlugin implements VenicePlugin {
  /** The delay per applied record, in nanoseconds; 0 for none. */
  public static volatile long delayNanos;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-slow-ingestion", "1.0.0", "[1.3,2.0)",
        "slows every applied record while a test asks", Set.of(ProcessKind.SERVER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addIngestionHook(new IngestionRecordHook() {
      @Override
      public IngestionVerdict beforeApply(IngestionRecord record) {
        long delay = delayNanos;
        if (delay > 0) {
          LockSupport.parkNanos(delay);
        }
        return IngestionVerdict.ACCEPT;
      }
    });
  }
}
