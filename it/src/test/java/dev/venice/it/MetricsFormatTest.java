package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.localcluster.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every process's {@code /metrics}, read the moment the cluster is up (an idle router included),
 * is non-empty, carries the JVM and process meters, and passes Prometheus's own linter, {@code
 * promtool check metrics} (fetched by {@code bin/test-tools/promtool}).
 */
class MetricsFormatTest {
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1).build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyProcessServesJvmMetricsThatPromtoolAccepts() throws Exception {
    Map<String, String> processes = new LinkedHashMap<>();
    processes.put("controller", cluster.controllerUrl());
    processes.put("server", cluster.servers().get(0).adminUrl());
    processes.put("router", cluster.routerUrl());
    HttpClient http = HttpClient.newHttpClient();
    for (Map.Entry<String, String> process : processes.entrySet()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(process.getValue() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), process.getKey());
      String text = response.body();
      for (String family : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_",
          "jvm_classes_loaded_", "system_cpu_logical_processors", "process_cpu_seconds_total",
          "process_uptime_seconds", "process_start_time_seconds", "process_files_open_files"}) {
        assertTrue(text.contains(family), process.getKey() + " /metrics lacks " + family);
      }
      String lint = promtool(text);
      assertEquals("", lint, process.getKey() + ": promtool check metrics found problems");
    }
  }

  /** What {@code promtool check metrics} says about {@code text}; empty when it passes. */
  private static String promtool(String text) throws IOException, InterruptedException {
    Path script = Path.of(System.getProperty("venice.root", ".."), "bin", "test-tools",
        "promtool");
    Process promtool = new ProcessBuilder(script.toString(), "check", "metrics")
        .redirectErrorStream(true).start();
    promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(promtool.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
    return promtool.exitValue() == 0 ? "" : "exit " + promtool.exitValue() + ": " + output;
  }
}
