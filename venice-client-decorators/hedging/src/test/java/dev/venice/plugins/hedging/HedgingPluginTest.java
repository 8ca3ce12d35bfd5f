package dev.venice.plugins.hedging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.Replica;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one decorator, per-store settings and the store rule. */
class HedgingPluginTest extends PluginContractTest<HedgingPlugin> {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  @Override
  protected HedgingPlugin newPlugin() {
    return new HedgingPlugin();
  }

  /** One request hedged at once and answered by both replicas: every meter is registered. */
  @Override
  protected void exercise(HedgingPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    context.putStoreSettings("users", Map.of("delay", "0ms"));
    extensions.replicaDecorators().get(0)
        .decorate(r -> CompletableFuture.completedFuture(
            new ReplicaResponse(r.candidates().get(0), List.of())), "users")
        .dispatch(new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET,
            List.of(new byte[] {1}), RequestContext.of("users"), List.of(A, B)))
        .join();
  }

  @Test
  void startAddsOneReplicaDecoratorAtTheHedgingPosition() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<ReplicaDispatchDecorator> decorators = added.replicaDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.HEDGING, decorators.get(0).order());
      assertEquals("hedging", decorators.get(0).name());
      assertTrue(added.storeDecorators().isEmpty() && added.readHooks().isEmpty());
    }
  }

  @Test
  void aStoreSettingOfTheRemovedBudgetKeyIsRefusedAndTheLastGoodKept() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("delay", "3ms").build()) {
      context.start();
      @SuppressWarnings("unchecked")
      StoreSettings<HedgingConfig> settings =
          (StoreSettings<HedgingConfig>) context.storeSettingsRequested().get(0);
      context.putStoreSettings("s", Map.of("delay", "7ms"));
      HedgingConfig good = settings.get("s");
      assertEquals(Duration.ofMillis(7), good.delay(), "the store's value over the process's");

      // hedging 1.x's own budget; since 2.0 the host's shared extra-load budget counts hedges
      context.putStoreSettings("s", Map.of("budget", "0.1"));
      assertSame(good, settings.get("s"), "the last good settings stay");
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("plugins.hedging.budget"), "recorded: " + error);

      context.putStoreSettings("s", Map.of("delay", "9ms"));
      assertEquals(Duration.ofMillis(9), settings.get("s").delay(), "a good change is taken");
      assertEquals(Map.of(), context.storeErrors(), "and the error cleared");
    }
  }
}
