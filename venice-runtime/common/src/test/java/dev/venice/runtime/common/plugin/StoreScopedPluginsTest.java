package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPI 1.1's platform rules with real plugin jars: process kinds, the plugin directory over the class
 * path, per-store switches and typed settings that follow store metadata (last good on a bad
 * value), and the controller-side check of a store's settings.
 */
class StoreScopedPluginsTest {
  @TempDir Path plugins;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestStores stores = new TestStores();
  private PluginManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private PluginManager start(String kind, Map<String, String> config, ClassLoader classPath) {
    PluginManager.Builder builder = PluginManager.builder(new BasicHostServices(kind, "i", "c",
            stores, null, null, null, Map.of()))
        .config(config).pluginDirectory(plugins).meterRegistry(registry);
    if (classPath != null) {
      builder.classPath(classPath);
    }
    manager = builder.build().start();
    return manager;
  }

  private PluginInfo row(String id) {
    return manager.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  private String answer(String store) {
    ReadDecision decision = manager.readHooks().forStore(store).beforeRead(new ReadRequest(store,
        1, 0, "p/k".getBytes(StandardCharsets.UTF_8), Map.of()));
    return decision.answered() ? new String(decision.value(), StandardCharsets.UTF_8) : null;
  }

  @Test
  void aPluginMeantForOtherProcessesIsNotApplicableAndNoError() throws Exception {
    PluginJars.fixturePlugin(plugins, "audit", Map.of("id", "audit", "kinds", "controller"));
    PluginJars.fixturePlugin(plugins, "legacy", Map.of("id", "legacy")); // an SPI 1.0 descriptor
    start("server", Map.of("plugins.audit.enabled", "true", "plugins.legacy.enabled", "true"),
        null);
    assertEquals(PluginState.NOT_APPLICABLE, row("audit").state());
    assertEquals("runs in controller, not in a server", row("audit").message());
    assertEquals(List.of("controller"), row("audit").processKinds());
    assertEquals(PluginState.STARTED, row("legacy").state(), "1.0 plugins run everywhere");
    assertNull(registry.find("venice.plugins.failures").counter(), "no failure, no error");
  }

  @Test
  void thePluginDirectoryCopyReplacesTheClassPathCopy() throws Exception {
    Path classPathCopy = PluginJars.fixturePlugin(plugins.resolve("../app"), "p", Map.of("id",
        "p"));
    PluginJars.fixturePlugin(plugins, "p", Map.of("id", "p"));
    // child-first, as the fixture's class is also on the test class path
    try (PluginClassLoader app = new PluginClassLoader("app", List.of(classPathCopy.resolve(
        "p.jar")), getClass().getClassLoader())) {
      start("server", Map.of("plugins.p.enabled", "true"), app);
      assertEquals(1, manager.plugins().size(), manager.plugins().toString());
      assertEquals(plugins.resolve("p").toString(), row("p").source());
      assertEquals(PluginState.STARTED, row("p").state());
      assertNull(registry.find("venice.plugins.failures").counter());
    }
  }

  @Test
  void aStoreSwitchesAPluginOnAndOffAtRunTime() throws Exception {
    PluginJars.fixturePlugin(plugins, "p", Map.of("id", "p"));
    stores.put("on", Map.of());
    stores.put("off", Map.of("plugins.p.enabled", "false"));
    start("server", Map.of("plugins.p.enabled", "true"), null);
    assertEquals("p:size=10:tccl=true", answer("on"));
    assertTrue(manager.readHooks().forStore("off").isEmpty(), "nothing to call for that store");

    assertEquals(List.of("off"), row("p").storesOff());
    stores.put("on", Map.of("plugins.p.enabled", "false"));
    stores.put("off", Map.of("plugins.p.enabled", "true"));
    assertNull(answer("on"));
    assertEquals("p:size=10:tccl=true", answer("off"));
    assertEquals(List.of("on"), row("p").storesOff(), "listed in /plugins");

    stores.put("off", Map.of("plugins.p.enabled", "maybe"));
    assertEquals("p:size=10:tccl=true", answer("off"), "a bad switch keeps the last good one");
    assertTrue(row("p").storeErrors().get("off").contains("bad value 'maybe' for"
        + " plugins.p.enabled"), row("p").toString());
    assertEquals(1.0, registry.get("venice.plugins.settings.errors").tag("store", "off")
        .counter().count());
  }

  @Test
  void aStoreCanBeOptedInWhenStoresAreOffByDefault() throws Exception {
    PluginJars.fixturePlugin(plugins, "p", Map.of("id", "p"));
    stores.put("chosen", Map.of("plugins.p.enabled", "true"));
    start("server", Map.of("plugins.p.enabled", "true", "plugins.p.stores-enabled-by-default",
        "false"), null);
    assertEquals("p:size=10:tccl=true", answer("chosen"));
    assertNull(answer("any-other"));
  }

  @Test
  void typedSettingsFollowTheStoreAndKeepTheLastGoodOnABadValue() throws Exception {
    PluginJars.fixturePlugin(plugins, "p", Map.of("id", "p"));
    stores.put("s", Map.of("plugins.p.size", "20"));
    start("server", Map.of("plugins.p.enabled", "true"), null);
    assertEquals("p:size=20:tccl=true", answer("s"));

    stores.put("s", Map.of("plugins.p.size", "50"));
    assertEquals("p:size=50:tccl=true", answer("s"), "rebuilt on the metadata change");

    stores.put("s", Map.of("plugins.p.size", "soon"));
    assertEquals("p:size=50:tccl=true", answer("s"), "a bad value keeps the last good settings");
    assertTrue(row("p").storeErrors().get("s").contains("bad value 'soon' for plugins.p.size"),
        row("p").toString());

    stores.put("s", Map.of("plugins.p.size", "100", "plugins.p.delay", "1s"));
    assertEquals("p:size=50:tccl=true", answer("s"), "the plugin's rule across keys refused it");
    assertTrue(row("p").storeErrors().get("s").contains("size × delay"), row("p").toString());

    stores.put("s", Map.of());
    assertEquals("p:size=10:tccl=true", answer("s"));
    assertEquals(Map.of(), row("p").storeErrors(), "a good value clears the error");
  }

  @Test
  void theControllerChecksStoreSettingsOfEveryPluginItCanSee() throws Exception {
    PluginJars.fixturePlugin(plugins, "client-only", Map.of("id", "client-only", "kinds",
        "client"));
    start("controller", Map.of(), null);
    manager.checkStoreSettings("s", Map.of("plugins.client-only.size", "7",
        "plugins.client-only.enabled", "false"));
    ConfigException bad = assertThrows(ConfigException.class, () -> manager.checkStoreSettings(
        "s", Map.of("plugins.client-only.delay", "soon")));
    assertEquals("store s: bad value 'soon' for plugins.client-only.delay: expected a duration"
        + " from 0s to 1s (e.g. 250ms, 2s, 5m)", bad.getMessage());
    assertEquals("plugins.client-only.delay", bad.key());
    assertTrue(assertThrows(ConfigException.class, () -> manager.checkStoreSettings("s",
        Map.of("plugins.nope.size", "1"))).getMessage().contains("no plugin 'nope' is installed"
        + " (installed: client-only)"));
    assertTrue(assertThrows(ConfigException.class, () -> manager.checkStoreSettings("s",
        Map.of("plugins.client-only.enabled", "maybe"))).getMessage().contains("expected true"
        + " or false"));
    assertTrue(assertThrows(ConfigException.class, () -> manager.checkStoreSettings("s",
        Map.of("plugins.client-only.size", "100", "plugins.client-only.delay", "1s")))
        .getMessage().contains("size × delay"));
  }

  @Test
  void hooksHeldPastTheirPluginsStopAreNeverCalled() throws Exception {
    PluginJars.fixturePlugin(plugins, "p", Map.of("id", "p"));
    start("server", Map.of("plugins.p.enabled", "true"), null);
    ReadHooks held = manager.readHooks().forStore("s"); // as an ingestion thread holds its hooks
    assertEquals("p:size=10:tccl=true", answer("s"));
    manager.close();
    ReadDecision decision = held.beforeRead(new ReadRequest("s", 1, 0,
        "p/k".getBytes(StandardCharsets.UTF_8), Map.of()));
    assertFalse(decision.answered(), "a stopped plugin's hook was called");
    manager = null;
  }

  @Test
  void theMetricPrefixNamesTheProcessAndThePlugin() {
    assertEquals("venice.server.bloom.filter.", ProcessKind.SERVER.metricPrefix("bloom-filter"));
    assertEquals("venice.da.vinci.client.hedging.",
        ProcessKind.DA_VINCI_CLIENT.metricPrefix("hedging"));
  }
}
