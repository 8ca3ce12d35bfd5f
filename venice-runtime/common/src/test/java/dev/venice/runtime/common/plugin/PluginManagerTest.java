package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.spi.SpiVersion;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin loading end to end with real jars in real plugin directories: every refusal leaves the
 * host working with its healthy plugin, and says why in the listing, the log and a metric.
 */
class PluginManagerTest {
  @TempDir Path plugins;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Map<String, String> config = new HashMap<>(Map.of("plugins.healthy.enabled", "true"));
  private PluginManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private PluginManager start() throws IOException {
    PluginJars.fixturePlugin(plugins, "healthy", Map.of("id", "healthy"));
    Map<String, String> settings = new HashMap<>(config);
    settings.put("plugin.dir", plugins.toString());
    manager = PluginManager.builder(BasicHostServices.minimal("server", "localhost_1", "test"))
        .processConfig(ProcessConfig.of("server", List.of(PluginManager.PLUGIN_DIR), Set.of(),
            settings))
        .meterRegistry(registry).build().start();
    return manager;
  }

  private static ReadRequest read(String key) {
    return new ReadRequest("store", 1, 0, key.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static String answer(PluginManager m, String key) {
    ReadDecision decision = m.readHooks().beforeRead(read(key));
    return decision.answered() ? new String(decision.value(), StandardCharsets.UTF_8) : null;
  }

  private PluginInfo row(String id) {
    return manager.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(
        () -> new AssertionError("no row for " + id + " in " + manager.plugins()));
  }

  private double failures(String plugin, String reason) {
    var counter = registry.find("venice.plugins.failures").tag("plugin", plugin)
        .tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The healthy plugin answers its keys, with its own class loader as context class loader. */
  private void assertHostWorks() {
    assertEquals(PluginState.STARTED, row("healthy").state(), manager.plugins().toString());
    assertEquals("healthy:size=10:tccl=true", answer(manager, "healthy/k1"));
    assertNull(answer(manager, "someone-else/k1"));
  }

  @Test
  void startsAnEnabledPluginAndConfiguresIt() throws IOException {
    config.put("plugins.healthy.size", "42");
    config.put("plugins.healthy.delay", "250ms");
    start();
    assertEquals("healthy:size=42:tccl=true", answer(manager, "healthy/a"));
    PluginInfo info = row("healthy");
    assertEquals("1.0.0", info.version());
    assertEquals("[1.0,2.0)", info.spiVersionRange());
    assertEquals(plugins.resolve("healthy").toString(), info.source());
    Optional<PluginHttpResponse> response = manager.endpoints().handle("healthy",
        new PluginHttpRequest("GET", "info", Map.of(), Map.of(), new byte[0]));
    assertEquals("{\"id\":\"healthy\",\"size\":42}",
        new String(response.orElseThrow().body(), StandardCharsets.UTF_8));
    assertTrue(manager.endpoints().handle("healthy",
        new PluginHttpRequest("GET", "nothing-here", Map.of(), Map.of(), new byte[0])).isEmpty());
    assertEquals(Readiness.READY, manager.lifecycleHooks().readiness());
  }

  @Test
  void aPluginIsOffUntilEnabled() throws IOException {
    PluginJars.fixturePlugin(plugins, "dormant", Map.of("id", "dormant"));
    start();
    assertEquals(PluginState.DISABLED, row("dormant").state());
    assertTrue(row("dormant").message().contains("plugins.dormant.enabled=true"));
    assertNull(answer(manager, "dormant/k"));
    assertHostWorks();
  }

  @Test
  void aTypoInTheEnabledKeyIsAnErrorNotASilentlyDisabledPlugin() throws IOException {
    PluginJars.fixturePlugin(plugins, "dormant", Map.of("id", "dormant"));
    config.put("plugins.dormant.enable", "true");
    start();
    assertEquals(PluginState.FAILED, row("dormant").state());
    assertTrue(row("dormant").message().startsWith("unknown configuration key"
        + " plugins.dormant.enable; plugin dormant accepts"), row("dormant").message());
    assertHostWorks();
  }

  @Test
  void noPluginsMeansNoHooks() {
    manager = PluginManager.builder(BasicHostServices.minimal("server", "s", "test"))
        .pluginDirectory(plugins.resolve("missing")).build().start();
    assertTrue(manager.plugins().isEmpty());
    assertTrue(manager.readHooks().isEmpty());
    assertTrue(manager.ingestionHooks().isEmpty());
    assertTrue(manager.adminMutationHooks().isEmpty());
    assertTrue(manager.decorators().isEmpty());
  }

  @Test
  void refusesAnSpiRangeThatExcludesTheHost() throws IOException {
    PluginJars.fixturePlugin(plugins, "future",
        Map.of("id", "future", "version", "3.1.0", "spi", "[2.0,3.0)"));
    config.put("plugins.future.enabled", "true");
    start();
    PluginInfo future = row("future");
    assertEquals(PluginState.FAILED, future.state());
    assertEquals("plugin future 3.1.0 from " + plugins.resolve("future")
        + " supports SPI [2.0,3.0) but this host has SPI " + SpiVersion.CURRENT
        + "; install a build of the plugin for SPI 1.x", future.message());
    assertEquals(1.0, failures("future", "spi-range"));
    assertNull(answer(manager, "future/k"));
    assertHostWorks();
  }

  @Test
  void refusesADuplicateId() throws IOException {
    PluginJars.fixturePlugin(plugins, "healthy-copy", Map.of("id", "healthy"));
    start();
    List<PluginInfo> rows = manager.plugins().stream().filter(p -> p.id().equals("healthy"))
        .toList();
    assertEquals(2, rows.size(), rows.toString());
    PluginInfo refused = rows.stream().filter(p -> p.state() == PluginState.FAILED).findFirst()
        .orElseThrow();
    assertEquals(plugins.resolve("healthy-copy").toString(), refused.source());
    assertTrue(refused.message().startsWith("duplicate plugin id 'healthy': already STARTED from "
        + plugins.resolve("healthy")), refused.message());
    assertEquals(1.0, failures("healthy", "duplicate"));
    assertHostWorks();
  }

  @Test
  void containsAThrowingStart() throws IOException {
    PluginJars.fixturePlugin(plugins, "fragile", Map.of("id", "fragile", "fail.start", "true"));
    config.put("plugins.fragile.enabled", "true");
    start();
    PluginInfo fragile = row("fragile");
    assertEquals(PluginState.FAILED, fragile.state());
    assertTrue(fragile.message().contains("start threw java.lang.IllegalStateException: fixture"
        + " told to fail at start"), fragile.message());
    assertEquals(1.0, failures("fragile", "start"));
    assertHostWorks();
  }

  @Test
  void containsHooksThatThrowAtRunTime() throws IOException {
    // "broken" sorts before "healthy", so its hooks run first and must not stop the others.
    PluginJars.fixturePlugin(plugins, "broken", Map.of("id", "broken", "fail.hook", "true",
        "answer.prefix", "healthy/"));
    config.put("plugins.broken.enabled", "true");
    start();
    assertEquals(PluginState.STARTED, row("broken").state());
    assertHostWorks();
    assertHostWorks();
    double errors = registry.get("venice.plugins.hook.errors").tag("plugin", "broken")
        .tag("hook", "read.before").counter().count();
    assertEquals(4.0, errors); // two reads in each assertHostWorks call
    assertEquals(Readiness.READY, manager.lifecycleHooks().readiness());
    PluginHttpResponse failed = manager.endpoints().handle("broken",
        new PluginHttpRequest("GET", "info", Map.of(), Map.of(), new byte[0])).orElseThrow();
    assertEquals(500, failed.status());
    assertTrue(new String(failed.body(), StandardCharsets.UTF_8).startsWith("plugin broken:"));
  }

  @Test
  void refusesAnUnknownConfigKeyNamingTheKeyAndWhatIsAccepted() throws IOException {
    PluginJars.fixturePlugin(plugins, "typo", Map.of("id", "typo"));
    config.put("plugins.typo.enabled", "true");
    config.put("plugins.typo.sise", "12");
    start();
    PluginInfo typo = row("typo");
    assertEquals(PluginState.FAILED, typo.state());
    assertEquals("unknown configuration key plugins.typo.sise; plugin typo accepts delay (a"
        + " duration from 0s to 1s (e.g. 250ms, 2s, 5m)), size (an integer from 1 to 100)",
        typo.message());
    assertEquals(1.0, failures("typo", "config"));
    assertHostWorks();
  }

  @Test
  void refusesABadValueNamingTheKeyAndTheAllowedValues() throws IOException {
    PluginJars.fixturePlugin(plugins, "sized", Map.of("id", "sized"));
    config.put("plugins.sized.enabled", "true");
    config.put("plugins.sized.size", "1000");
    start();
    assertEquals("bad value '1000' for plugins.sized.size: expected an integer from 1 to 100",
        row("sized").message());
    assertEquals(PluginState.FAILED, row("sized").state());
    assertHostWorks();
  }

  @Test
  void refusesABadEnabledFlag() throws IOException {
    config.put("plugins.healthy.enabled", "yes");
    start();
    assertEquals("bad value 'yes' for plugins.healthy.enabled: expected true or false",
        row("healthy").message());
    assertTrue(manager.readHooks().isEmpty());
  }

  @Test
  void reportsConfigurationForAPluginThatIsNotThere() throws IOException {
    config.put("plugins.helthy.enabled", "true");
    start();
    PluginInfo ghost = row("helthy");
    assertEquals(PluginState.FAILED, ghost.state());
    assertEquals("configuration", ghost.source());
    assertTrue(ghost.message().contains("no plugin with that id was found (found: healthy)"),
        ghost.message());
    assertHostWorks();
  }

  @Test
  void refusesJarsThatAreNotPlugins() throws IOException {
    PluginJars.plainJar(plugins.resolve("readme").resolve("readme.jar"));
    Files.createDirectories(plugins.resolve("empty"));
    PluginJars.plainJar(plugins.resolve("loose.jar"));
    start();
    assertTrue(row("readme").message().startsWith("not a plugin: no META-INF/services/"
        + "dev.venice.spi.plugin.VenicePlugin in [readme.jar]"), row("readme").message());
    assertEquals("no jar files in " + plugins.resolve("empty"), row("empty").message());
    assertTrue(row("loose.jar").message().startsWith("plugin jars go in a directory per plugin"));
    assertEquals(1.0, failures("readme", "not-a-plugin"));
    assertHostWorks();
  }

  @Test
  void refusesTwoPluginJarsInOneDirectory() throws IOException {
    Path twice = PluginJars.fixturePlugin(plugins, "twice", Map.of("id", "twice"));
    Files.copy(twice.resolve("twice.jar"), twice.resolve("twice-0.9.jar"));
    start();
    assertEquals(PluginState.FAILED, row("twice").state());
    assertEquals(twice + " holds 2 plugin jars [twice-0.9.jar, twice.jar]; keep one (an old"
        + " version left next to a new one?)", row("twice").message());
    assertEquals(1.0, failures("twice", "not-a-plugin"));
    assertHostWorks();
  }

  @Test
  void refusesAMalformedDescriptor() throws IOException {
    PluginJars.fixturePlugin(plugins, "shouty", Map.of("id", "Shouty_Plugin"));
    PluginJars.fixturePlugin(plugins, "badversion", Map.of("id", "badversion", "spi", "one"));
    start();
    assertTrue(manager.plugins().stream().anyMatch(p -> p.state() == PluginState.FAILED
        && p.message().contains("plugin id 'Shouty_Plugin' from " + plugins.resolve("shouty")
        + " is malformed")), manager.plugins().toString());
    assertTrue(row("badversion").message().contains("bad SPI version range: 'one' is not a"
        + " version range"), row("badversion").message());
    assertHostWorks();
  }

  @Test
  void combinesReadinessVotesNamingThePlugins() throws IOException {
    PluginJars.fixturePlugin(plugins, "warming", Map.of("id", "warming", "not.ready",
        "cache 40% warm"));
    config.put("plugins.warming.enabled", "true");
    start();
    assertEquals(Readiness.notReady("warming: cache 40% warm"),
        manager.lifecycleHooks().readiness());
  }

  @Test
  void closeStopsPluginsAndRemovesTheirHooks() throws IOException {
    start();
    assertFalse(manager.readHooks().isEmpty());
    manager.close();
    assertEquals(PluginState.STOPPED, row("healthy").state());
    assertTrue(manager.readHooks().isEmpty());
    assertSame(ReadDecision.PROCEED, manager.readHooks().beforeRead(read("healthy/k")));
  }

  @Test
  void startTwiceIsAnError() throws IOException {
    start();
    assertThrows(IllegalStateException.class, manager::start);
  }

  @Test
  void hostContextClassLoaderIsRestoredAfterAHook() throws IOException {
    start();
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    assertArrayEquals("healthy:size=10:tccl=true".getBytes(StandardCharsets.UTF_8),
        manager.readHooks().beforeRead(read("healthy/x")).value());
    assertSame(before, Thread.currentThread().getContextClassLoader());
  }
}
