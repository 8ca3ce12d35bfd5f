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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The rolling window's convergence as {@link LatencyWindow} states it, with a manual clock driving
 * the request hook and the evaluator as a router would (1,000 single gets per evaluation interval,
 * slow calls 50 ms, fast ones 2 ms, a 10 ms budget, 3 slices: 1% of the window is 30 calls): a
 * healthy store stays below; a degradation of every call is exceeded at the first evaluation and,
 * after a recovery on an evaluation, below again at the 3rd; a 2% and a 3% degradation are
 * exceeded at the 2nd ({@code floor(0.01 × 3 / f) + 1}: 30 slow calls of 3,000 are not over 1%, 31
 * are); an onset in the middle of an interval shows at once, one in its last 1% of the window at
 * the next evaluation; a recovery in the middle of an interval clears at the 4th ({@code slices +
 * 1}), one in the first 1% of the window after an evaluation at the 3rd; too few samples never
 * count; a window of one slice follows at once; a store whose budget is removed, that is deleted or
 * that has the plugin switched off is dropped with its state.
 */
class LatencyWindowTest {
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final int PER_INTERVAL = 1_000;

  private final ManualTimeSource time = new ManualTimeSource();
  private final Map<String, LatencyBudgetConfig> stores = new ConcurrentHashMap<>();
  private final Set<String> switchedOff = ConcurrentHashMap.newKeySet();
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();

  private BudgetEvaluator evaluator(int slices) {
    return new BudgetEvaluator(s -> stores.getOrDefault(s, config(0, 100)),
        s -> !switchedOff.contains(s), s -> !deleted.contains(s), slices, time);
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
    traffic(hook, store, calls, i -> i < slow);
  }

  /** {@code calls} single gets of {@code store}, the {@code i}-th at 50 ms when {@code slow(i)}. */
  private void traffic(LatencyBudgetHook hook, String store, int calls, IntPredicate slow) {
    for (int i = 0; i < calls; i++) {
      RequestScope scope = hook.onRequest(get(store));
      time.advance(Duration.ofMillis(slow.test(i) ? 50 : 2));
      scope.onEnd(OK);
    }
  }

  /** One evaluation interval of traffic, its first {@code slowCalls} slow, then the evaluation. */
  private BudgetEvaluator.Evaluation interval(BudgetEvaluator evaluator, int slowCalls) {
    return interval(evaluator, i -> i < slowCalls);
  }

  /** One evaluation interval of traffic, then the evaluation; returns the store's result. */
  private BudgetEvaluator.Evaluation interval(BudgetEvaluator evaluator, IntPredicate slow) {
    traffic(new LatencyBudgetHook(evaluator, time), "users", PER_INTERVAL, slow);
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
  void aThreePercentDegradationIsExceededAtTheSecondEvaluationNotTheFirst() {
    stores.put("users", config(10, 100));
    BudgetEvaluator evaluator = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(evaluator, 0);
    }
    int slow = PER_INTERVAL * 3 / 100; // f = 0.03: floor(0.01 × 3 / 0.03) + 1 = 2
    BudgetEvaluator.Evaluation first = interval(evaluator, slow);
    assertFalse(first.exceeded(), "30 slow of 3,000 is exactly 1%: the p99 (the 2,970th value)"
        + " is still fast: " + first);
    assertEquals(2.0, first.p99Ms(), 0.01);
    BudgetEvaluator.Evaluation second = interval(evaluator, slow);
    assertTrue(second.exceeded(), "60 slow of 3,000 is 2%: " + second);

    BudgetEvaluator one = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(one, 0);
    }
    assertTrue(interval(one, slow + 1).exceeded(), "31 slow of 3,000 are over 1%");
  }

  @Test
  void anOnsetMidIntervalShowsAtOnceButOneInTheLastOnePercentOfTheWindowAtTheNextEvaluation() {
    stores.put("users", config(10, 100));
    BudgetEvaluator half = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(half, 0);
    }
    BudgetEvaluator.Evaluation halfSlow = interval(half, i -> i >= PER_INTERVAL / 2);
    assertTrue(halfSlow.exceeded(), "every call slow from the middle of the interval: 500 of"
        + " 3,000 at the first evaluation: " + halfSlow);

    BudgetEvaluator late = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(late, 0);
    }
    int lastOnePercent = PER_INTERVAL - 30; // the last 1% of the 3-slice window before it
    BudgetEvaluator.Evaluation first = interval(late, i -> i >= lastOnePercent);
    assertFalse(first.exceeded(), "30 slow of 3,000: not yet: " + first);
    assertTrue(interval(late, PER_INTERVAL).exceeded(), "at the next evaluation");
  }

  @Test
  void aRecoveryMidIntervalClearsAtTheEvaluationAfterTheWindowOneOnItsStartAtTheWindow() {
    stores.put("users", config(10, 100));
    BudgetEvaluator mid = evaluator(3);
    for (int i = 0; i < 3; i++) {
      assertTrue(interval(mid, PER_INTERVAL).exceeded());
    }
    assertTrue(interval(mid, PER_INTERVAL / 2).exceeded(), "1st after a recovery mid-interval");
    assertTrue(interval(mid, 0).exceeded(), "2nd");
    BudgetEvaluator.Evaluation third = interval(mid, 0);
    assertTrue(third.exceeded(), "3rd: the half-slow slice is still in the window: " + third);
    BudgetEvaluator.Evaluation fourth = interval(mid, 0);
    assertFalse(fourth.exceeded(), "4th (slices + 1): the half-slow slice has left: " + fourth);
    assertEquals(2.0, fourth.p99Ms(), 0.01);

    BudgetEvaluator early = evaluator(3);
    for (int i = 0; i < 3; i++) {
      interval(early, PER_INTERVAL);
    }
    assertTrue(interval(early, 30).exceeded(), "1st after a recovery 30 calls into the slice");
    assertTrue(interval(early, 0).exceeded(), "2nd");
    assertFalse(interval(early, 0).exceeded(), "3rd: 30 slow of 3,000 left, not over 1%");
  }

  @Test
  void aStoreWhoseBudgetIsRemovedThatIsDeletedOrSwitchedOffIsDroppedWithItsState() {
    for (String store : List.of("removed", "deleted", "off", "kept")) {
      stores.put(store, config(10, 1));
    }
    BudgetEvaluator evaluator = evaluator(3);
    LatencyBudgetHook hook = new LatencyBudgetHook(evaluator, time);
    for (String store : List.of("removed", "deleted", "off", "kept")) {
      traffic(hook, store, 5, 5);
    }
    List<String> dropped = new ArrayList<>();
    assertEquals(4, evaluator.evaluate(dropped::add).size());
    assertEquals(List.of(), dropped);

    stores.put("removed", config(0, 1));
    deleted.add("deleted");
    switchedOff.add("off");
    List<BudgetEvaluator.Evaluation> after = evaluator.evaluate(dropped::add);
    assertEquals(List.of("kept"), after.stream().map(BudgetEvaluator.Evaluation::store).toList());
    assertEquals(Set.of("removed", "deleted", "off"), Set.copyOf(dropped));
    assertEquals(List.of("kept"), evaluator.states().stream()
        .map(BudgetEvaluator.StoreState::store).toList());
    assertTrue(evaluator.state("removed").isEmpty() && evaluator.state("deleted").isEmpty()
        && evaluator.state("off").isEmpty());

    dropped.clear();
    evaluator.evaluate(dropped::add);
    assertEquals(List.of(), dropped, "dropped once");
    stores.put("removed", config(10, 1)); // budgeted again: starts afresh
    traffic(hook, "removed", 1, 1);
    BudgetEvaluator.Evaluation fresh = evaluator.evaluate().stream()
        .filter(e -> e.store().equals("removed")).findFirst().orElseThrow();
    assertEquals(1, fresh.samples());
    assertEquals(1, evaluator.state("removed").orElseThrow().exceededCount());
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
    assertTrue(evaluator.state("users").isEmpty(), "and its state");
    assertNull(evaluator.windowFor("users"));
  }

  @Test
  void aWindowNeedsASlice() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyWindow(0));
  }
}
