package dev.venice.runtime.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.common.plugin.RefusalReason;
import dev.venice.spi.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's tables list every error type, refusal reason, plugin state and process key. */
class ReadmeTablesTest {
  private static String readme;

  @BeforeAll
  static void read() throws Exception {
    readme = Files.readString(Path.of(System.getProperty("venice.root", "../.."), "README.md"));
  }

  private static void listed(String what, String cell) {
    assertTrue(readme.contains("| `" + cell + "` |"), "README.md lists no " + what + " `" + cell
        + "` in a table");
  }

  @Test
  void everyAdminErrorTypeHasARowWithItsStatusAndMeaning() {
    for (AdminErrorType type : AdminErrorType.values()) {
      String row = "| `" + type.name() + "` | " + (type.status() == 0 ? "varies" : type.status())
          + " | " + type.meaning() + " |";
      assertTrue(readme.contains(row), "README.md lacks the admin API errorType row " + row);
    }
  }

  @Test
  void everyRefusalReasonHasARow() {
    for (RefusalReason reason : RefusalReason.values()) {
      assertTrue(readme.contains("| `" + reason.tag() + "` |"), "README.md lists no refusal"
          + " reason `" + reason.tag() + "`");
    }
  }

  @Test
  void everyPluginStateIsExplained() {
    for (PluginState state : PluginState.values()) {
      assertTrue(readme.contains("`" + state.name() + "`"), "README.md never names the plugin"
          + " state " + state);
    }
  }

  @Test
  void everySharedProcessKeyHasARow() {
    for (ConfigKey<?> key : ProcessKeys.EVERY_PROCESS) {
      listed("process key", key.name());
    }
    listed("process key", ProcessKeys.KAFKA_BOOTSTRAP_SERVERS.name());
  }
}
