package dev.venice.benchmarks;

import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.ReadHook;

/** A plugin whose read hook does nothing: what hook dispatch itself costs. */
public final class NoopReadHookPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("bench-noop-read-hook", "1.0.0", "[1.0,2.0)",
        "a read hook that does nothing, for benchmarks");
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addReadHook(new ReadHook() { });
  }
}
