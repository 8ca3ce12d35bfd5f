package dev.venice.plugins.bloomfilter;

import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plugin context of our own SPI for unit tests: config per store from a function. */
record TestContext(PluginConfig config, Function<String, PluginConfig> perStore,
    MeterRegistry meterRegistry) implements PluginContext {

  static TestContext of(Map<String, String> settings) {
    PluginConfig config = PluginConfig.of("bloom-filter", BloomFilterConfig.KEYS, settings);
    return new TestContext(config, store -> config, new SimpleMeterRegistry());
  }

  @Override
  public String pluginId() {
    return "bloom-filter";
  }

  @Override
  public PluginConfig configForStore(String store) {
    return perStore.apply(store);
  }

  @Override
  public TimeSource time() {
    return TimeSource.SYSTEM;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    throw new IllegalStateException("the bloom filter uses no scheduler");
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("bloom-filter-test");
  }

  @Override
  public HostServices host() {
    return new HostServices() {
      @Override
      public String processKind() {
        return "server";
      }

      @Override
      public String instanceId() {
        return "test_1";
      }

      @Override
      public String clusterName() {
        return "test";
      }

      @Override
      public Optional<StoreMetadataService> storeMetadata() {
        return Optional.empty();
      }

      @Override
      public Optional<RoutingService> routing() {
        return Optional.empty();
      }

      @Override
      public Optional<StorageStatsService> storageStats() {
        return Optional.empty();
      }

      @Override
      public Map<String, String> kafkaClientConfig() {
        return Map.of();
      }
    };
  }
}
