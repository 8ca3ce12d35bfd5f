package dev.venice.runtime.common.plugin;

import dev.venice.spi.plugin.StoreScope;
import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.client.StreamingCallback;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Decorators from plugins, wrapped so that building a decorated client runs with the plugin's class
 * loader and a decorator whose {@code decorate} throws is skipped (and counted) instead of failing
 * the client. Name and order are read once, inside the guard; a decorator whose name cannot be read
 * is left out. Calls through the decorated client are the decorator's own business.
 *
 * <p>Each decorated client or dispatcher follows the plugin's per-store switch at run time: while
 * the plugin is off for the store, calls go straight to the undecorated one (one volatile read to
 * notice a change); the decorated one is built the first time the plugin is on for the store.
 */
final class GuardedDecorators {
  private GuardedDecorators() {}

  static Optional<StoreClientDecorator> store(PluginGuard guard, StoreClientDecorator d,
      StoreScope stores) {
    String name = guard.apply("decorator.name", d, null, (x, u) -> x.name(), null);
    int order = guard.apply("decorator.order", d, null, (x, u) -> x.order(),
        DecoratorOrder.STORE_DEFAULT);
    return name == null ? Optional.empty()
        : Optional.of(new Store(guard, d, name, order, stores));
  }

  static Optional<ReplicaDispatchDecorator> replica(PluginGuard guard, ReplicaDispatchDecorator d,
      StoreScope stores) {
    String name = guard.apply("decorator.name", d, null, (x, u) -> x.name(), null);
    int order = guard.apply("decorator.order", d, null, (x, u) -> x.order(),
        DecoratorOrder.REPLICA_DEFAULT);
    return name == null ? Optional.empty()
        : Optional.of(new Replica(guard, d, name, order, stores));
  }

  /** A guarded store-level decorator. */
  private record Store(PluginGuard guard, StoreClientDecorator delegate, String name, int order,
      StoreScope stores) implements StoreClientDecorator {
    @Override
    public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
      return new SwitchedClient<>(stores, client, () -> guard.apply("decorator.store", delegate,
          client, StoreClientDecorator::decorate, client));
    }
  }

  /** A guarded replica-level decorator. */
  private record Replica(PluginGuard guard, ReplicaDispatchDecorator delegate, String name,
      int order, StoreScope stores) implements ReplicaDispatchDecorator {
    @Override
    public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
      return new SwitchedDispatcher(new Switch<>(stores, store, next, () -> guard.apply(
          "decorator.replica", delegate, next, (d, n) -> d.decorate(n, store), next)));
    }
  }

  /** Chooses the decorated or the plain target by the plugin's switch for one store. */
  private static final class Switch<T> {
    private final StoreScope stores;
    private final String store;
    private final T plain;
    private final Supplier<T> decorate;
    private T decorated;
    private volatile T active;
    private volatile int seen = -1;

    Switch(StoreScope stores, String store, T plain, Supplier<T> decorate) {
      this.stores = stores;
      this.store = store;
      this.plain = plain;
      this.decorate = decorate;
      choose(); // a decorator that is on is built with the client, as without a switch
    }

    T active() {
      T current = active;
      return current != null && seen == stores.generation() ? current : choose();
    }

    private synchronized T choose() {
      int generation = stores.generation();
      if (stores.enabledFor(store)) {
        if (decorated == null) {
          decorated = decorate.get();
        }
        active = decorated;
      } else {
        active = plain;
      }
      seen = generation;
      return active;
    }

    /** The decorated target if it was ever built (it wraps the plain one), else the plain one. */
    synchronized T outermost() {
      return decorated != null ? decorated : plain;
    }
  }

  /** Also keeps the SPI's promise for a plugin that breaks it: a throw becomes a failed future. */
  private record SwitchedDispatcher(Switch<ReplicaDispatcher> target) implements ReplicaDispatcher {
    @Override
    public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
      try {
        return target.active().dispatch(request);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  private static final class SwitchedClient<K, V> implements StoreClient<K, V> {
    private final Switch<StoreClient<K, V>> target;
    private final String storeName;

    SwitchedClient(StoreScope stores, StoreClient<K, V> plain,
        Supplier<StoreClient<K, V>> decorate) {
      this.storeName = plain.storeName();
      this.target = new Switch<>(stores, storeName, plain, decorate);
    }

    @Override
    public String storeName() {
      return storeName;
    }

    @Override
    public CompletableFuture<V> get(K key, RequestContext context) {
      try {
        return target.active().get(key, context);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
      try {
        return target.active().batchGet(keys, context);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
        StreamingCallback<K, V> callback) {
      try {
        return target.active().streamingBatchGet(keys, context, callback);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public void close() {
      target.outermost().close();
    }
  }
}
