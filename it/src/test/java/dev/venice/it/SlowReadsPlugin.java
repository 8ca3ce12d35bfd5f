package dev.venice.it;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.RequestScope;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A server plugin for the integration tests: every read call of {@link #store} takes {@link
 * #delayNanos} longer on the server (a slow store), so routers measure it slower. A fault, not a
 * wait for anything.
 */
public final class SlowReadsPlugin implements VenicePlugin {
  /** The store to slow down; null for none. */
  public static volatile String store;
  /** The delay per read call of that store, in nanoseconds. */
  public static volatile long delayNanos;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-slow-reads", "1.0.0", "[1.3,2.0)",
        "slows every read call of one store while a test asks", Set.of(ProcessKind.SERVER));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addRequestHook(request -> {
      if (request.store().equals(store)) {
        LockSupport.parkNanos(delayNanos);
      }
      return RequestScope.NONE;
    });
  }
}
