package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.adaptiverouting.AdaptiveRoutingPlugin;
import dev.venice.plugins.circuitbreaker.CircuitBreakerPlugin;
import dev.venice.plugins.hedging.HedgingPlugin;
import dev.venice.plugins.longtailretry.LongTailRetryPlugin;
import dev.venice.spi.client.DecoratorStack;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.testkit.Await;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Item 3 of issue 16 without a cluster: the real hedging, long-tail retry, circuit breaker and
 * adaptive routing plugins, each started in its own testing context on one shared testing host (so
 * one extra-load budget), stacked in their default order over a dispatcher of our own whose
 * replicas the test controls. No plugin knows another's classes; what they share is the SPI's
 * budget and the decorator order.
 */
class ExtraLoadCooperationTest {
  private static final String STORE = "s";
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);
  private static final Replica C = new Replica("c_1", "c", 1);

  private final TestingHostServices host = new TestingHostServices();
  private final List<TestingPluginContext> contexts = new ArrayList<>();
  /** Every attempt that reached a replica, by instance id, in order. */
  private final Queue<String> attempts = new ConcurrentLinkedQueue<>();
  private final Queue<CompletableFuture<ReplicaResponse>> pending = new ConcurrentLinkedQueue<>();

  /** A hangs until the test answers it, B fails at once, C answers at once. */
  private final ReplicaDispatcher replicas = request -> {
    Replica replica = request.candidates().get(0);
    attempts.add(replica.instanceId());
    if (replica.equals(B)) {
      return CompletableFuture.failedFuture(new ServiceUnavailableException(STORE, "b down",
          null));
    }
    if (replica.equals(C)) {
      return CompletableFuture.completedFuture(new ReplicaResponse(C, List.of()));
    }
    CompletableFuture<ReplicaResponse> hanging = new CompletableFuture<>();
    pending.add(hanging);
    return hanging;
  };

  @AfterEach
  void stop() {
    pending.forEach(f -> f.cancel(true));
    contexts.forEach(TestingPluginContext::close);
  }

  private List<ReplicaDispatchDecorator> start(VenicePlugin plugin, Map<String, String> config)
      throws Exception {
    TestingPluginContext context = TestingPluginContext.builder(plugin).host(host).config(config)
        .build();
    contexts.add(context);
    return context.start().replicaDecorators();
  }

  private ReplicaDispatcher stack(boolean adaptive) throws Exception {
    List<ReplicaDispatchDecorator> decorators = new ArrayList<>();
    decorators.addAll(start(new HedgingPlugin(), Map.of("delay", "20ms")));
    decorators.addAll(start(new LongTailRetryPlugin(), Map.of("threshold-for-single-get",
        "1ms")));
    decorators.addAll(start(new CircuitBreakerPlugin(), Map.of(
        "consecutive-failure-threshold", "2", "wait-duration-in-open-state", "1h")));
    if (adaptive) {
      decorators.addAll(start(new AdaptiveRoutingPlugin(), Map.of()));
    }
    return DecoratorStack.inDefaultOrder(List.of(), decorators)
        .decorateDispatcher(replicas, STORE);
  }

  private static ReplicaRequest singleGet(Replica... candidates) {
    return new ReplicaRequest(STORE, 1, 0, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
        RequestContext.of(STORE), List.of(candidates));
  }

  private double meter(String name) {
    return contexts.stream().mapToDouble(c -> c.meterRegistry().find(name).counters().stream()
        .mapToDouble(m -> m.count()).sum()).sum();
  }

  /** Fails two calls at B alone (no second replica: no hedge, no retry), which opens its breaker. */
  private void openBsBreaker(ReplicaDispatcher stack) {
    for (int i = 0; i < 2; i++) {
      assertTrue(stack.dispatch(singleGet(B)).isCompletedExceptionally());
    }
    attempts.clear();
  }

  @Test
  void neitherHedgesNorRetriesGoToAnOpenInstance() throws Exception {
    for (boolean adaptive : List.of(false, true)) {
      attempts.clear();
      contexts.forEach(TestingPluginContext::close);
      contexts.clear();
      ReplicaDispatcher stack = stack(adaptive);
      openBsBreaker(stack);
      for (int i = 0; i < 20; i++) {
        // A (slow) first, so every request needs its hedge or retry; B is next in line
        CompletableFuture<ReplicaResponse> result = stack.dispatch(singleGet(A, B, C));
        assertSame(C, result.orTimeout(10, TimeUnit.SECONDS).join().servedBy(),
            "adaptive=" + adaptive + ": served by C");
      }
      assertFalse(attempts.contains("b_1"), "adaptive=" + adaptive + ": an attempt reached the"
          + " open instance b_1: " + attempts);
      assertTrue(meter("venice.client.long.tail.retry.retries.sent")
          + meter("venice.client.hedging.hedges.sent") > 0, "extra requests were sent");
    }
  }

  @Test
  void hedgesAndRetriesDrawOnOneBudgetInKeys() throws Exception {
    host.extraLoad().remainingKeys(5);
    ReplicaDispatcher stack = stack(false);
    List<CompletableFuture<ReplicaResponse>> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(stack.dispatch(singleGet(A, A, A))); // every extra request hangs on A too
    }
    // each request's retry (after 1 ms) and hedge (after 20 ms) asks the shared budget once
    Await.until(() -> meter("venice.client.long.tail.retry.retries.sent")
        + meter("venice.client.long.tail.retry.budget.exhausted") >= 10
        && meter("venice.client.hedging.hedges.sent")
        + meter("venice.client.hedging.budget.exhausted") >= 10,
        () -> "every retry and hedge decided");
    double retries = meter("venice.client.long.tail.retry.retries.sent");
    double hedges = meter("venice.client.hedging.hedges.sent");
    assertEquals(5, host.extraLoad().grantedKeys(), "five single-get keys in all");
    assertEquals(5, retries + hedges, "hedges " + hedges + " + retries " + retries);
    assertTrue(meter("venice.client.hedging.budget.exhausted") > 0,
        "hedging was refused keys the retries had taken");
    pending.forEach(f -> f.complete(new ReplicaResponse(A, List.of())));
    results.forEach(r -> r.orTimeout(10, TimeUnit.SECONDS).join());
  }
}
