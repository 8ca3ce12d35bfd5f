package dev.venice.plugins.longtailretry;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Long-tail retry of one store's partition requests, as Venice's fast client does it: a request
 * with no answer after its threshold ({@link LongTailRetryConfig#thresholdNanos}, never shorter
 * than the budget's floor) is sent once more, to the next candidate, if the store's extra-load
 * budget grants its keys. The first successful answer wins; the other call is cancelled before the
 * caller sees the answer.
 *
 * <p>A retry is for slowness only. A first call that <em>fails</em> before its retry is sent fails
 * the request at once (and its timer is cancelled): the client's failover decides whether another
 * replica is tried, so a quota rejection ({@code QuotaExceededException}) or a circuit breaker's
 * refusal (a non-retriable {@code ServiceUnavailableException}) is never retried here. Once both
 * calls are out, the request fails only when both have failed, with the first call's error.
 *
 * <p>Thread-safe; settings are read once per request.
 */
final class LongTailRetryDispatcher implements ReplicaDispatcher {
  private final ReplicaDispatcher next;
  private final Supplier<LongTailRetryConfig> config;
  private final ExtraLoadBudget budget;
  private final LongTailRetryMetrics metrics;
  private final ScheduledExecutorService timer;

  /**
   * @param config the store's current settings
   * @param budget the store's extra-load budget, shared with hedging
   * @param timer runs the retry timers
   */
  LongTailRetryDispatcher(ReplicaDispatcher next, Supplier<LongTailRetryConfig> config,
      ExtraLoadBudget budget, LongTailRetryMetrics metrics, ScheduledExecutorService timer) {
    this.next = next;
    this.config = config;
    this.budget = budget;
    this.metrics = metrics;
    this.timer = timer;
  }

  @Override
  public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
    long threshold = config.get().thresholdNanos(request.kind(), request.keys().size());
    if (threshold < 0 || request.candidates().size() < 2) {
      return next.dispatch(request);
    }
    metrics.requests.increment();
    Retried retried = new Retried(request);
    retried.start(Math.max(threshold, budget.minDelay().toNanos()));
    return retried.result;
  }

  /** One partition request: its first call, at most one retry, one result. */
  private final class Retried {
    private final ReplicaRequest request;
    final CompletableFuture<ReplicaResponse> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        cancelCalls();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    /** Calls in flight or about to be sent; the request fails when the last one fails. */
    private final AtomicInteger open = new AtomicInteger(1);
    private final AtomicReference<Throwable> firstCallError = new AtomicReference<>();
    private final AtomicReference<Throwable> lastError = new AtomicReference<>();
    private volatile CompletableFuture<ReplicaResponse> firstCall;
    private volatile CompletableFuture<ReplicaResponse> retryCall;
    private volatile ScheduledFuture<?> retryTimer;
    /**
     * Set before the calls are cancelled, whatever settles the request (an answer, the last
     * failure, the caller's cancel); a retry published after it cancels itself.
     */
    private volatile boolean settled;

    Retried(ReplicaRequest request) {
      this.request = request;
    }

    void start(long thresholdNanos) {
      CompletableFuture<ReplicaResponse> call = next.dispatch(request);
      firstCall = call;
      call.whenComplete((response, error) -> settle(response, error, false));
      if (!result.isDone()) {
        retryTimer = timer.schedule(this::retry, thresholdNanos, TimeUnit.NANOSECONDS);
        if (result.isDone()) {
          retryTimer.cancel(false); // settled while the timer was being set
        }
      }
    }

    private void retry() {
      if (settled || !claimOpenCall()) {
        return;
      }
      // a first call that failed after the claim is not retried: this then fails the request
      if (firstCallError.get() != null || !budget.tryAcquire(request.keys().size())) {
        if (firstCallError.get() == null) {
          metrics.budgetExhausted.increment();
        }
        closeOpenCall();
        return;
      }
      metrics.retriesSent.increment();
      CompletableFuture<ReplicaResponse> call;
      try {
        call = next.dispatch(request.withCandidates(
            request.candidates().subList(1, request.candidates().size())));
      } catch (RuntimeException e) { // against the SPI's contract; the request must still end
        settle(null, e, true);
        return;
      }
      retryCall = call;
      call.whenComplete((response, error) -> settle(response, error, true));
      // settled is written before the calls are read for cancelling, retryCall before this read:
      // either the settling thread saw this call or this thread sees it settled
      if (settled) {
        call.cancel(true);
      }
    }

    /** Counts the retry among the open calls, unless the first call has already failed. */
    private boolean claimOpenCall() {
      int before;
      do {
        before = open.get();
        if (before == 0) {
          return false;
        }
      } while (!open.compareAndSet(before, before + 1));
      return true;
    }

    private void settle(ReplicaResponse response, Throwable error, boolean fromRetry) {
      if (result.isDone()) {
        return;
      }
      if (error == null) {
        // the loser first: whoever sees the answer also sees the other call cancelled
        cancelCalls();
        if (result.complete(response) && fromRetry) {
          metrics.retriesWon.increment();
        }
        return;
      }
      if (!fromRetry) {
        firstCallError.compareAndSet(null, error);
      }
      lastError.compareAndSet(null, error);
      closeOpenCall();
    }

    /** One call is over without an answer; the last one fails the request. */
    private void closeOpenCall() {
      if (open.decrementAndGet() == 0) {
        cancelCalls(); // the retry timer, when the first call failed before it fired
        Throwable first = firstCallError.get();
        result.completeExceptionally(first != null ? first : lastError.get());
      }
    }

    private void cancelCalls() {
      settled = true;
      ScheduledFuture<?> t = retryTimer;
      if (t != null) {
        t.cancel(false);
      }
      cancel(firstCall);
      cancel(retryCall);
    }

    private static void cancel(CompletableFuture<ReplicaResponse> call) {
      if (call != null && !call.isDone()) {
        call.cancel(true);
      }
    }
  }
}
