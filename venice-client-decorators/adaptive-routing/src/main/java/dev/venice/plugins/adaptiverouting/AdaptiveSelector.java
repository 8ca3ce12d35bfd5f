package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ordering half of adaptive routing, at {@link DecoratorOrder#ADAPTIVE_SELECTION}, the
 * outermost replica position: reorders each partition request's candidates by {@link
 * ReplicaRanking#order} (power-of-two-choices first, the rest by score) and passes the request
 * on. The decorators inside use that order: the circuit breaker's selector drops open instances
 * from it, hedging sends to the first remaining candidate and its hedge to the next, which is
 * then the best-scored other replica, and the client's failover walks it. Thread-safe; {@link
 * #decorate} is called once per store client.
 */
final class AdaptiveSelector implements ReplicaDispatchDecorator {
  private final AdaptiveRoutingRegistry rankings;

  AdaptiveSelector(AdaptiveRoutingRegistry rankings) {
    this.rankings = rankings;
  }

  @Override
  public String name() {
    return "adaptive-routing";
  }

  @Override
  public int order() {
    return DecoratorOrder.ADAPTIVE_SELECTION;
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    ReplicaRanking ranking = rankings.forStore(store);
    return request -> dispatch(next, ranking, request);
  }

  private static CompletableFuture<ReplicaResponse> dispatch(ReplicaDispatcher next,
      ReplicaRanking ranking, ReplicaRequest request) {
    List<Replica> ordered = ranking.order(request.candidates());
    return next.dispatch(ordered == request.candidates() ? request
        : request.withCandidates(ordered));
  }
}
