package dev.venice.plugins.batchsplit;

import static dev.venice.plugins.batchsplit.SplittingBatchGetStoreClientTest.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one store decorator at the batch-split position. */
class BatchSplitPluginTest extends PluginContractTest<BatchSplitPlugin> {
  @Override
  protected BatchSplitPlugin newPlugin() {
    return new BatchSplitPlugin();
  }

  /** One split batch get, so every meter is registered and checked. */
  @Override
  protected void exercise(BatchSplitPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    StoreClient<String, Integer> client = extensions.storeDecorators().get(0)
        .decorate(RecordingStoreClient.answeringAtOnce("users", numbered(200)));
    client.batchGet(numbered(200).keySet()).join();
  }

  @Test
  void startAddsOneStoreDecoratorAtTheBatchSplitPosition() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<StoreClientDecorator> decorators = added.storeDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.BATCH_SPLIT, decorators.get(0).order());
      assertEquals("batch-split", decorators.get(0).name());
      assertTrue(added.replicaDecorators().isEmpty() && added.readHooks().isEmpty());
      StoreClient<String, Integer> decorated = decorators.get(0)
          .decorate(RecordingStoreClient.answeringAtOnce("users", numbered(1)));
      assertInstanceOf(SplittingBatchGetStoreClient.class, decorated);
      assertEquals("users", decorated.storeName());
      assertEquals(0, decorated.batchGet(Set.of("k0")).join().get("k0"));
    }
  }
}
