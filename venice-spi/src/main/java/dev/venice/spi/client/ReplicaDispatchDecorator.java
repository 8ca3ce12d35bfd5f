package dev.venice.spi.client;

/**
 * Wraps the dispatch of one partition's request to a replica (replica level). It may reorder or
 * filter {@link ReplicaRequest#candidates()} before calling {@code next}, call {@code next} more
 * than once (a hedge to another replica), or cancel what {@code next} returned.
 */
public interface ReplicaDispatchDecorator {
  /** A short stable name, used in listings and metrics (usually the plugin id). */
  String name();

  /** The position in the default stack; lower is further out. See {@link DecoratorOrder}. */
  default int order() {
    return DecoratorOrder.REPLICA_DEFAULT;
  }

  /**
   * Returns a dispatcher that adds this decorator's behaviour around {@code next} for requests to
   * {@code store}. Called once per store client, not per request. The returned dispatcher keeps
   * {@link ReplicaDispatcher#dispatch}'s contract: failures complete the future, nothing is thrown.
   * The host skips the decorator for a store the plugin is switched off for.
   */
  ReplicaDispatcher decorate(ReplicaDispatcher next, String store);
}
