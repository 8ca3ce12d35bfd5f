package dev.venice.plugins.latencybudget;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;

/**
 * The router's request hook: times every single get of a store with a budget, from the arrival of
 * its request to its end (answer, error or cancellation), with the injected monotonic clock, into
 * the store's {@link LatencyWindow}. Batch and streaming gets are not timed: their latency grows
 * with their key count, and the budget is the seed's p99 single-get latency. A store without a
 * budget costs one settings lookup and returns {@link RequestScope#NONE}.
 *
 * <p>Thread-safe: called on gRPC threads; recording is wait-free.
 */
final class LatencyBudgetHook implements RequestHook {
  private final BudgetEvaluator budgets;
  private final TimeSource time;

  LatencyBudgetHook(BudgetEvaluator budgets, TimeSource time) {
    this.budgets = budgets;
    this.time = time;
  }

  @Override
  public RequestScope onRequest(InboundRequest request) {
    if (request.kind() != RequestKind.SINGLE_GET) {
      return RequestScope.NONE;
    }
    LatencyWindow window = budgets.windowFor(request.store());
    return window == null ? RequestScope.NONE : new Timed(window, time, time.nanoTime());
  }

  /** One single get being timed. */
  private static final class Timed implements RequestScope {
    private final LatencyWindow window;
    private final TimeSource time;
    private final long start;

    Timed(LatencyWindow window, TimeSource time, long start) {
      this.window = window;
      this.time = time;
      this.start = start;
    }

    @Override
    public void onEnd(RequestEnd end) {
      window.record(time.nanoTime() - start);
    }
  }
}
