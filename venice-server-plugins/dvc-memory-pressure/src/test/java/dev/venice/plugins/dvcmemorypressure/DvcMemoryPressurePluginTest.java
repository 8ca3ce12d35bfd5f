package dev.venice.plugins.dvcmemorypressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract in a Da Vinci client (a fake storage), and the wiring: pressure shrinks the
 * cache through the host, the gauges show it, relief after the hold restores it.
 */
class DvcMemoryPressurePluginTest extends PluginContractTest<DvcMemoryPressurePlugin> {
  private static final String P = "venice.da.vinci.client.dvc.memory.pressure.";
  private static final long MIB = 1L << 20;
  private final FakeStorage storage = new FakeStorage(64 * MIB).use(20 * MIB, 64 * MIB);
  private final ManualTimeSource time = new ManualTimeSource();

  @Override
  protected DvcMemoryPressurePlugin newPlugin() {
    return new DvcMemoryPressurePlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.DA_VINCI_CLIENT);
  }

  @Override
  protected TestingPluginContext.Builder contextBuilder(DvcMemoryPressurePlugin plugin) {
    return super.contextBuilder(plugin).config("budget-bytes", Long.toString(80 * MIB))
        .config("interval", "1s").config("hold", "5s").config("cooldown", "2s").time(time)
        .host(new TestingHostServices().storageStats(storage));
  }

  @Override
  protected void exercise(DvcMemoryPressurePlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.backgroundTasks().get(0).run();
  }

  @Test
  void pressureShrinksTheCacheAndReliefAfterTheHoldRestoresIt() throws Exception {
    try (TestingPluginContext context = contextBuilder(newPlugin()).build()) {
      BackgroundTask task = context.start().backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(1), task.interval());
      MeterRegistry registry = context.meterRegistry();
      task.run(); // 20 + 64 = 84 MiB of an 80 MiB budget: over 72 (90%)
      assertEquals(List.of((64 - (84 - 56)) * MIB), storage.resizes, "down to 36 MiB");
      assertEquals(36.0 * MIB, registry.get(P + "block.cache.capacity.bytes").gauge().value());
      assertEquals(1.0, registry.get(P + "under.pressure").gauge().value());
      assertEquals(1.0, registry.get(P + "shrinks").counter().count());
      assertEquals(20.0 * MIB, registry.get(P + "memory.bytes").tag("kind", "memtables")
          .gauge().value());
      storage.use(10 * MIB, 30 * MIB); // 40 MiB: under the low watermark (56)
      for (int i = 0; i < 5; i++) {
        time.advance(Duration.ofSeconds(1));
        task.run();
      }
      assertEquals(2, storage.resizes.size(), "restored after 5 s under");
      assertEquals(64 * MIB, storage.resizes.get(1));
      assertEquals(0.0, registry.get(P + "under.pressure").gauge().value());
      assertEquals(1.0, registry.get(P + "restores").counter().count());
    }
  }

  @Test
  void aLowWatermarkNotBelowTheHighOneIsRefusedNamingIt() {
    Exception refused = assertThrows(Exception.class, () -> TestingPluginContext
        .builder(newPlugin()).config("high-watermark", "0.6").config("low-watermark", "0.7")
        .build());
    ConfigException config = refused instanceof ConfigException c ? c
        : (ConfigException) refused.getCause();
    assertTrue(config.getMessage().contains("plugins.dvc-memory-pressure.low-watermark (0.7)"
        + " must be below plugins.dvc-memory-pressure.high-watermark (0.6)"),
        config.getMessage());
  }
}
