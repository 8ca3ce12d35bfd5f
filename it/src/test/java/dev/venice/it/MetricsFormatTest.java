package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every process's {@code /metrics}, idle and after a push and reads with plugins on, carries the
 * JVM and process meters, the plugins' meters under their host-given prefixes, one label set per
 * sample name, and passes Prometheus's own linter, {@code promtool check metrics} (fetched by
 * {@code bin/test-tools/promtool}). The cluster is started as an operator would switch plugins on:
 * one plugin directory and the same {@code plugins.<id>.enabled=true} for every process, so each
 * process starts the plugins meant for it and lists the others as not applicable, without errors.
 */
class MetricsFormatTest {
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // one plugin directory, as an operator lays it out, holding the modules' built plugins
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("bloom-filter"),
        Path.of(System.getProperty("server.plugin.dir"), "bloom-filter"));
    Files.createSymbolicLink(plugins.resolve("audit-log"),
        Path.of(System.getProperty("controller.plugin.dir"), "audit-log"));
    LocalCluster.Builder builder = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms");
    for (String key : List.of("plugin.dir", "plugins.bloom-filter.enabled",
        "plugins.audit-log.enabled")) {
      String value = key.equals("plugin.dir") ? plugins.toString() : "true";
      builder.controllerConfig(key, value).serverConfig(key, value).routerConfig(key, value);
    }
    cluster = builder.build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Map<String, String> processes() {
    Map<String, String> processes = new LinkedHashMap<>();
    processes.put("controller", cluster.controllerUrl());
    processes.put("server", cluster.servers().get(0).adminUrl());
    processes.put("router", cluster.routerUrl());
    return processes;
  }

  @Test
  void eachProcessStartsItsOwnPluginsAndListsTheOthersAsNotApplicable() {
    Map<String, PluginManager> managers = Map.of("controller", cluster.controllers().get(0)
        .plugins(), "server", cluster.servers().get(0).plugins(), "router",
        cluster.routers().get(0).plugins());
    Map<String, Map<String, PluginState>> expected = Map.of(
        "controller", Map.of("audit-log", PluginState.STARTED,
            "bloom-filter", PluginState.NOT_APPLICABLE),
        // audit-log runs everywhere since 1.2 (it records denied reads on servers and routers)
        "server", Map.of("audit-log", PluginState.STARTED,
            "bloom-filter", PluginState.STARTED),
        "router", Map.of("audit-log", PluginState.STARTED,
            "bloom-filter", PluginState.NOT_APPLICABLE));
    expected.forEach((process, states) -> states.forEach((id, state) -> {
      PluginInfo row = managers.get(process).plugins().stream().filter(p -> p.id().equals(id))
          .findFirst().orElseThrow(() -> new AssertionError(process + " lists no " + id));
      assertEquals(state, row.state(), process + " " + row);
    }));
    managers.forEach((process, manager) -> assertTrue(manager.plugins().stream()
        .noneMatch(p -> p.state() == PluginState.FAILED), process + ": " + manager.plugins()));
  }

  @Test
  void everyProcessPassesPromtoolIdleAndAfterTraffic() throws Exception {
    Map<String, String> idle = new LinkedHashMap<>();
    for (Map.Entry<String, String> process : processes().entrySet()) {
      idle.put(process.getKey(), checked(process.getKey(), process.getValue()));
    }
    for (String text : idle.values()) {
      for (String family : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_",
          "jvm_classes_loaded_", "system_cpu_logical_processors", "process_cpu_seconds_total",
          "process_uptime_seconds", "process_start_time_seconds", "process_files_open_files"}) {
        assertTrue(text.contains(family), "/metrics lacks " + family);
      }
    }

    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore("metered", Schemas.KEY, Schemas.USER_V1, 2, 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), "metered",
        Files.write(dir.resolve("metered.jsonl"), lines)).run();
    cluster.awaitRoutable("metered", Duration.ofSeconds(60));
    admin.updateStore("metered", Map.of("numVersionsToPreserve", 2));
    try (StoreClient<String, GenericRecord> fast = VeniceClients
            .builder(cluster.routerUrl(), "metered").fast();
        StoreClient<String, GenericRecord> thin = VeniceClients
            .builder(cluster.routerUrl(), "metered").thin()) {
      for (int i = 0; i < 50; i++) {
        assertEquals(i, fast.get("k" + i).join().get("age"));
        assertEquals(i, thin.get("k" + i).join().get("age"));
        assertNull(fast.get("absent-" + i).join());
      }
      assertEquals(20, fast.batchGet(Set.of("k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9",
          "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19", "k20")).join()
          .size());
    }
    LocalCluster.waitFor("the audit event published", Duration.ofSeconds(30), () ->
        Scrape.sum(Scrape.metrics(cluster.controllerUrl()),
            "venice_controller_audit_log_published_total", null) > 0);

    Map<String, String> after = new LinkedHashMap<>();
    for (Map.Entry<String, String> process : processes().entrySet()) {
      after.put(process.getKey(), checked(process.getKey(), process.getValue()));
    }
    assertTrue(Scrape.sum(after.get("server"), "venice_server_bloom_filter_short_circuits_total",
        null)
        > 0, "the server plugin's meters are under venice.server.bloom.filter.");
    assertTrue(after.get("server").contains("venice_server_read_keys_total"));
    assertTrue(after.get("router").contains("venice_router_"), "the router served reads");
  }

  /** Fetches a process's {@code /metrics} and checks it; returns the text. */
  private static String checked(String process, String url) throws Exception {
    String text = Scrape.metrics(url);
    assertEquals("", Promtool.checkMetrics(text), process + ": promtool check metrics found problems");
    assertEquals("", mixedLabelSets(text), process + ": a sample name with two label sets");
    assertEquals(0.0, Scrape.sum(text, "venice_metrics_denied_total", null), process
        + ": a meter was registered with other tag keys than its name's first");
    assertTrue(!text.contains("venice_plugins_failures"), process + ": a plugin failed");
    return text;
  }

  /**
   * Sample names exported with more than one set of label names ({@code le} and {@code quantile}
   * aside, which a histogram's or summary's own samples add); empty when there is none.
   */
  private static String mixedLabelSets(String text) {
    Pattern sampleLine = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? \\S+.*$");
    Pattern labelName = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    Map<String, Set<String>> labelSets = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = sampleLine.matcher(line);
      if (line.startsWith("#") || !m.matches()) {
        continue;
      }
      Set<String> names = new TreeSet<>();
      Matcher label = labelName.matcher(m.group(2) == null ? "" : m.group(2));
      while (label.find()) {
        names.add(label.group(1));
      }
      names.removeAll(Set.of("le", "quantile"));
      labelSets.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(String.join(",", names));
    }
    return labelSets.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "));
  }
}
