package dev.venice.plugins.readtimeout;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.client.VeniceClientException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One call raced against its timeout; the caller's future. Exactly one of three settles it, once:
 *
 * <ul>
 *   <li>the call's answer (a value or a failure) first: the timer is cancelled (no timer is left
 *       behind) and the answer passed on;
 *   <li>the timer first: the call is cancelled (a fast client then cancels its replica dispatch
 *       and gRPC call), the timeout counted, then this future fails with {@link
 *       RequestTimeoutException} naming the store and the timeout; whoever sees the failure also
 *       sees the call cancelled;
 *   <li>the caller cancelling this future: the timer and the call are cancelled.
 * </ul>
 *
 * <p>The call's own {@link RequestTimeoutException} once the timeout has elapsed (the context's
 * deadline, which the runtime gives its gRPC call, expiring at about the same time as the timer)
 * counts as this timeout and is reported as one, so the caller always reads the store's timeout,
 * not the client's global one. An earlier one (the client's shorter global timeout) is passed on.
 *
 * <p>The timer's resolution is the scheduler's. Dependents of this future that run when it times
 * out run on the scheduler's thread. Thread-safe.
 *
 * @param <T> the call's result type
 */
final class TimedCall<T> extends CompletableFuture<T> implements Runnable {
  /**
   * How much sooner than the timer the call's own deadline may expire: the runtime sets a gRPC
   * deadline in whole milliseconds, rounded down.
   */
  static final long DEADLINE_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Runs a task once after a delay; the plugin's scheduler in production. */
  @FunctionalInterface
  interface Timer {
    /** Runs {@code expiry} after {@code delayNanos}; cancelling the result stops it. */
    Future<?> schedule(Runnable expiry, long delayNanos);
  }

  private final String store;
  private final Duration timeout;
  private final LongSupplier nanoClock;
  private final Runnable onTimeout;
  private final long startNanos;
  /** Set by whichever of answer, timer and caller's cancel comes first. */
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile Future<?> timer;
  private volatile CompletableFuture<T> call;

  /**
   * @param store the store, named in the timeout's message
   * @param timeout the time the call is allowed
   * @param nanoClock monotonic nanoseconds (the plugin's {@code TimeSource})
   * @param onTimeout told once when the call times out (counts it)
   */
  TimedCall(String store, Duration timeout, LongSupplier nanoClock, Runnable onTimeout) {
    this.store = store;
    this.timeout = timeout;
    this.nanoClock = nanoClock;
    this.onTimeout = onTimeout;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * Arms the timer, then sends the call with {@code context}. Never throws: a {@code send} that
   * throws fails this future with what it threw, and a timer that cannot be armed (the plugin's
   * scheduler is shut down: the plugin stopped) fails it without sending.
   *
   * @return this future
   */
  TimedCall<T> start(Timer timers, RequestContext context,
      Function<RequestContext, CompletableFuture<T>> send) {
    try {
      timer = timers.schedule(this, timeout.toNanos());
    } catch (RuntimeException e) {
      completeExceptionally(new VeniceClientException(store, "the read-timeout plugin is stopped:"
          + " no timer for the call", e));
      return this;
    }
    if (settled.get()) {
      return this; // expired (or cancelled) before it was sent: nothing to send
    }
    CompletableFuture<T> sent;
    try {
      sent = send.apply(context);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    call = sent;
    if (settled.get()) {
      sent.cancel(true); // timed out (or cancelled) while it was being sent
    } else {
      sent.whenComplete(this::answered);
    }
    return this;
  }

  /**
   * {@code callback}, delivering only while this call is unsettled: no value that arrives after
   * the caller's future timed out or was cancelled reaches the caller (one being handed over at
   * that instant may: the check and the delivery are not one atomic step).
   */
  <K, V> StreamingCallback<K, V> whileRunning(StreamingCallback<K, V> callback) {
    return (key, value) -> {
      if (!settled.get()) {
        callback.onRecord(key, value);
      }
    };
  }

  /** The timer expired. */
  @Override
  public void run() {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<T> sent = call; // null while being sent: start() cancels it
    if (sent != null) {
      sent.cancel(true);
    }
    timedOut();
  }

  private void answered(T value, Throwable error) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    timer.cancel(false);
    if (error == null) {
      complete(value);
    } else if (isOwnDeadline(error)) {
      timedOut();
    } else {
      completeExceptionally(error);
    }
  }

  private void timedOut() {
    if (!isDone()) { // not completed by the caller meanwhile
      onTimeout.run();
    }
    completeExceptionally(new RequestTimeoutException(store, timeout));
  }

  private boolean isOwnDeadline(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return cause instanceof RequestTimeoutException
        && nanoClock.getAsLong() - startNanos >= timeout.toNanos() - DEADLINE_RESOLUTION_NANOS;
  }

  /** Cancels the timer and the call too. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (settled.compareAndSet(false, true)) {
      Future<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      CompletableFuture<T> sent = call;
      if (sent != null) {
        sent.cancel(mayInterruptIfRunning);
      }
    }
    return super.cancel(mayInterruptIfRunning);
  }
}
