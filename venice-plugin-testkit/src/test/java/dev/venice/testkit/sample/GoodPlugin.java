package dev.venice.testkit.sample;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadRequest;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** A sample plugin that keeps every rule of the contract (README: src/test/contract/good/). */
public final class GoodPlugin implements VenicePlugin {
  /** A store-overridable integer. */
  public static final ConfigKey<Integer> LIMIT =
      ConfigKey.integer("limit", 10, 1, 100, "how many; 13 is refused by validate");
  /** A process-only duration. */
  public static final ConfigKey<Duration> PAUSE = ConfigKey.duration("pause",
      Duration.ofMillis(250), Duration.ZERO, Duration.ofMinutes(1), "a pause").processOnly();
  /** An optional string without a default. */
  public static final ConfigKey<String> LABEL = ConfigKey.string("label", null, "a label");

  private final CountDownLatch stopped = new CountDownLatch(1);
  private Thread worker;
  /** The settings asked for at start. */
  public volatile StoreSettings<Integer> limits;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("good", "1.0.0", "[1.1,2.0)", "a good sample",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(LIMIT, PAUSE, LABEL);
  }

  @Override
  public void validate(PluginConfig config) {
    if (config.get(LIMIT) == 13) {
      throw new ConfigException("plugins.good.limit", "plugins.good.limit=13 is unlucky");
    }
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    limits = context.storeSettings(c -> c.get(LIMIT));
    String prefix = context.metricPrefix();
    extensions.addReadHook(new ReadHook() {
      @Override
      public ReadDecision beforeRead(ReadRequest request) {
        Counter.builder(prefix + "reads").tag("store", request.store())
            .register(context.meterRegistry()).increment();
        return ReadDecision.PROCEED;
      }
    });
    context.scheduler().execute(() -> { });
    worker = new Thread(() -> {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "good-worker");
    worker.start(); // non-daemon, ended by stop()
  }

  @Override
  public void stop() throws InterruptedException {
    stopped.countDown();
    worker.join();
  }
}
