package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;

/**
 * Counts every read call of the stores the plugin is on for ({@link DrainCoordinator#open()}):
 * one {@code LongAdder} increment when the call arrives, one decrement when it ends, and, once the
 * drain deadline has passed, a refusal instead. Thread-safe, lock-free, allocates nothing.
 */
final class DrainRequestHook implements RequestHook {
  private final DrainCoordinator coordinator;

  DrainRequestHook(DrainCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public RequestScope onRequest(InboundRequest request) {
    return coordinator.open();
  }
}
