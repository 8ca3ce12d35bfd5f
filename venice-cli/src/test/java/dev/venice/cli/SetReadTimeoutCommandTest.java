package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code venice set-read-timeout} against a real controller that knows the {@code read-timeout}
 * plugin (from the directory its module builds, as a controller checks a store's plugin settings
 * against every plugin it finds): the store setting is written, removed, and bad input refused
 * with one clear line. That running clients pick it up is {@code it/.../ReadTimeoutPluginTest}.
 */
class SetReadTimeoutCommandTest {
  private static final String KEY = "plugins.read-timeout.read-timeout-ms";
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
        .resolve("../venice-client-decorators/read-timeout/target/plugin/read-timeout")
        .toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(built), built + " is missing: build the read-timeout module"
        + " first (mvn install -pl venice-client-decorators/read-timeout)");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("read-timeout"), built);
    cluster = LocalCluster.builder().controllerConfig("plugin.dir", plugins.toString()).build();
    new ControllerClient(cluster.controllerUrl())
        .createStore("timed", "\"string\"", "\"string\"", 1, 1);
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
    return new ControllerClient(cluster.controllerUrl()).getStore("timed").pluginSettings();
  }

  @Test
  void setsAndRemovesTheStoresReadTimeout() throws Exception {
    Run set = venice("set-read-timeout", "--store", "timed", "--timeout-ms", "50", "--json");
    assertEquals(0, set.status(), set.err());
    assertEquals("timed", set.json().get("store").asText());
    assertEquals(50, set.json().get("readTimeoutMs").asInt());
    assertEquals("50", pluginSettings().get(KEY));

    Run changed = venice("set-read-timeout", "-s", "timed", "--timeout-ms", "75");
    assertEquals("store timed: read timeout 75 ms", changed.out(), changed.err());
    assertEquals("75", pluginSettings().get(KEY));

    Run unset = venice("set-read-timeout", "--store", "timed", "--unset", "--json");
    assertEquals(0, unset.status(), unset.err());
    assertTrue(unset.json().get("readTimeoutMs").isNull(), unset.out());
    assertEquals(Map.of(), pluginSettings());

    Run again = venice("set-read-timeout", "--store", "timed", "--unset");
    assertEquals(0, again.status(), "removing what is not set is fine: " + again.err());
    assertEquals("store timed: read timeout removed; clients use their global timeout",
        again.out());
  }

  @Test
  void badInputIsRefusedWithOneLineAndTheStoreUnchanged() {
    Run missing = venice("set-read-timeout", "--store", "nope", "--timeout-ms", "50");
    assertEquals(1, missing.status());
    assertEquals("venice set-read-timeout: store nope does not exist (404 STORE_NOT_FOUND)",
        missing.err());

    for (String bad : List.of("0", "-5", "600001")) {
      Run refused = venice("set-read-timeout", "--store", "timed", "--timeout-ms", bad);
      assertEquals(1, refused.status(), bad);
      assertEquals("venice set-read-timeout: store timed: bad value '" + bad + "' for " + KEY
          + ": expected whole milliseconds from 1 to 600000" + (bad.equals("0")
          ? "; remove the setting for no per-store timeout" : "")
          + " (400 BAD_PLUGIN_SETTING)", refused.err());
    }
    Run word = venice("set-read-timeout", "--store", "timed", "--timeout-ms", "soon");
    assertEquals(2, word.status());
    assertEquals("venice set-read-timeout: Invalid value for option '--timeout-ms': 'soon' is"
        + " not an int (see 'venice set-read-timeout --help')", word.err());

    Run neither = venice("set-read-timeout", "--store", "timed");
    Run both = venice("set-read-timeout", "--store", "timed", "--timeout-ms", "5", "--unset");
    for (Run usage : List.of(neither, both)) {
      assertEquals(2, usage.status(), usage.err());
      assertTrue(usage.err().startsWith("venice set-read-timeout: ")
          && usage.err().contains("--timeout-ms") && usage.err().contains("--unset")
          && usage.err().lines().count() == 1, usage.err());
    }
    assertEquals(Map.of(), pluginSettings(), "nothing was written");
  }

  @Test
  void helpShowsTheOptionsAndExamples() {
    Run help = venice("set-read-timeout", "--help");
    assertEquals(0, help.status());
    for (String shown : List.of("--store", "--timeout-ms", "--unset", "--json", "Examples:",
        "venice set-read-timeout --store users --timeout-ms 50")) {
      assertTrue(help.out().contains(shown), shown + " in " + help.out());
    }
  }
}
