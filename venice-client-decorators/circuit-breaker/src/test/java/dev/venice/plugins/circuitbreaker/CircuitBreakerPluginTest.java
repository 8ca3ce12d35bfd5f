package dev.venice.plugins.circuitbreaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: two decorators sharing breakers, the rules across keys. */
class CircuitBreakerPluginTest extends PluginContractTest<CircuitBreakerPlugin> {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  @Override
  protected CircuitBreakerPlugin newPlugin() {
    return new CircuitBreakerPlugin();
  }

  /**
   * Opens A's breaker, then skips A and finally fails with every replica open: every meter is
   * registered.
   */
  @Override
  protected void exercise(CircuitBreakerPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    context.putStoreSettings("users", Map.of("consecutive-failure-threshold", "1"));
    List<ReplicaDispatchDecorator> decorators = extensions.replicaDecorators();
    ReplicaDispatcher replicas = r -> r.candidates().get(0).equals(B)
        ? CompletableFuture.completedFuture(new ReplicaResponse(B, List.of()))
        : CompletableFuture.failedFuture(new ServiceUnavailableException("users", "down", null));
    ReplicaDispatcher dispatcher = decorators.get(0)
        .decorate(decorators.get(1).decorate(replicas, "users"), "users");
    dispatcher.dispatch(request(A)); // opens A
    dispatcher.dispatch(request(A, B)).join(); // skips A
    dispatcher.dispatch(request(A)); // every replica open
  }

  private static ReplicaRequest request(Replica... candidates) {
    return new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
        RequestContext.of("users"), List.of(candidates));
  }

  @Test
  void startAddsTheSelectorOutsideHedgingAndTheGateAtEachAttempt() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<ReplicaDispatchDecorator> decorators = added.replicaDecorators();
      assertEquals(2, decorators.size());
      assertEquals(DecoratorOrder.REPLICA_CIRCUIT_BREAKER, decorators.get(0).order());
      assertEquals("circuit-breaker", decorators.get(0).name());
      assertEquals(DecoratorOrder.REPLICA_ATTEMPT, decorators.get(1).order());
      assertEquals("circuit-breaker-gate", decorators.get(1).name());
      assertTrue(DecoratorOrder.REPLICA_CIRCUIT_BREAKER < DecoratorOrder.HEDGING
          && DecoratorOrder.HEDGING < DecoratorOrder.REPLICA_ATTEMPT);
      assertTrue(added.storeDecorators().isEmpty() && added.readHooks().isEmpty());
    }
  }

  @Test
  void settingsThatCouldNeverOpenAreRefusedNamingTheKeys() {
    ConfigException noRule = assertThrows(ConfigException.class,
        () -> TestingPluginContext.builder(newPlugin()).config("failure-rate-threshold", "0")
            .config("consecutive-failure-threshold", "0").build());
    assertTrue(noRule.getMessage().contains("plugins.circuit-breaker.failure-rate-threshold=0")
        && noRule.getMessage().contains("plugins.circuit-breaker.consecutive-failure-threshold=0"),
        noRule.getMessage());

    ConfigException unreachable = assertThrows(ConfigException.class,
        () -> TestingPluginContext.builder(newPlugin()).config("sliding-window-size", "10")
            .config("minimum-number-of-calls", "11").build());
    assertTrue(unreachable.getMessage().contains("plugins.circuit-breaker.minimum-number-of-calls"
        + "=11 is more than plugins.circuit-breaker.sliding-window-size=10"),
        unreachable.getMessage());
  }

  @Test
  void withTheRateRuleOffTheMinimumMayExceedTheWindow() throws Exception {
    TestingPluginContext.builder(newPlugin()).config("failure-rate-threshold", "0")
        .config("sliding-window-size", "10").config("minimum-number-of-calls", "11").build()
        .close();
  }

  @Test
  void aStoreSettingThatCouldNeverOpenIsRefusedAndTheLastGoodKept() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("consecutive-failure-threshold", "4").build()) {
      context.start();
      @SuppressWarnings("unchecked")
      StoreSettings<CircuitBreakerConfig> settings =
          (StoreSettings<CircuitBreakerConfig>) context.storeSettingsRequested().get(0);
      context.putStoreSettings("s", Map.of("consecutive-failure-threshold", "7"));
      CircuitBreakerConfig good = settings.get("s");
      assertEquals(7, good.consecutiveFailureThreshold(), "the store's value over the process's");

      context.putStoreSettings("s", Map.of("consecutive-failure-threshold", "0",
          "failure-rate-threshold", "0"));
      assertSame(good, settings.get("s"), "the last good settings stay");
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("plugins.circuit-breaker.failure-rate-threshold"),
          "recorded: " + error);
    }
  }
}
