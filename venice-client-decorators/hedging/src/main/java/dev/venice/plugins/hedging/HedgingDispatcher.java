package dev.venice.plugins.hedging;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hedges one store's single and batch gets. The request goes to the first candidate; if no answer
 * has come after the hedge delay (never shorter than the budget's floor), and the store's
 * extra-load budget grants the request's keys, the same request goes to the second candidate. The
 * first successful answer completes the request and the other call is cancelled (a cancelled
 * dispatch cancels its gRPC call). When the budget is spent, no hedge is sent and the first call is
 * left alone. Streaming batch gets and partitions with a single replica pass through.
 *
 * <p>Settings are read per request from the host-kept store settings; a changed {@code window}
 * starts a new, empty latency window on the next request.
 */
final class HedgingDispatcher implements ReplicaDispatcher {
  private static final long DELAY_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ReplicaDispatcher next;
  private final Supplier<HedgingConfig> config;
  private final ExtraLoadBudget budget;
  private final LongSupplier windowClock;
  private volatile SlidingWindow window;
  private final HedgingMetrics metrics;
  private final ScheduledExecutorService timer;
  private final TimeSource time;
  private volatile long cachedDelayNanos = -1;
  private volatile long cachedAt;

  /**
   * @param config the store's current settings, read once per request
   * @param budget the store's extra-load budget, shared with other decorators that send extra
   *     requests
   * @param windowClock the sliding window's clock (ns)
   */
  HedgingDispatcher(ReplicaDispatcher next, Supplier<HedgingConfig> config,
      ExtraLoadBudget budget, LongSupplier windowClock, HedgingMetrics metrics,
      ScheduledExecutorService timer, TimeSource time) {
    this.next = next;
    this.config = config;
    this.budget = budget;
    this.windowClock = windowClock;
    this.window = new SlidingWindow(config.get().window().toNanos(), windowClock);
    this.metrics = metrics;
    this.timer = timer;
    this.time = time;
  }

  @Override
  public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
    if (request.kind() == RequestKind.STREAMING_BATCH_GET || request.candidates().size() < 2) {
      return next.dispatch(request);
    }
    HedgingConfig settings = config.get();
    SlidingWindow window = windowFor(settings);
    metrics.requests.increment();
    long start = time.nanoTime();
    Race race = new Race(start, window);
    CompletableFuture<ReplicaResponse> primary = next.dispatch(request);
    race.primary = primary;
    primary.whenComplete((response, error) -> race.finish(response, error, false));
    if (!race.result.isDone()) {
      race.timer = timer.schedule(() -> hedge(request, race),
          Math.max(delayNanos(settings, window), budget.minDelay().toNanos()),
          TimeUnit.NANOSECONDS);
    }
    return race.result;
  }

  private void hedge(ReplicaRequest request, Race race) {
    if (race.settled || !race.claimPending()) {
      return;
    }
    if (!budget.tryAcquire(request.keys().size())) {
      metrics.budgetExhausted.increment();
      race.release(); // gives the claim back; fails the race if the primary failed meanwhile
      return;
    }
    metrics.hedgesSent.increment();
    CompletableFuture<ReplicaResponse> hedge;
    try {
      hedge = next.dispatch(request.withCandidates(
          request.candidates().subList(1, request.candidates().size())));
    } catch (RuntimeException e) { // against the SPI's contract; the race must still end
      race.finish(null, e, true);
      return;
    }
    race.hedge = hedge;
    hedge.whenComplete((response, error) -> race.finish(response, error, true));
    // settled is written before the calls are read for cancelling, hedge before this read:
    // either the settling thread saw the hedge or this thread sees the race settled
    if (race.settled) {
      hedge.cancel(true);
    }
  }

  private SlidingWindow windowFor(HedgingConfig settings) {
    SlidingWindow current = window;
    long span = settings.window().toNanos();
    if (current.windowNanos() == span) {
      return current;
    }
    synchronized (this) {
      if (window.windowNanos() != span) {
        window = new SlidingWindow(span, windowClock);
        cachedDelayNanos = -1;
      }
      return window;
    }
  }

  private long delayNanos(HedgingConfig settings, SlidingWindow window) {
    if (settings.mode() == HedgingConfig.Mode.FIXED) {
      return settings.delay().toNanos();
    }
    long now = time.nanoTime();
    if (cachedDelayNanos < 0 || now - cachedAt > DELAY_REFRESH_NANOS) {
      long observed = window.percentileNanos(settings.percentile());
      cachedDelayNanos = Math.max(settings.minDelay().toNanos(), observed);
      cachedAt = now;
    }
    return cachedDelayNanos;
  }

  /** The first call and its hedge racing for one result. */
  private final class Race {
    final CompletableFuture<ReplicaResponse> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        cancelAll();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    /** Set by the first successful answer. */
    final AtomicBoolean won = new AtomicBoolean();
    /** Attempts still in flight; the race fails only when the last one fails. */
    final AtomicInteger pending = new AtomicInteger(1);
    final long start;
    final SlidingWindow window;
    volatile CompletableFuture<ReplicaResponse> primary;
    volatile CompletableFuture<ReplicaResponse> hedge;
    volatile ScheduledFuture<?> timer;
    /**
     * Set before the calls are cancelled, whatever settles the race (an answer, the last failure,
     * the caller's cancel); a hedge published after it cancels itself.
     */
    volatile boolean settled;
    volatile Throwable primaryError;
    volatile Throwable lastError;

    Race(long start, SlidingWindow window) {
      this.start = start;
      this.window = window;
    }

    void finish(ReplicaResponse response, Throwable error, boolean fromHedge) {
      if (error == null) {
        if (won.compareAndSet(false, true)) {
          // losers first: whoever sees the result also sees the other call cancelled
          cancelAll();
          long took = time.nanoTime() - start;
          // the answer's latency, whichever attempt gave it: a slow first call that lost to its
          // hedge still says how long answers take, so the percentile is not biased low
          window.recordLatency(took);
          if (fromHedge) {
            metrics.hedgesWon.increment();
            long p99 = window.percentileNanos(99);
            if (p99 > took) {
              metrics.latencySaved.record((p99 - took) / 1e6);
            }
          }
          result.complete(response);
        }
        return;
      }
      if (!fromHedge) {
        primaryError = error;
      }
      lastError = error;
      release();
    }

    /** Counts the hedge among the attempts in flight, unless the race has already failed. */
    boolean claimPending() {
      int before;
      do {
        before = pending.get();
        if (before == 0) {
          return false;
        }
      } while (!pending.compareAndSet(before, before + 1));
      return true;
    }

    /**
     * One attempt is over without an answer; the last one fails the race, with the first call's
     * error when it failed. A failed first call is not hedged (cancelling the timer): the
     * client's failover retries.
     */
    void release() {
      if (pending.decrementAndGet() == 0 && !won.get()) {
        cancelAll();
        Throwable first = primaryError;
        result.completeExceptionally(first != null ? first : lastError);
      }
    }

    void cancelAll() {
      settled = true;
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      CompletableFuture<ReplicaResponse> p = primary;
      if (p != null && !p.isDone()) {
        p.cancel(true);
      }
      CompletableFuture<ReplicaResponse> h = hedge;
      if (h != null && !h.isDone()) {
        h.cancel(true);
      }
    }
  }
}
