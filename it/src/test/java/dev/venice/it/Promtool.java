package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own {@code promtool check metrics} on an exposition text: the independent check
 * of every {@code /metrics} test. The tool comes from {@code bin/test-tools/promtool}, which
 * installs a pinned release on first use.
 */
public final class Promtool {
  private Promtool() {}

  /**
   * What {@code promtool check metrics} says about {@code text}; empty when it passes.
   *
   * @throws IOException when the tool cannot be run
   */
  public static String checkMetrics(String text) throws IOException, InterruptedException {
    Path script = Path.of(System.getProperty("venice.root", ".."), "bin", "test-tools",
        "promtool");
    Process promtool = new ProcessBuilder(script.toString(), "check", "metrics")
        .redirectErrorStream(true).start();
    promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(promtool.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
    return promtool.exitValue() == 0 ? "" : "exit " + promtool.exitValue() + ": " + output.trim();
  }
}
