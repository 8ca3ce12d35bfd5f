package dev.venice.plugins.longtailretry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.config.ConfigException;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one decorator at its position, the rules across keys. */
class LongTailRetryPluginTest extends PluginContractTest<LongTailRetryPlugin> {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  @Override
  protected LongTailRetryPlugin newPlugin() {
    return new LongTailRetryPlugin();
  }

  /** One request retried at once and answered by both replicas: every meter is registered. */
  @Override
  protected void exercise(LongTailRetryPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    context.putStoreSettings("users", Map.of("threshold-for-single-get", "0ms"));
    extensions.replicaDecorators().get(0)
        .decorate(r -> CompletableFuture.completedFuture(
            new ReplicaResponse(r.candidates().get(0), List.of())), "users")
        .dispatch(new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET,
            List.of(new byte[] {1}), RequestContext.of("users"), List.of(A, B)))
        .join();
  }

  @Test
  void startAddsOneReplicaDecoratorInsideHedging() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      List<ReplicaDispatchDecorator> decorators = context.start().replicaDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.LONG_TAIL_RETRY, decorators.get(0).order());
      assertEquals("long-tail-retry", decorators.get(0).name());
      assertTrue(DecoratorOrder.HEDGING < DecoratorOrder.LONG_TAIL_RETRY
          && DecoratorOrder.LONG_TAIL_RETRY < DecoratorOrder.REPLICA_ATTEMPT,
          "inside hedging, outside the per-attempt accounting");
    }
  }

  @Test
  void aMalformedBatchTableIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> TestingPluginContext
        .builder(newPlugin()).config("range-based-threshold-for-batch-get", "1-10:5,12-:9")
        .build());
    assertEquals("plugins.long-tail-retry.range-based-threshold-for-batch-get", e.key());
    assertTrue(e.getMessage().contains("starts at 12 keys but must start at 11"), e.getMessage());
  }

  @Test
  void retryingNoKindIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> TestingPluginContext
        .builder(newPlugin()).config("enabled-for-single-get", "false")
        .config("enabled-for-batch-get", "false").build());
    assertTrue(e.getMessage().contains("never retries"), e.getMessage());
  }
}
