package dev.venice.plugins.latencybudget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The rolling window's convergence, with a manual clock driving the request hook and the
 * evaluator as a router would (1,000 single gets per evaluation interval, a 10 ms budget): a
 * healthy store stays below; a degradation of every call is exceeded at the first evaluation; after
 * recovery it is below again at the {@code window-evaluations}-th; a 2% degradation is exceeded at
 * the second evaluation with 3 slices ({@code ceil(0.01 × 3 / 0.02)}); too few samples never
 * count; a window of one slice follows at once.
 */
class LatencyWindowTest {
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final int PER_INTERVAL = 1_000;

  private final ManualTimeSource time = new ManualTimeSource();
  private final Map<String, LatencyBudgetConfig> stores = new ConcurrentHashMap<>();

  private BudgetEvaluator evaluator(int slices) {
    return new BudgetEvaluator(s -> stores.getOrDefault(s, config(0, 100)), s -> true, slices,
        time);
  }

  private static LatencyBudgetConfig config(long budgetMs, int minSamples) {
    return new LatencyBudgetConfig(budgetMs, Duration.ofSeconds(30), 3, minSamples);
  }

  private static InboundRequest get(String store) {
    return new InboundRequest("venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, store, 0,
        -1, 1, Map.of());
  }

  /** {@code calls} single gets of {@code store}, {@code slow} of them at 50 ms, the rest 2 ms. */
  private void traffic(LatencyBudgetHook hook, String store, int calls, int slow) {
    for (int i = 0; i < calls; i++) {
      RequestScope scope = hook.onRequest(get(store));
      time.advance(Duration.ofMillis(i < slow ? 50 : 2));
      scope.onEnd(OK);
    }
  }

  /** One evaluation interval of traffic, then the evaluation; returns the store's result. */
  private BudgetEvaluator.Evaluation interval(BudgetEvaluator evaluator, int slowCalls) {
    traffic(new LatencyBudgetHook(evaluator, time), "users", PER_INTERVAL, slowCalls);
    List<BudgetEvaluator.Evaluation> results = evaluator.evaluate();
    assertEquals(1, results.size(), results.toString());
    return results.get(0);
  }

  @Test
  void aFullDegradationIsExceededAtTheFirstEvaluationAndClearsAfterTheWindow() {
    stores.put("users", config(10, 100));
    BudgetEvaluator evaluator = evaluator(3);
    for (int i = 0; i < 3; i++) {
      BudgetEvaluator.Evaluation healthy = interval(evaluator, 0);
      assertFalse(healthy.exceeded(), healthy.toString());
      assertEquals(2.0, healthy.p99Ms(), 0.02, "2 ms within HdrHistogram's 1%");
    }
    assertEquals(3 * PER_INTERVAL, interval(evaluator, 0).samples(), "the window is 3 slices");

    BudgetEvaluator.Evaluation degraded = interval(evaluator, PER_INTERVAL);
    assertTrue(degraded.exceeded(), "every call at 50 ms: exceeded at the first evaluation, "
        + degraded);
    assertEquals(50.0, degraded.p99Ms(), 0.5);
    assertEquals(10, degraded.budgetMs());
    assertEquals(time.now(), degraded.at());

    // recovery: the slow slice leaves the window at the third evaluation after it
    assertTrue(interval(evaluator, 0).exceeded(), "1 of 3 slices still slow");
    assertTrue(interval(evaluator, 0).exceeded(), "1 of 3 slices still slow");
    BudgetEvaluator.Evaluation recovered = interval(evaluator, 0);
    assertFalse(recovered.exceeded(), recovered.toString());
    assertEquals(2.0, recovered.p99Ms(), 0.02);

    BudgetEvaluator.StoreState state = evaluator.state("users").orElseThrow();
    assertEquals(3, state.exceededCount(), "each exceeded evaluation counts once");
    assertEquals(recovered, state.last());
    assertTrue(state.lastExceeded().at().isBefore(recovered.at()));
  }

  @Test
  void aTwoPercentDegradationIsExceededAtTheSecondEvaluationOfAThreeSliceWindow() {
    stores.put("users", config(10, 100));
    BudgetEvaluator evaluator = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(evaluator, 0);
    }
    BudgetEvaluator.Evaluation first = interval(evaluator, PER_INTERVAL / 50);
    assertFalse(first.exceeded(), "20 slow of 3,000 is 0.67%, under the 1% a p99 ignores: "
        + first);
    BudgetEvaluator.Evaluation second = interval(evaluator, PER_INTERVAL / 50);
    assertTrue(second.exceeded(), "40 slow of 3,000 is 1.33%: " + second);
    assertEquals(50.0, second.p99Ms(), 0.5);
  }

  @Test
  void aWindowOfOneSliceFollowsEachInterval() {
    stores.put("users", config(10, 100));
    BudgetEvaluator evaluator = evaluator(1);
    assertFalse(interval(evaluator, 0).exceeded());
    assertTrue(interval(evaluator, PER_INTERVAL).exceeded());
    assertFalse(interval(evaluator, 0).exceeded(), "recovered at the next evaluation");
  }

  @Test
  void fewerCallsThanMinSamplesNeverCountAsExceeded() {
    stores.put("users", config(10, 100));
    BudgetEvaluator evaluator = evaluator(3);
    LatencyBudgetHook hook = new LatencyBudgetHook(evaluator, time);
    traffic(hook, "users", 99, 99);
    BudgetEvaluator.Evaluation few = evaluator.evaluate().get(0);
    assertFalse(few.exceeded(), few.toString());
    assertEquals(99, few.samples());
    assertEquals(50.0, few.p99Ms(), 0.5, "the p99 is reported all the same");
    traffic(hook, "users", 1, 1);
    assertTrue(evaluator.evaluate().get(0).exceeded(), "the 100th call reaches min-samples");
  }

  @Test
  void storesWithoutABudgetAndOtherKindsAreNotTimed() {
    stores.put("users", config(10, 1));
    BudgetEvaluator evaluator = evaluator(3);
    LatencyBudgetHook hook = new LatencyBudgetHook(evaluator, time);
    assertSame(RequestScope.NONE, hook.onRequest(get("other")), "no budget: nothing kept");
    assertSame(RequestScope.NONE, hook.onRequest(new InboundRequest(
        "venice.read.v1.VeniceRead/BatchGet", RequestKind.BATCH_GET, "users", 0, -1, 5,
        Map.of())), "batch gets are not timed");
    assertEquals(List.of(), evaluator.evaluate(), "no window: nothing to evaluate");

    traffic(hook, "users", 5, 5);
    assertEquals(1, evaluator.evaluate().size());
    stores.put("users", config(0, 1)); // the budget removed at run time
    assertSame(RequestScope.NONE, hook.onRequest(get("users")), "no longer timed at once");
    assertEquals(List.of(), evaluator.evaluate(), "its window is dropped");
    assertNull(evaluator.windowFor("users"));
  }

  @Test
  void aWindowNeedsASlice() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyWindow(0));
  }
}
