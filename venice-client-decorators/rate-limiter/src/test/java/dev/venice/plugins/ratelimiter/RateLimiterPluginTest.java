package dev.venice.plugins.ratelimiter;

import static dev.venice.plugins.ratelimiter.RateLimitingStoreClientTest.upperCasing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one store decorator, its keys' checks, store settings. */
class RateLimiterPluginTest extends PluginContractTest<RateLimiterPlugin> {
  @Override
  protected RateLimiterPlugin newPlugin() {
    return new RateLimiterPlugin();
  }

  /** One admitted and one refused get: every meter is registered and named under the prefix. */
  @Override
  protected void exercise(RateLimiterPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    context.putStoreSettings("users", Map.of("burst", "1"));
    var client = extensions.storeDecorators().get(0).decorate(upperCasing("users"));
    client.get("a").join();
    assertTrue(client.get("b").isCompletedExceptionally());
  }

  @Test
  void startAddsOneStoreDecoratorAtTheRateLimitPosition() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<StoreClientDecorator> decorators = added.storeDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.RATE_LIMIT, decorators.get(0).order());
      assertEquals("rate-limiter", decorators.get(0).name());
      assertTrue(added.replicaDecorators().isEmpty() && added.readHooks().isEmpty());
      assertInstanceOf(RateLimitingStoreClient.class,
          decorators.get(0).decorate(upperCasing("users")));
    }
  }

  @Test
  void aBurstBelowOneOrARateOfZeroIsRefusedNamingTheFullKey() {
    ConfigException burst = assertThrows(ConfigException.class, () -> TestingPluginContext
        .builder(newPlugin()).config("burst", "0").build());
    assertEquals("plugins.rate-limiter.burst", burst.key());
    assertTrue(burst.getMessage().contains("plugins.rate-limiter.burst"), burst.getMessage());
    ConfigException rate = assertThrows(ConfigException.class, () -> TestingPluginContext
        .builder(newPlugin()).config("rate", "0").build());
    assertEquals("plugins.rate-limiter.rate", rate.key());
  }

  @Test
  void aStoresSettingsOverrideTheProcessesAndABadValueKeepsTheLastGood() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config(Map.of("rate", "50", "burst", "20")).build()) {
      context.start();
      @SuppressWarnings("unchecked")
      StoreSettings<RateLimiterConfig> settings =
          (StoreSettings<RateLimiterConfig>) context.storeSettingsRequested().get(0);
      assertEquals(new RateLimiterConfig(50, 20), settings.get("s"), "process-wide at first");

      context.putStoreSettings("s", Map.of("burst", "5"));
      RateLimiterConfig good = settings.get("s");
      assertEquals(new RateLimiterConfig(50, 5), good, "the store's burst over the process's");

      context.putStoreSettings("s", Map.of("burst", "0"));
      assertSame(good, settings.get("s"), "the last good settings stay");
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("plugins.rate-limiter.burst"), "recorded: "
          + error);
    }
  }
}
