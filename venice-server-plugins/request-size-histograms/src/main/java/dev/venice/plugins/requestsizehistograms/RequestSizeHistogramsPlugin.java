package dev.venice.plugins.requestsizehistograms;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code request-size-histograms} plugin, wiring only: its descriptor (servers), its keys
 * ({@link RequestSizeHistogramsConfig}) and, at start, the {@link RequestSizeHistogramsMetrics} and
 * the {@link RequestSizeHook} added as both the request hook and the read hook. Nothing to close.
 */
public final class RequestSizeHistogramsPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("request-size-histograms", "1.0.0", "[1.4,2.0)",
        "per store and request type, histograms of the key count, response bytes and value bytes"
            + " per key of read calls, from the value sizes returned, sampled",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return RequestSizeHistogramsConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    RequestSizeHistogramsConfig.from(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    RequestSizeHistogramsConfig config = RequestSizeHistogramsConfig.from(context.config());
    RequestSizeHistogramsMetrics metrics = new RequestSizeHistogramsMetrics(
        context.meterRegistry(), context.metricPrefix(), config.maxStores());
    RequestSizeHook hook = new RequestSizeHook(
        context.storeSettings(RequestSizeHistogramsConfig::from), metrics,
        () -> ThreadLocalRandom.current().nextDouble());
    extensions.addRequestHook(hook).addReadHook(hook);
  }

  @Override
  public void stop() {}
}
