package dev.venice.plugins.tracing;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import java.util.Set;

/**
 * The plugin's replica-level decorator, at {@link DecoratorOrder#REPLICA_ATTEMPT}: inside hedging,
 * long-tail retry and the fast client's failover, so it sees each attempt at exactly one replica
 * and gives each its own CLIENT span ({@link TracedReplicaDispatcher}). Only fast clients have
 * replica dispatch. Thread-safe.
 */
final class TracingReplicaDecorator implements ReplicaDispatchDecorator {
  private final TracingSdk sdk;
  private final Set<String> replicaTracedStores;

  /** @param replicaTracedStores where to record the stores decorated here (shared with the store decorator) */
  TracingReplicaDecorator(TracingSdk sdk, Set<String> replicaTracedStores) {
    this.sdk = sdk;
    this.replicaTracedStores = replicaTracedStores;
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public int order() {
    return DecoratorOrder.REPLICA_ATTEMPT;
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    replicaTracedStores.add(store);
    return new TracedReplicaDispatcher(next, sdk);
  }
}
