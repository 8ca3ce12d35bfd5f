package dev.venice.plugins.hotkeys;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code hot-keys} server plugin, wiring only: its descriptor, its keys ({@link
 * HotKeysConfig}) and, at start, the {@link HotKeyTracker} (the read hook that counts keys and the
 * ingestion hook that drops a closed replica's summary) and the {@link HotKeysEndpoint} serving
 * the summaries.
 */
public final class HotKeysPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("hot-keys", "1.0.0", "[1.4,2.0)",
        "a Space-Saving top-K of the keys read per partition replica, served per store",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HotKeysConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    HotKeyTracker tracker = new HotKeyTracker(context.storeSettings(HotKeysConfig::from),
        context.time(), ReplicaSummary.defaultStripes(), context.meterRegistry(),
        context.metricPrefix());
    extensions.addReadHook(tracker).addIngestionHook(tracker).addHttpEndpoint(
        new HotKeysEndpoint(tracker, context.host().storeMetadata(),
            context.host().instanceId()));
  }
}
