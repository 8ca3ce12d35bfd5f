package dev.venice.runtime.localcluster.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicaFaultTest {
  private static final Replica SLOW = new Replica("127.0.0.1_1001", "127.0.0.1", 1001);
  private static final Replica FAST = new Replica("127.0.0.1_1002", "127.0.0.1", 1002);
  private static final long REPLICA_MILLIS = 20;

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  /** The replica calls the fake dispatcher received, in order; each answers after 20 ms. */
  private final List<CompletableFuture<ReplicaResponse>> calls = new CopyOnWriteArrayList<>();
  private final ReplicaDispatcher replica = request -> {
    CompletableFuture<ReplicaResponse> call = new CompletableFuture<>();
    calls.add(call);
    timers.schedule(() -> call.complete(new ReplicaResponse(request.candidates().get(0),
        List.of())), REPLICA_MILLIS, TimeUnit.MILLISECONDS);
    return call;
  };

  @AfterEach
  void stopTimers() {
    timers.shutdownNow();
  }

  private static ReplicaRequest to(Replica... candidates) {
    return new ReplicaRequest("s", 1, 0, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
        RequestContext.of("s"), List.of(candidates));
  }

  private ReplicaFault fault(long delayMillis, double probability, double factor) {
    return new ReplicaFault(SLOW.instanceId(), TimeUnit.MILLISECONDS.toNanos(delayMillis),
        probability, factor, () -> timers);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.onSpinWait();
    }
  }

  @Test
  void slowdownHoldsTheAnswerForFactorMinusOneTimesTheCallsOwnTime() {
    ReplicaDispatcher dispatcher = fault(0, 1, 5).decorate(replica);
    long start = System.nanoTime();
    ReplicaResponse answer = dispatcher.dispatch(to(SLOW, FAST)).join();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertSame(SLOW, answer.servedBy());
    assertEquals(1, calls.size(), "the slowdown sends the call at once, once");
    assertTrue(tookMillis >= 5 * REPLICA_MILLIS, "took " + tookMillis + " ms");
  }

  @Test
  void otherReplicasAreNotSlowed() {
    ReplicaDispatcher dispatcher = fault(1000, 1, 50).decorate(replica);
    long start = System.nanoTime();
    dispatcher.dispatch(to(FAST, SLOW)).join();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMillis < 1000, "took " + tookMillis + " ms");
  }

  @Test
  void cancellingAHeldAnswerDropsIt() {
    ReplicaDispatcher dispatcher = fault(0, 1, 1000).decorate(replica); // held ~20 s
    int heldBefore = ReplicaLatencyPlugin.HELD.get();
    CompletableFuture<ReplicaResponse> call = dispatcher.dispatch(to(SLOW));
    await("the replica's answer", () -> calls.size() == 1 && calls.get(0).isDone());
    await("the answer to be held", () -> ReplicaLatencyPlugin.HELD.get() > heldBefore);
    assertFalse(call.isDone());
    assertTrue(call.cancel(false));
    assertThrows(CancellationException.class, call::join);
  }

  @Test
  void cancellingACallInFlightCancelsTheReplicaCall() {
    ReplicaDispatcher dispatcher = fault(0, 1, 5).decorate(replica);
    CompletableFuture<ReplicaResponse> call = dispatcher.dispatch(to(SLOW));
    assertEquals(1, calls.size());
    call.cancel(false);
    assertTrue(calls.get(0).isCancelled(), "the replica call is cancelled with the caller's");
  }

  @Test
  void cancellingADelayedCallKeepsItFromBeingSent() {
    ReplicaDispatcher dispatcher = fault(10_000, 1, 1).decorate(replica);
    int cancelledBefore = ReplicaLatencyPlugin.CANCELLED.get();
    CompletableFuture<ReplicaResponse> call = dispatcher.dispatch(to(SLOW, FAST));
    call.cancel(false);
    assertEquals(0, calls.size());
    assertEquals(cancelledBefore + 1, ReplicaLatencyPlugin.CANCELLED.get());
  }

  @Test
  void delayAndSlowdownCombine() {
    ReplicaDispatcher dispatcher = fault(30, 1, 3).decorate(replica);
    long start = System.nanoTime();
    dispatcher.dispatch(to(SLOW)).join();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // 30 ms before it is sent, then the 20 ms call held 2 × its time: at least 90 ms
    assertTrue(tookMillis >= 30 + 3 * REPLICA_MILLIS, "took " + tookMillis + " ms");
  }

  @Test
  void aFailureReachesTheCallerThroughTheSlowdown() {
    ReplicaDispatcher failing = request -> CompletableFuture.failedFuture(
        new IllegalStateException("replica says no"));
    CompletableFuture<ReplicaResponse> call = fault(0, 1, 5).decorate(failing)
        .dispatch(to(SLOW));
    await("the failure", call::isDone);
    assertTrue(call.isCompletedExceptionally());
  }

  @Test
  void aSlowdownBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> fault(0, 1, 0.5));
  }
}
