package dev.venice.plugins.adaptiverouting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.config.ConfigException;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the two decorators through the plugin: the order they set, what each
 * attempt records (answers by the replica that served, cancels, ignored failures), per-store
 * settings.
 */
class AdaptiveRoutingPluginTest extends PluginContractTest<AdaptiveRoutingPlugin> {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);
  private static final String PREFIX = "venice.client.adaptive.routing.";

  @Override
  protected AdaptiveRoutingPlugin newPlugin() {
    return new AdaptiveRoutingPlugin();
  }

  /** One ordered request answered by its first candidate: every meter is registered. */
  @Override
  protected void exercise(AdaptiveRoutingPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    ReplicaDispatcher replicas = r -> CompletableFuture.completedFuture(
        new ReplicaResponse(r.candidates().get(0), List.of()));
    stack(extensions, replicas).dispatch(request(A, B)).join();
  }

  @Test
  void startAddsTheSelectorOutermostAndTheRecorderAtEachAttempt() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<ReplicaDispatchDecorator> decorators = added.replicaDecorators();
      assertEquals(2, decorators.size());
      assertEquals(DecoratorOrder.ADAPTIVE_SELECTION, decorators.get(0).order());
      assertEquals("adaptive-routing", decorators.get(0).name());
      assertEquals(DecoratorOrder.REPLICA_ATTEMPT, decorators.get(1).order());
      assertEquals("adaptive-routing-attempts", decorators.get(1).name());
      assertTrue(DecoratorOrder.ADAPTIVE_SELECTION < DecoratorOrder.REPLICA_CIRCUIT_BREAKER
          && DecoratorOrder.REPLICA_CIRCUIT_BREAKER < DecoratorOrder.HEDGING
          && DecoratorOrder.HEDGING < DecoratorOrder.REPLICA_ATTEMPT);
      assertTrue(added.storeDecorators().isEmpty() && added.readHooks().isEmpty());
    }
  }

  @Test
  void aSlowReplicaLosesItsFirstChoicePicksOnceMeasured() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      ReplicaDispatcher replicas = r -> {
        Replica to = r.candidates().get(0);
        context.time().advance(Duration.ofMillis(to.equals(A) ? 30 : 1));
        return CompletableFuture.completedFuture(new ReplicaResponse(to, List.of()));
      };
      ReplicaDispatcher dispatcher = stack(context.start(), replicas);
      for (int i = 0; i < 40; i++) { // warm-up: each gets its min-samples, then B wins
        dispatcher.dispatch(request(A, B)).join();
      }
      double slowBefore = picks(context, A);
      for (int i = 0; i < 100; i++) {
        assertEquals(B, dispatcher.dispatch(request(A, B)).join().servedBy());
      }
      assertEquals(slowBefore, picks(context, A));
      assertEquals(140, picks(context, A) + picks(context, B));
    }
  }

  @Test
  void anAnswerIsRecordedForTheReplicaThatServedIt() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      ReplicaDispatcher servedByB = r -> CompletableFuture.completedFuture(
          new ReplicaResponse(B, List.of()));
      ReplicaRanking ranking = recordedThrough(context, servedByB, request(A));
      assertEquals(0, ranking.stats(A.instanceId()).snapshot().samples());
      assertEquals(1, ranking.stats(B.instanceId()).snapshot().samples());
      assertEquals(0, ranking.stats(A.instanceId()).inFlight());
    }
  }

  @Test
  void aQuotaRejectionRecordsNothing() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      ReplicaDispatcher quota = r -> CompletableFuture.failedFuture(
          new QuotaExceededException("users", "over quota"));
      ReplicaRanking ranking = recordedThrough(context, quota, request(A));
      assertEquals(0, ranking.stats(A.instanceId()).snapshot().samples());
      assertEquals(0, ranking.stats(A.instanceId()).inFlight());
    }
  }

  @Test
  void cancellingAnAttemptCancelsTheCallAndIsNoSampleButABound() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("min-samples", "0").build()) { // warm at once: a bound counts
      CompletableFuture<ReplicaResponse> sent = new CompletableFuture<>();
      AdaptiveRoutingRegistry rankings = rankings(context);
      CompletableFuture<ReplicaResponse> attempt =
          new AttemptRecorder(rankings).decorate(r -> sent, "users").dispatch(request(A));
      ReplicaRanking ranking = rankings.forStore("users");
      assertEquals(1, ranking.stats(A.instanceId()).inFlight());
      context.time().advance(Duration.ofMillis(25));
      attempt.cancel(true); // as hedging does with a loser
      assertTrue(sent.isCancelled(), "the replica call is cancelled");
      ReplicaStats.Snapshot stats = ranking.stats(A.instanceId()).snapshot();
      assertEquals(0, ranking.stats(A.instanceId()).inFlight());
      assertEquals(0, stats.samples());
      assertEquals(Duration.ofMillis(25).toNanos(), stats.latencyNanos(), 1e-6);
    }
  }

  @Test
  void aStoresOwnSettingsApplyToItsRanking() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      context.putStoreSettings("users", Map.of("min-samples", "1000"));
      ReplicaDispatcher replicas = r -> {
        Replica to = r.candidates().get(0);
        context.time().advance(Duration.ofMillis(to.equals(A) ? 30 : 1));
        return CompletableFuture.completedFuture(new ReplicaResponse(to, List.of()));
      };
      ReplicaDispatcher dispatcher = stack(context.start(), replicas);
      for (int i = 0; i < 2000; i++) {
        dispatcher.dispatch(request(A, B)).join();
      }
      double share = picks(context, A) / 2000;
      assertTrue(share > 0.44 && share < 0.56, "every replica still cold: " + share);
    }
  }

  @Test
  void anOutOfRangeValueIsRefusedNamingTheFullKey() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> TestingPluginContext.builder(newPlugin()).config("decay-time", "1ms").build());
    assertTrue(error.getMessage().contains("plugins.adaptive-routing.decay-time"),
        error.getMessage());
  }

  private static ReplicaDispatcher stack(TestingExtensions extensions, ReplicaDispatcher inner) {
    List<ReplicaDispatchDecorator> decorators = extensions.replicaDecorators();
    return decorators.get(0).decorate(decorators.get(1).decorate(inner, "users"), "users");
  }

  /** Sends {@code request} through a recorder alone; the store's ranking it recorded in. */
  private static ReplicaRanking recordedThrough(TestingPluginContext context,
      ReplicaDispatcher inner, ReplicaRequest request) {
    AdaptiveRoutingRegistry rankings = rankings(context);
    new AttemptRecorder(rankings).decorate(inner, "users").dispatch(request)
        .exceptionally(e -> null).join();
    return rankings.forStore("users");
  }

  /** Rankings made as the plugin makes them, reachable by the test. */
  private static AdaptiveRoutingRegistry rankings(TestingPluginContext context) {
    return new AdaptiveRoutingRegistry(context.storeSettings(AdaptiveRoutingConfig::from),
        context.meterRegistry(), context.metricPrefix(), context.time());
  }

  private static double picks(TestingPluginContext context, Replica replica) {
    return context.meterRegistry().get(PREFIX + "picks").tags("instance", replica.instanceId())
        .counter().count();
  }

  private static ReplicaRequest request(Replica... candidates) {
    return new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
        RequestContext.of("users"), List.of(candidates));
  }
}
