package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replica-selection half of the breaker, at {@link DecoratorOrder#REPLICA_CIRCUIT_BREAKER}
 * (outside hedging and inside the client's failover): drops the candidates whose breaker would
 * refuse a call now (OPEN within its wait, or HALF_OPEN with every probe out), so hedging and
 * failover only see replicas that may serve. When no candidate is left, the request fails at once
 * with {@link CircuitOpenException}, which is not retriable. A read-only check: the {@link
 * CircuitBreakerGate} inside takes the permit. A request whose candidates are all usable passes
 * through unchanged, without allocation. Thread-safe; {@link #decorate} is called once per store
 * client.
 */
final class CircuitBreakerSelector implements ReplicaDispatchDecorator {
  private final CircuitBreakerRegistry breakers;

  CircuitBreakerSelector(CircuitBreakerRegistry breakers) {
    this.breakers = breakers;
  }

  @Override
  public String name() {
    return "circuit-breaker";
  }

  @Override
  public int order() {
    return DecoratorOrder.REPLICA_CIRCUIT_BREAKER;
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    return new Selecting(next, breakers.forStore(store));
  }

  /** One store's selecting dispatcher. */
  private static final class Selecting implements ReplicaDispatcher {
    private final ReplicaDispatcher next;
    private final StoreBreakers breakers;

    Selecting(ReplicaDispatcher next, StoreBreakers breakers) {
      this.next = next;
      this.breakers = breakers;
    }

    @Override
    public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
      CircuitBreakerConfig config = breakers.settings();
      List<Replica> candidates = request.candidates();
      for (int i = 0; i < candidates.size(); i++) {
        if (!admits(candidates.get(i), config)) {
          return dispatchWithout(request, i, config);
        }
      }
      return next.dispatch(request);
    }

    /** Sends {@code request} to its usable candidates; {@code firstRefused} is known refused. */
    private CompletableFuture<ReplicaResponse> dispatchWithout(ReplicaRequest request,
        int firstRefused, CircuitBreakerConfig config) {
      List<Replica> candidates = request.candidates();
      List<Replica> usable = new ArrayList<>(candidates.subList(0, firstRefused));
      List<String> refused = new ArrayList<>();
      for (int i = firstRefused; i < candidates.size(); i++) {
        Replica candidate = candidates.get(i);
        if (i > firstRefused && admits(candidate, config)) {
          usable.add(candidate);
        } else {
          refused.add(candidate.instanceId());
          breakers.of(candidate.instanceId()).meters().rejections.increment();
        }
      }
      if (usable.isEmpty()) {
        breakers.metrics().allOpen.increment();
        return CompletableFuture.failedFuture(new CircuitOpenException(request.store(),
            request.version(), request.partition(), refused));
      }
      return next.dispatch(request.withCandidates(usable));
    }

    private boolean admits(Replica candidate, CircuitBreakerConfig config) {
      return breakers.of(candidate.instanceId()).breaker().admitsCalls(config);
    }
  }
}
