package dev.venice.plugins.circuitbreaker;

import dev.venice.plugins.circuitbreaker.StoreBreakers.InstanceBreaker;
import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.plugin.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The accounting half of the breaker, at {@link DecoratorOrder#REPLICA_ATTEMPT} (inside hedging
 * and the client's failover, so it sees each attempt at exactly one instance, the request's first
 * candidate): asks that instance's breaker for a permit, and fails the attempt at once with a
 * retriable {@link ReplicaCircuitOpenException} when refused (a race with the selector outside, or
 * a half-open instance whose probes are out), so failover moves on to the next candidate. A
 * permitted attempt's outcome ({@link Outcome}) is reported to the breaker when it completes,
 * before the result is passed on; cancelling the returned future cancels the attempt (and its gRPC
 * call) and reports the cancel. Thread-safe; {@link #decorate} is called once per store client.
 */
final class CircuitBreakerGate implements ReplicaDispatchDecorator {
  private final CircuitBreakerRegistry breakers;

  CircuitBreakerGate(CircuitBreakerRegistry breakers) {
    this.breakers = breakers;
  }

  @Override
  public String name() {
    return "circuit-breaker-gate";
  }

  @Override
  public int order() {
    return DecoratorOrder.REPLICA_ATTEMPT;
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    return new Gating(next, breakers.forStore(store), breakers.time());
  }

  /** One store's gating dispatcher. */
  private static final class Gating implements ReplicaDispatcher {
    private final ReplicaDispatcher next;
    private final StoreBreakers breakers;
    private final TimeSource time;

    Gating(ReplicaDispatcher next, StoreBreakers breakers, TimeSource time) {
      this.next = next;
      this.breakers = breakers;
      this.time = time;
    }

    @Override
    public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
      if (request.candidates().isEmpty()) {
        return next.dispatch(request); // the innermost dispatcher says no replica is ready
      }
      String instance = request.candidates().get(0).instanceId();
      InstanceBreaker target = breakers.of(instance);
      CircuitBreakerConfig config = breakers.settings();
      CircuitBreaker.Phase permit = target.breaker().tryAcquirePermission(config);
      if (permit == null) {
        target.meters().rejections.increment();
        return CompletableFuture.failedFuture(new ReplicaCircuitOpenException(request.store(),
            request.partition(), instance));
      }
      CompletableFuture<ReplicaResponse> sent;
      try {
        sent = next.dispatch(request);
      } catch (RuntimeException e) { // against the SPI's contract, but a permit must come back
        target.breaker().onFailure(permit, config);
        return CompletableFuture.failedFuture(e);
      }
      Attempt attempt = new Attempt(sent, target, permit, config, request.context(), time);
      sent.whenComplete(attempt);
      return attempt;
    }
  }

  /**
   * One permitted attempt: completed with the instance's answer once its outcome was reported;
   * cancelling it cancels the attempt sent.
   */
  private static final class Attempt extends CompletableFuture<ReplicaResponse>
      implements BiConsumer<ReplicaResponse, Throwable> {
    private final CompletableFuture<ReplicaResponse> sent;
    private final InstanceBreaker target;
    private final CircuitBreaker.Phase permit;
    private final CircuitBreakerConfig config;
    private final RequestContext context;
    private final TimeSource time;

    Attempt(CompletableFuture<ReplicaResponse> sent, InstanceBreaker target,
        CircuitBreaker.Phase permit, CircuitBreakerConfig config, RequestContext context,
        TimeSource time) {
      this.sent = sent;
      this.target = target;
      this.permit = permit;
      this.config = config;
      this.context = context;
      this.time = time;
    }

    @Override
    public void accept(ReplicaResponse response, Throwable error) {
      // the wall clock only for a failure: an answer's outcome needs no deadline
      Outcome outcome = error == null ? Outcome.SUCCESS : Outcome.of(error, context, time.now());
      switch (outcome) {
        case SUCCESS -> target.breaker().onSuccess(permit, config);
        case FAILURE -> target.breaker().onFailure(permit, config);
        case IGNORED -> target.breaker().onIgnored(permit);
      }
      target.meters().recordCall(outcome);
      if (error == null) {
        complete(response);
      } else {
        completeExceptionally(error);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      sent.cancel(mayInterruptIfRunning); // its completion reports the cancel to the breaker
      return cancelled;
    }
  }
}
