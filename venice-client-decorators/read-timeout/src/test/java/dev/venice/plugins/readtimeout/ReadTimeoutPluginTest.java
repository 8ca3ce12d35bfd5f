package dev.venice.plugins.readtimeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one decorator, the keys' values and the store rules. */
class ReadTimeoutPluginTest extends PluginContractTest<ReadTimeoutPlugin> {
  @Override
  protected ReadTimeoutPlugin newPlugin() {
    return new ReadTimeoutPlugin();
  }

  /** One bounded read answered at once: every meter is registered. */
  @Override
  protected void exercise(ReadTimeoutPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    context.putStoreSettings("users", Map.of("read-timeout-ms", "1000"));
    RecordingStoreClient<String, String> users = RecordingStoreClient.pending("users");
    extensions.storeDecorators().get(0).decorate(users).get("k");
    users.lastCall().answer("v");
  }

  @Test
  void startAddsOneStoreDecoratorAtTheTimeoutPosition() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      List<StoreClientDecorator> decorators = added.storeDecorators();
      assertEquals(1, decorators.size());
      assertEquals(DecoratorOrder.TIMEOUT, decorators.get(0).order());
      assertEquals("read-timeout", decorators.get(0).name());
      assertTrue(added.replicaDecorators().isEmpty() && added.readHooks().isEmpty());
    }
  }

  @Test
  void wholeMillisecondsFromOneToTenMinutesAreTaken() {
    for (String key : List.of("read-timeout-ms", "read-timeout-fallback-ms")) {
      for (String good : List.of("1", " 250 ", "600000")) {
        assertEquals(Duration.ofMillis(Long.parseLong(good.trim())), settingsOf(key, good),
            key + "=" + good);
      }
    }
    assertNull(ReadTimeoutConfig.from(config(Map.of())).readTimeout(), "unset: none");
    assertNull(ReadTimeoutConfig.from(config(Map.of())).fallback(), "unset: none");
  }

  @Test
  void zeroNegativeAbsurdAndNonNumbersAreRefusedNamingTheFullKey() {
    for (String key : List.of("read-timeout-ms", "read-timeout-fallback-ms")) {
      for (String bad : List.of("0", "-5", "600001", "99999999999999999999", "1.5", "10ms",
          "soon", "")) {
        ConfigException refused = assertThrows(ConfigException.class,
            () -> settingsOf(key, bad), key + "=" + bad);
        String fullKey = "plugins.read-timeout." + key;
        assertEquals(fullKey, refused.key());
        assertEquals("bad value '" + bad + "' for " + fullKey + ": expected whole milliseconds"
            + " from 1 to 600000" + (bad.equals("0") ? "; remove the setting for no per-store"
            + " timeout" : ""), refused.getMessage());
      }
    }
  }

  @Test
  void aBadProcessValueStopsTheContextBuildingAsAHostRefusesToStart() {
    ConfigException refused = assertThrows(ConfigException.class, () ->
        TestingPluginContext.builder(newPlugin()).config("read-timeout-ms", "0").build());
    assertEquals("plugins.read-timeout.read-timeout-ms", refused.key());
  }

  @Test
  void aBadStoreValueIsRefusedAndTheStoreKeepsItsLastGoodTimeout() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      context.start();
      StoreSettings<ReadTimeoutConfig> settings = settings(context);
      context.putStoreSettings("s", Map.of("read-timeout-ms", "70"));
      ReadTimeoutConfig good = settings.get("s");
      assertEquals(Duration.ofMillis(70), good.readTimeout());

      context.putStoreSettings("s", Map.of("read-timeout-ms", "-1"));
      assertSame(good, settings.get("s"), "the last good settings stay");
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("bad value '-1' for"
          + " plugins.read-timeout.read-timeout-ms"), "recorded: " + error);

      context.putStoreSettings("s", Map.of("read-timeout-ms", "90"));
      assertEquals(Duration.ofMillis(90), settings.get("s").readTimeout(), "a good change");
      assertEquals(Map.of(), context.storeErrors(), "and the error cleared");
    }
  }

  @Test
  void theFallbackIsSetPerProcessOnly() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("read-timeout-fallback-ms", "40").build()) {
      context.start();
      StoreSettings<ReadTimeoutConfig> settings = settings(context);
      assertEquals(Duration.ofMillis(40), settings.processWide().fallback());
      context.putStoreSettings("s", Map.of("read-timeout-fallback-ms", "10"));
      String error = context.storeErrors().get("s");
      assertTrue(error != null && error.contains("plugins.read-timeout.read-timeout-fallback-ms"
          + " is set per process only"), "refused: " + error);
    }
  }

  private static Duration settingsOf(String key, String value) {
    ReadTimeoutConfig settings = ReadTimeoutConfig.from(config(Map.of(key, value)));
    return key.equals("read-timeout-ms") ? settings.readTimeout() : settings.fallback();
  }

  private static PluginConfig config(Map<String, String> raw) {
    return PluginConfig.of("read-timeout", ReadTimeoutConfig.KEYS, raw);
  }

  @SuppressWarnings("unchecked")
  static StoreSettings<ReadTimeoutConfig> settings(TestingPluginContext context) {
    return (StoreSettings<ReadTimeoutConfig>) context.storeSettingsRequested().get(0);
  }
}
