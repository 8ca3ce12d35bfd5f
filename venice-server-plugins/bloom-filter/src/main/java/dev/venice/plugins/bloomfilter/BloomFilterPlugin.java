package dev.venice.plugins.bloomfilter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code bloom-filter} server plugin: adds the ingestion hook that fills the filters, the read
 * hook that consults them, and {@code GET /plugins/bloom-filter/} listing every filter.
 */
public final class BloomFilterPlugin implements VenicePlugin {
  private static final ObjectMapper JSON = new ObjectMapper();

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
        .addHttpEndpoint(new PluginHttpEndpoint() {
          @Override
          public String path() {
            return "";
          }

          @Override
          public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
            return PluginHttpResponse.json(200, JSON.writeValueAsString(filters.report()));
          }
        });
  }
}
