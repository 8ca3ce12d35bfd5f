package dev.venice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.testkit.sample.GoodPlugin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class TestingPluginContextTest {
  private static TestingPluginContext context(Map<String, String> config) throws Exception {
    return TestingPluginContext.builder(new GoodPlugin()).config(config).build();
  }

  @Test
  void theProcessConfigurationIsCheckedAsAHostChecksIt() throws Exception {
    assertEquals(20, context(Map.of("limit", "20")).config().get(GoodPlugin.LIMIT));
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> context(Map.of("limt", "20")));
    assertTrue(unknown.getMessage().contains("plugins.good.limt"), unknown.getMessage());
    ConfigException refused = assertThrows(ConfigException.class,
        () -> context(Map.of("limit", "13")));
    assertEquals("plugins.good.limit", refused.key(), "the plugin's validate ran");
    assertThrows(IllegalArgumentException.class,
        () -> TestingPluginContext.builder(new GoodPlugin()).processKind(ProcessKind.CLIENT)
            .build());
  }

  @Test
  void theMetricPrefixUsesDotsForDashes() throws Exception {
    assertEquals("venice.server.good.", context(Map.of()).metricPrefix());
    assertEquals("venice.da.vinci.client.bloom.filter.",
        ProcessKind.DA_VINCI_CLIENT.metricPrefix("bloom-filter"));
  }

  @Test
  void storeSettingsAreLayeredRebuiltAndKeepTheLastGood() throws Exception {
    try (TestingPluginContext context = context(Map.of("limit", "20"))) {
      StoreSettings<Integer> limits = context.storeSettings(c -> c.get(GoodPlugin.LIMIT));
      assertEquals(20, limits.processWide());
      assertEquals(20, limits.get("unknown"), "an unknown store: the process's");

      context.putStoreSettings("s", Map.of("limit", "30"));
      assertEquals(30, limits.get("s"), "the store's value over the process's");
      context.putStoreSettings("s", Map.of("limit", "40"));
      assertEquals(40, limits.get("s"), "rebuilt on change");

      context.putStoreSettings("s", Map.of("limit", "13"));
      assertEquals(40, limits.get("s"), "validate refused: the last good stays");
      assertTrue(context.storeErrors().get("s").contains("plugins.good.limit=13"),
          context.storeErrors().toString());
      context.putStoreSettings("s", Map.of("pause", "1s"));
      assertEquals(40, limits.get("s"), "a process-only key refused");
      assertTrue(context.storeErrors().get("s").contains("per process only"));

      context.putStoreSettings("t", Map.of("limit", "many"));
      assertEquals(20, limits.get("t"), "bad before any good: the process's");
      context.putStoreSettings("t", Map.of());
      assertFalse(context.storeErrors().containsKey("t"), "cleared by a good change");
    }
  }

  @Test
  void unreadableMetadataGivesTheProcessWideSettingsWithoutCaching() throws Exception {
    try (TestingPluginContext context = context(Map.of())) {
      context.stores().put("s", Map.of("plugins.good.limit", "30"));
      StoreSettings<Integer> limits = context.storeSettings(c -> c.get(GoodPlugin.LIMIT));
      context.stores().unavailable(true);
      assertEquals(10, limits.get("s"));
      assertTrue(context.enabledForStore("s"));
      context.stores().unavailable(false);
      assertEquals(30, limits.get("s"));
    }
  }

  @Test
  void theStoreSwitchFollowsTheStoresSettingsElseTheProcessDefault() throws Exception {
    try (TestingPluginContext context = context(Map.of())) {
      assertTrue(context.enabledForStore("s"));
      context.putStoreSettings("s", Map.of("enabled", "false"));
      assertFalse(context.enabledForStore("s"));
      context.putStoreSettings("s", Map.of("enabled", "maybe"));
      assertFalse(context.enabledForStore("s"), "a bad switch keeps the last decision");
      assertTrue(context.storeErrors().get("s").contains("plugins.good.enabled"));
    }
    try (TestingPluginContext optIn = context(Map.of("stores-enabled-by-default", "false"))) {
      assertFalse(optIn.enabledForStore("s"));
      optIn.putStoreSettings("s", Map.of("enabled", "true"));
      assertTrue(optIn.enabledForStore("s"));
    }
  }

  @Test
  void closeStopsThePluginAndShutsTheSchedulerDown() throws Exception {
    GoodPlugin plugin = new GoodPlugin();
    TestingPluginContext context = TestingPluginContext.builder(plugin).build();
    context.start();
    ScheduledExecutorService scheduler = context.scheduler();
    assertEquals(1, context.storeSettingsRequested().size());
    assertSame(plugin.limits, context.storeSettingsRequested().get(0));
    context.close();
    assertTrue(scheduler.isTerminated());
    assertEquals(0, context.stores().listenerCount(), "the context's listener removed");
    assertThrows(IllegalStateException.class, context::start);
  }

  @Test
  void theManualClockMovesOnlyWhenAdvanced() {
    ManualTimeSource clock = new ManualTimeSource(Instant.parse("2030-01-01T00:00:00Z"));
    assertEquals(0, clock.nanoTime());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(1_500_000_000L, clock.nanoTime());
    assertEquals(Instant.parse("2030-01-01T00:00:01.500Z"), clock.now());
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
  }

  @Test
  void theClusterViewAnswersPerMemberAndNeverFails() throws Exception {
    ClusterMember a = new ClusterMember("a_1", ProcessKind.SERVER, "http://a", "a:1");
    ClusterMember b = new ClusterMember("b_1", ProcessKind.SERVER, "http://b", "b:1");
    ClusterMember c = new ClusterMember("c_1", ProcessKind.CONTROLLER, "http://c", null);
    TestingClusterView view = new TestingClusterView().members(List.of(b, c, a))
        .answerWith(call -> {
          if (call.member() == b) {
            throw new IllegalStateException("b is down");
          }
          return new EndpointResult(call.member(), 200, call.path(), null);
        });
    assertEquals(List.of(a, b, c), view.members());
    assertEquals(List.of(a, b), view.members(ProcessKind.SERVER));
    List<EndpointResult> answers = view.callPlugin(List.of(a, b), "good", "top?n=1",
        Duration.ofSeconds(1)).join();
    assertEquals("top?n=1", answers.get(0).body());
    assertFalse(answers.get(1).ok());
    assertTrue(answers.get(1).error().contains("b is down"));
    assertEquals(2, view.calls().size());

    try (TestingPluginContext server = context(Map.of())) {
      assertTrue(server.host().cluster().isPresent(), "servers have a cluster view");
    }
  }

  @Test
  void awaitReturnsOnceTrueAndOtherwiseNamesWhatItWaitedFor() {
    Await.until(() -> true, Duration.ZERO, () -> "nothing");
    AssertionError failed = assertThrows(AssertionError.class,
        () -> Await.until(() -> false, Duration.ofMillis(20), () -> "the moon"));
    assertTrue(failed.getMessage().contains("the moon"), failed.getMessage());
  }
}
