package dev.venice.testkit.sample;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A sample plugin breaking every rule the contract can see (README: src/test/contract/bad/): not
 * in META-INF/services, a foreign SPI range, an extra process kind, a key without description,
 * meters outside its prefix and with two tag-key sets, a non-daemon thread left running.
 */
public final class BadPlugin implements VenicePlugin {
  /** Released by the self-test once done, ending the leaked thread. */
  public static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("bad", "2.0.0", "[2.0,3.0)", "a bad sample",
        Set.of(ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(ConfigKey.integer("limit", 10, 1, 100, " "),
        ConfigKey.duration("pause", Duration.ofMillis(250), Duration.ZERO, Duration.ofMinutes(1),
            "a pause").processOnly(),
        ConfigKey.string("colour", "red", "a colour"));
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    Counter.builder("bad.requests").register(context.meterRegistry());
    Counter.builder(context.metricPrefix() + "calls").tag("store", "s")
        .register(context.meterRegistry());
    Counter.builder(context.metricPrefix() + "calls").tag("kind", "k")
        .register(context.meterRegistry());
    Thread leaked = new Thread(() -> {
      try {
        RELEASE.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bad-leaked");
    leaked.start();
  }
}
