package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.ControllerWithPlugin.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice set-read-timeout} against a real controller that knows the {@code read-timeout}
 * plugin ({@link ControllerWithPlugin}): the store setting is written, removed, and bad input
 * refused with one clear line. That running clients pick it up is {@code
 * it/.../ReadTimeoutPluginTest}.
 */
class SetReadTimeoutCommandTest {
  private static final String KEY = "plugins.read-timeout.read-timeout-ms";
  private static ControllerWithPlugin controller;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerWithPlugin.start(dir, "venice-client-decorators/read-timeout",
        "read-timeout");
    controller.createStore("timed");
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
    return controller.pluginSettings("timed");
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
