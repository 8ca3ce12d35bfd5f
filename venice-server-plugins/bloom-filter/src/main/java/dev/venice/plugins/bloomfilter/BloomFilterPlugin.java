package dev.venice.plugins.bloomfilter;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code bloom-filter} server plugin, wiring only: its descriptor, its keys ({@link
 * BloomFilterConfig}) and, at start, the {@link PartitionFilters} (the ingestion hook that fills
 * the filters and the read hook that consults them) and the {@link BloomFilterEndpoint} listing
 * them.
 */
public final class BloomFilterPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("bloom-filter", "1.1.0", "[1.1,2.0)",
        "per-partition Bloom filters answer absent keys without a RocksDB lookup",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return BloomFilterConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    PartitionFilters filters = new PartitionFilters(context.storeSettings(BloomFilterConfig::from),
        context.meterRegistry(), context.metricPrefix());
    extensions.addIngestionHook(filters).addReadHook(filters)
        .addHttpEndpoint(new BloomFilterEndpoint(filters));
  }
}
