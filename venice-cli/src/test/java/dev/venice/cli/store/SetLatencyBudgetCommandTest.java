package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.ControllerWithPlugin;
import dev.venice.cli.ControllerWithPlugin.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice set-latency-budget} against a real controller that knows the {@code
 * latency-budget} plugin ({@link ControllerWithPlugin}): the store's budget is written, changed
 * and removed with {@code --unset}, and an unknown store or bad input is refused with one line.
 * That routers evaluate it is {@code it/.../plugins/latencybudget/LatencyBudgetPluginTest}.
 */
class SetLatencyBudgetCommandTest {
  private static final String KEY = "plugins.latency-budget.latency-budget-ms";
  private static ControllerWithPlugin controller;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerWithPlugin.start(dir, "venice-server-plugins/latency-budget",
        "latency-budget");
    controller.createStore("budgeted");
  }

  @AfterAll
  static void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  private static Run venice(String... args) {
    return controller.venice(args);
  }

  private static Map<String, String> pluginSettings() {
    return controller.pluginSettings("budgeted");
  }

  @Test
  void setsChangesAndRemovesTheStoresBudget() throws Exception {
    Run set = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "10", "--json");
    assertEquals(0, set.status(), set.err());
    assertEquals("budgeted", set.json().get("store").asText());
    assertEquals(10, set.json().get("latencyBudgetMs").asInt());
    assertEquals("10", pluginSettings().get(KEY));

    Run changed = venice("set-latency-budget", "-s", "budgeted", "--budget-ms", "250");
    assertEquals("store budgeted: latency budget 250 ms (p99 of single gets, evaluated on"
        + " routers with the latency-budget plugin)", changed.out(), changed.err());
    assertEquals("250", pluginSettings().get(KEY));

    Run removed = venice("set-latency-budget", "--store", "budgeted", "--unset", "--json");
    assertEquals(0, removed.status(), removed.err());
    assertTrue(removed.json().get("latencyBudgetMs").isNull(), removed.out());
    assertEquals(Map.of(), pluginSettings());

    Run again = venice("set-latency-budget", "--store", "budgeted", "--unset");
    assertEquals(0, again.status(), "removing what is not set is fine: " + again.err());
    assertEquals("store budgeted: latency budget removed", again.out());
  }

  @Test
  void anUnknownStoreOrBadInputIsRefusedWithOneLineAndTheStoreUnchanged() {
    Run missing = venice("set-latency-budget", "--store", "nope", "--budget-ms", "10");
    assertEquals(1, missing.status());
    assertEquals("venice set-latency-budget: store nope does not exist (404 STORE_NOT_FOUND)",
        missing.err());

    for (String bad : List.of("0", "-5", "3600001")) {
      Run refused = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", bad);
      assertEquals(1, refused.status(), bad);
      assertEquals("venice set-latency-budget: --budget-ms must be whole milliseconds from 1 to"
          + " 3600000 (--unset removes store budgeted's budget), not " + bad, refused.err());
    }
    Run word = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "fast");
    assertEquals(2, word.status());
    assertEquals("venice set-latency-budget: Invalid value for option '--budget-ms': 'fast' is"
        + " not an int (see 'venice set-latency-budget --help')", word.err());
    Run neither = venice("set-latency-budget", "--store", "budgeted");
    Run both = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "5", "--unset");
    for (Run usage : List.of(neither, both)) {
      assertEquals(2, usage.status(), usage.err());
      assertTrue(usage.err().startsWith("venice set-latency-budget: ")
          && usage.err().contains("--budget-ms") && usage.err().contains("--unset")
          && usage.err().lines().count() == 1, usage.err());
    }
    assertEquals(Map.of(), pluginSettings(), "nothing was written");
  }

  @Test
  void helpShowsTheOptionsAndExamples() {
    Run help = venice("set-latency-budget", "--help");
    assertEquals(0, help.status());
    for (String shown : List.of("--store", "--budget-ms", "--unset", "--json", "Examples:",
        "venice set-latency-budget --store users --budget-ms 10",
        "venice set-latency-budget --store users --unset")) {
      assertTrue(help.out().contains(shown), shown + " in " + help.out());
    }
  }
}
