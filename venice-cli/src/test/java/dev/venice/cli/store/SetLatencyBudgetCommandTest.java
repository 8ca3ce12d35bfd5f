package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.Output;
import dev.venice.cli.Venice;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice set-latency-budget} against a real controller that knows the {@code
 * latency-budget} plugin (from the directory its module builds, as a controller checks a store's
 * plugin settings against every plugin it finds): the store's budget is written, changed and
 * removed, and an unknown store or bad input is refused with one line. That routers evaluate it is
 * {@code it/.../plugins/latencybudget/LatencyBudgetPluginTest}.
 */
class SetLatencyBudgetCommandTest {
  private static final String KEY = "plugins.latency-budget.latency-budget-ms";
  private static LocalCluster cluster;
  @TempDir static Path dir;

  /** What one command did. */
  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return Output.JSON.readTree(out);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path built = Path.of(System.getProperty("basedir", "."))
        .resolve("../venice-server-plugins/latency-budget/target/plugin/latency-budget")
        .toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(built), built + " is missing: build the latency-budget module"
        + " first (mvn install -pl venice-server-plugins/latency-budget)");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("latency-budget"), built);
    cluster = LocalCluster.builder().controllerConfig("plugin.dir", plugins.toString()).build();
    new ControllerClient(cluster.controllerUrl())
        .createStore("budgeted", "\"string\"", "\"string\"", 1, 1);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Run venice(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--controller", cluster.controllerUrl()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(all.toArray(String[]::new), new PrintWriter(out, true),
        new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  private static Map<String, String> pluginSettings() {
    return new ControllerClient(cluster.controllerUrl()).getStore("budgeted").pluginSettings();
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

    Run removed = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "0",
        "--json");
    assertEquals(0, removed.status(), removed.err());
    assertTrue(removed.json().get("latencyBudgetMs").isNull(), removed.out());
    assertEquals(Map.of(), pluginSettings());

    Run again = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "0");
    assertEquals(0, again.status(), "removing what is not set is fine: " + again.err());
    assertEquals("store budgeted: latency budget removed", again.out());
  }

  @Test
  void anUnknownStoreOrBadInputIsRefusedWithOneLineAndTheStoreUnchanged() {
    Run missing = venice("set-latency-budget", "--store", "nope", "--budget-ms", "10");
    assertEquals(1, missing.status());
    assertEquals("venice set-latency-budget: store nope does not exist (404 STORE_NOT_FOUND)",
        missing.err());

    for (String bad : List.of("-5", "3600001")) {
      Run refused = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", bad);
      assertEquals(1, refused.status(), bad);
      assertEquals("venice set-latency-budget: --budget-ms must be whole milliseconds from 1 to"
          + " 3600000, or 0 to remove store budgeted's budget, not " + bad, refused.err());
    }
    Run word = venice("set-latency-budget", "--store", "budgeted", "--budget-ms", "fast");
    assertEquals(2, word.status());
    assertEquals("venice set-latency-budget: Invalid value for option '--budget-ms': 'fast' is"
        + " not an int (see 'venice set-latency-budget --help')", word.err());
    Run none = venice("set-latency-budget", "--store", "budgeted");
    assertEquals(2, none.status());
    assertTrue(none.err().startsWith("venice set-latency-budget: ")
        && none.err().contains("--budget-ms") && none.err().lines().count() == 1, none.err());
    assertEquals(Map.of(), pluginSettings(), "nothing was written");
  }

  @Test
  void helpShowsTheOptionsAndExamples() {
    Run help = venice("set-latency-budget", "--help");
    assertEquals(0, help.status());
    for (String shown : List.of("--store", "--budget-ms", "--json", "Examples:",
        "venice set-latency-budget --store users --budget-ms 10",
        "venice set-latency-budget --store users --budget-ms 0")) {
      assertTrue(help.out().contains(shown), shown + " in " + help.out());
    }
  }
}
