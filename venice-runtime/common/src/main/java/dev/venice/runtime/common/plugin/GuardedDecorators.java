package dev.venice.runtime.common.plugin;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import java.util.Optional;

/**
 * Decorators from plugins, wrapped so that building a decorated client runs with the plugin's class
 * loader and a decorator whose {@code decorate} throws is skipped (and counted) instead of failing
 * the client. Name and order are read once, inside the guard; a decorator whose name cannot be read
 * is left out. Calls through the decorated client are the decorator's own business.
 */
final class GuardedDecorators {
  private GuardedDecorators() {}

  static Optional<StoreClientDecorator> store(PluginGuard guard, StoreClientDecorator d) {
    String name = guard.apply("decorator.name", d, null, (x, u) -> x.name(), null);
    int order = guard.apply("decorator.order", d, null, (x, u) -> x.order(),
        DecoratorOrder.STORE_DEFAULT);
    return name == null ? Optional.empty() : Optional.of(new Store(guard, d, name, order));
  }

  static Optional<ReplicaDispatchDecorator> replica(PluginGuard guard, ReplicaDispatchDecorator d) {
    String name = guard.apply("decorator.name", d, null, (x, u) -> x.name(), null);
    int order = guard.apply("decorator.order", d, null, (x, u) -> x.order(),
        DecoratorOrder.REPLICA_DEFAULT);
    return name == null ? Optional.empty() : Optional.of(new Replica(guard, d, name, order));
  }

  /** A guarded store-level decorator. */
  private record Store(PluginGuard guard, StoreClientDecorator delegate, String name, int order)
      implements StoreClientDecorator {
    @Override
    public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
      return guard.apply("decorator.store", delegate, client, StoreClientDecorator::decorate, client);
    }
  }

  /** A guarded replica-level decorator. */
  private record Replica(PluginGuard guard, ReplicaDispatchDecorator delegate, String name,
      int order) implements ReplicaDispatchDecorator {
    @Override
    public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
      return guard.apply("decorator.replica", delegate, next, (d, n) -> d.decorate(n, store), next);
    }
  }
}
