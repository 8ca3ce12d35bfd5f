package dev.venice.plugins.coalescing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one store decorator, per-store settings. */
class CoalescingPluginTest extends PluginContractTest<CoalescingPlugin> {
  @Override
  protected CoalescingPlugin newPlugin() {
    return new CoalescingPlugin();
  }

  /** A get that joins another in flight (every meter is registered with the client). */
  @Override
  protected void exercise(CoalescingPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    RecordingStoreClient<String, String> store = RecordingStoreClient.pending("users");
    StoreClient<String, String> client = extensions.storeDecorators().get(0).decorate(store);
    client.get("k");
    client.get("k");
    store.call(0).answer("v");
  }

  @Test
  void startAddsOneStoreDecoratorAtTheCoalescingPosition() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<StoreClientDecorator> decorators = added.storeDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.COALESCING, decorators.get(0).order());
      assertEquals("coalescing", decorators.get(0).name());
      assertTrue(added.replicaDecorators().isEmpty() && added.readHooks().isEmpty());
      StoreClient<String, String> decorated =
          decorators.get(0).decorate(RecordingStoreClient.pending("s"));
      assertInstanceOf(CoalescingStoreClient.class, decorated);
      assertEquals("s", decorated.storeName());
    }
  }

  @Test
  void aStoresSettingsOverrideTheProcesssAndABadOneKeepsTheLastGood() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("window", "3ms").build()) {
      context.start();
      @SuppressWarnings("unchecked")
      StoreSettings<CoalescingConfig> settings =
          (StoreSettings<CoalescingConfig>) context.storeSettingsRequested().get(0);
      assertEquals(new CoalescingConfig(Duration.ofMillis(3), 10_000), settings.processWide());
      context.putStoreSettings("s", Map.of("window", "7ms", "max-in-flight-keys", "5"));
      CoalescingConfig good = settings.get("s");
      assertEquals(new CoalescingConfig(Duration.ofMillis(7), 5), good);

      context.putStoreSettings("s", Map.of("max-in-flight-keys", "0"));
      assertSame(good, settings.get("s"), "the last good settings stay");
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("plugins.coalescing.max-in-flight-keys"),
          "recorded: " + error);
    }
  }
}
