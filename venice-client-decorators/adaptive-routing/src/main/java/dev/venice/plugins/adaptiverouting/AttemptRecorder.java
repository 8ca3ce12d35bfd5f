package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The measuring half of adaptive routing, at {@link DecoratorOrder#REPLICA_ATTEMPT} (inside
 * hedging and the client's failover, so it sees each attempt at exactly one instance, the
 * request's first candidate): counts the attempt in that instance's in-flight count while it
 * runs, and when it ends records its {@link AttemptOutcome} and duration, before the result is
 * passed on. An answer is attributed to the replica that served it ({@link
 * ReplicaResponse#servedBy()}), a failure or a cancel to the instance it was sent to. Measuring
 * here rather than around the whole request keeps a hedge's wait out of the winner's latency and
 * lets a losing hedge's instance learn it was slow. Cancelling the returned future cancels the
 * attempt (and its gRPC call). Thread-safe; {@link #decorate} is called once per store client.
 */
final class AttemptRecorder implements ReplicaDispatchDecorator {
  private final AdaptiveRoutingRegistry rankings;

  AttemptRecorder(AdaptiveRoutingRegistry rankings) {
    this.rankings = rankings;
  }

  @Override
  public String name() {
    return "adaptive-routing-attempts";
  }

  @Override
  public int order() {
    return DecoratorOrder.REPLICA_ATTEMPT;
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    ReplicaRanking ranking = rankings.forStore(store);
    return request -> dispatch(next, ranking, request);
  }

  private static CompletableFuture<ReplicaResponse> dispatch(ReplicaDispatcher next,
      ReplicaRanking ranking, ReplicaRequest request) {
    if (request.candidates().isEmpty()) {
      return next.dispatch(request); // the innermost dispatcher says no replica is ready
    }
    String instance = request.candidates().get(0).instanceId();
    ReplicaStats target = ranking.stats(instance);
    long start = ranking.nanoTime();
    target.started();
    CompletableFuture<ReplicaResponse> sent;
    try {
      sent = next.dispatch(request);
    } catch (RuntimeException e) { // against the SPI's contract, but the count must come down
      target.finished();
      return CompletableFuture.failedFuture(e);
    }
    Attempt attempt = new Attempt(sent, ranking, instance, target, start);
    sent.whenComplete(attempt);
    return attempt;
  }

  /**
   * One attempt: completed with the instance's answer once its outcome was recorded; cancelling it
   * cancels the attempt sent.
   */
  private static final class Attempt extends CompletableFuture<ReplicaResponse>
      implements BiConsumer<ReplicaResponse, Throwable> {
    private final CompletableFuture<ReplicaResponse> sent;
    private final ReplicaRanking ranking;
    private final String instance;
    private final ReplicaStats target;
    private final long startNanos;

    Attempt(CompletableFuture<ReplicaResponse> sent, ReplicaRanking ranking, String instance,
        ReplicaStats target, long startNanos) {
      this.sent = sent;
      this.ranking = ranking;
      this.instance = instance;
      this.target = target;
      this.startNanos = startNanos;
    }

    @Override
    public void accept(ReplicaResponse response, Throwable error) {
      target.finished();
      String recordedAt = response == null ? instance : response.servedBy().instanceId();
      ranking.record(recordedAt, AttemptOutcome.of(error), startNanos);
      if (error == null) {
        complete(response);
      } else {
        completeExceptionally(error);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      sent.cancel(mayInterruptIfRunning); // its completion records the cancel
      return cancelled;
    }
  }
}
