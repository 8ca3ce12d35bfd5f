package dev.venice.it;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server plugin for the integration tests, found on the test class path and off unless {@code
 * plugins.test-drain-hold.enabled=true}: its {@code onDrain} records the server's instance id in
 * {@link #DRAINING} and waits until the test calls {@link #release()} (at most two minutes, so a
 * failed test never hangs a stop), which keeps a stopping server in its DRAINING state.
 */
public final class DrainHoldPlugin implements VenicePlugin {
  /** The instance ids of the servers that entered {@code onDrain}, in order. */
  public static final Queue<String> DRAINING = new ConcurrentLinkedQueue<>();
  private static final CountDownLatch RELEASED = new CountDownLatch(1);

  /** Lets every held and later drain go on. */
  public static void release() {
    RELEASED.countDown();
  }

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-drain-hold", "1.0.0", "[1.4,2.0)",
        "holds a server's drain until the test releases it", Set.of(ProcessKind.SERVER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String instance = context.host().instanceId();
    extensions.addLifecycleHook(new LifecycleHook() {
      @Override
      public void onDrain() {
        DRAINING.add(instance);
        try {
          RELEASED.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
  }
}
