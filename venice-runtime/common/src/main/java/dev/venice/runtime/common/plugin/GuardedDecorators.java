package dev.venice.runtime.common.plugin;

import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;

/**
 * Decorators from plugins, wrapped so that building a decorated client runs with the plugin's class
 * loader and a decorator whose {@code decorate} throws is skipped (and counted) instead of failing
 * the client. Calls through the decorated client are the decorator's own business.
 */
final class GuardedDecorators {
  private GuardedDecorators() {}

  /** A guarded store-level decorator. */
  record Store(PluginGuard guard, StoreClientDecorator delegate) implements StoreClientDecorator {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public int order() {
      return delegate.order();
    }

    @Override
    public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
      return guard.apply("decorator.store", delegate, client, StoreClientDecorator::decorate, client);
    }
  }

  /** A guarded replica-level decorator. */
  record Replica(PluginGuard guard, ReplicaDispatchDecorator delegate)
      implements ReplicaDispatchDecorator {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public int order() {
      return delegate.order();
    }

    @Override
    public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
      return guard.apply("decorator.replica", delegate, next, (d, n) -> d.decorate(n, store), next);
    }
  }
}
