package dev.venice.plugins.tracing;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import java.util.Set;

/**
 * The plugin's store-level decorator, outermost ({@link DecoratorOrder#TRACING}), so its span
 * covers everything the call goes through, refusals of outer limits included: one {@link
 * TracedStoreClient} per store client. Thread-safe.
 */
final class TracingStoreDecorator implements StoreClientDecorator {
  private final TracingSdk sdk;
  private final Set<String> replicaTracedStores;

  /**
   * @param replicaTracedStores the stores whose replica attempts {@link TracingReplicaDecorator}
   *     traces (fast clients): their store-level span is the logical call (INTERNAL); the others'
   *     (thin clients) is the RPC to the router (CLIENT)
   */
  TracingStoreDecorator(TracingSdk sdk, Set<String> replicaTracedStores) {
    this.sdk = sdk;
    this.replicaTracedStores = replicaTracedStores;
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public int order() {
    return DecoratorOrder.TRACING;
  }

  @Override
  public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
    return new TracedStoreClient<>(client, sdk, replicaTracedStores);
  }
}
