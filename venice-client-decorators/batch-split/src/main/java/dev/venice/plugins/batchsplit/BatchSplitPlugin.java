package dev.venice.plugins.batchsplit;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code batch-split} client decorator plugin, wiring only: its descriptor, its key ({@link
 * BatchSplitConfig}) and, at start, one {@link BatchSplitDecorator} (store level, {@link
 * DecoratorOrder#BATCH_SPLIT}) fed by the host's per-store settings and meter registry.
 */
public final class BatchSplitPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("batch-split", "1.0.0", "[1.2,2.0)",
        "splits batch gets over max-keys-per-sub-batch into parallel sub-batches, one merged map",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return BatchSplitConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addStoreDecorator(new BatchSplitDecorator(
        context.storeSettings(BatchSplitConfig::from), context.meterRegistry(),
        context.metricPrefix()));
  }
}
