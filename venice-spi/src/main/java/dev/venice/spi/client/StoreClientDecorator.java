package dev.venice.spi.client;

/**
 * Wraps a whole store client (store level). Implementations usually return a {@link
 * ForwardingStoreClient} subclass. A decorator is created once per process and may decorate
 * clients of many stores; per-store settings are looked up by {@link StoreClient#storeName()}.
 */
public interface StoreClientDecorator {
  /** A short stable name, used in listings and metrics (usually the plugin id). */
  String name();

  /** The position in the default stack; lower is further out. See {@link DecoratorOrder}. */
  default int order() {
    return DecoratorOrder.STORE_DEFAULT;
  }

  /**
   * Returns a client that adds this decorator's behaviour around {@code client}. Called once per
   * store client. The returned client's methods never throw: failures complete their futures
   * exceptionally. The host skips the decorator for a store the plugin is switched off for.
   */
  <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client);
}
