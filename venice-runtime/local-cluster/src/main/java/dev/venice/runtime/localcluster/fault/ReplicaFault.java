package dev.venice.runtime.localcluster.fault;

import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The fault of {@link ReplicaLatencyPlugin} around one dispatcher: calls whose first candidate is
 * the slow replica are delayed before they are sent (a {@code probability} of them) and/or have
 * their outcome held for {@code (slowdownFactor - 1)} times the call's own measured time. Other
 * calls go straight through. Thread-safe; timers run on the given scheduler.
 */
final class ReplicaFault {
  private final String replica;
  private final long delayNanos;
  private final double probability;
  private final double slowdownFactor;
  private final Supplier<ScheduledExecutorService> scheduler;

  /**
   * @param replica the instance id of the slow replica
   * @param delayNanos the delay before a delayed call is sent; 0 for none
   * @param probability the fraction of calls delayed, 0 to 1
   * @param slowdownFactor how many times its own time each call takes, at least 1 (1: none)
   * @param scheduler where timers run (asked on first use)
   */
  ReplicaFault(String replica, long delayNanos, double probability, double slowdownFactor,
      Supplier<ScheduledExecutorService> scheduler) {
    if (slowdownFactor < 1) {
      throw new IllegalArgumentException("slowdown factor " + slowdownFactor + " is below 1");
    }
    this.replica = replica;
    this.delayNanos = delayNanos;
    this.probability = probability;
    this.slowdownFactor = slowdownFactor;
    this.scheduler = scheduler;
  }

  ReplicaDispatcher decorate(ReplicaDispatcher next) {
    return request -> {
      if (request.candidates().isEmpty()
          || !request.candidates().get(0).instanceId().equals(replica)) {
        return next.dispatch(request);
      }
      boolean delayed = delayNanos > 0
          && (probability >= 1 || ThreadLocalRandom.current().nextDouble() < probability);
      if (!delayed && slowdownFactor == 1) {
        return next.dispatch(request);
      }
      FaultyCall call = new FaultyCall();
      if (delayed) {
        ReplicaLatencyPlugin.DELAYED.incrementAndGet();
        call.step(scheduler.get().schedule(() -> call.send(next, request), delayNanos,
            TimeUnit.NANOSECONDS), true);
      } else {
        call.send(next, request);
      }
      return call;
    };
  }

  /**
   * One call to the slow replica: its future is what the caller sees. {@link #step} is what is
   * under way (the delay timer, the call in flight, or the hold timer), so a cancel stops it.
   */
  private final class FaultyCall extends CompletableFuture<ReplicaResponse> {
    private final AtomicReference<Step> step = new AtomicReference<>();

    /** What is under way; {@code delay} marks the timer that holds a call before it is sent. */
    private record Step(Future<?> future, boolean delay) {
      void cancel(boolean mayInterruptIfRunning) {
        if (future instanceof CompletableFuture<?>) {
          future.cancel(mayInterruptIfRunning); // the call in flight, and its gRPC call
        } else if (future.cancel(false) && delay) {
          ReplicaLatencyPlugin.CANCELLED.incrementAndGet();
        }
      }
    }

    void step(Future<?> current, boolean delay) {
      Step next = new Step(current, delay);
      step.set(next);
      if (isCancelled()) { // cancelled while this step was being started
        next.cancel(false);
      }
    }

    void send(ReplicaDispatcher next, ReplicaRequest request) {
      if (isDone()) {
        return;
      }
      long sent = System.nanoTime();
      CompletableFuture<ReplicaResponse> inFlight = next.dispatch(request);
      step(inFlight, false);
      inFlight.whenComplete((response, error) -> {
        long holdNanos = (long) ((slowdownFactor - 1) * (System.nanoTime() - sent));
        if (holdNanos <= 0 || isDone()) {
          finish(response, error);
          return;
        }
        ReplicaLatencyPlugin.HELD.incrementAndGet();
        step(scheduler.get().schedule(() -> finish(response, error), holdNanos,
            TimeUnit.NANOSECONDS), false);
      });
    }

    private void finish(ReplicaResponse response, Throwable error) {
      if (error != null) {
        completeExceptionally(error);
      } else {
        complete(response);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Step current = step.get();
      if (current != null) {
        current.cancel(mayInterruptIfRunning);
      }
      return cancelled;
    }
  }
}
