package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the distribution's {@code bin/venice} (unpacked where the system property {@code
 * venice.distribution} says) as an operator would, against one controller.
 */
public final class DistributionCli {
  private DistributionCli() {}

  /**
   * A finished run of {@code venice}.
   *
   * @param status its exit status
   * @param output what it printed, standard output and error interleaved
   */
  public record Result(int status, String output) {}

  /**
   * Runs {@code venice <args> --controller <controllerUrl>} with this JVM's Java and a small heap;
   * fails the test unless it exits 0 within 90 s.
   *
   * @return what it printed (standard output and error)
   */
  public static String venice(String controllerUrl, String... args) throws Exception {
    Result result = run(controllerUrl, args);
    assertEquals(0, result.status(), "venice " + String.join(" ", args) + ": "
        + result.output());
    return result.output();
  }

  /**
   * Runs {@code venice <args> --controller <controllerUrl>} as {@link #venice} does, whatever its
   * exit status (for the failures a test expects); fails the test unless it ends within 90 s.
   */
  public static Result run(String controllerUrl, String... args) throws Exception {
    // a short command: C1 and one GC thread start faster on a busy 2-core machine
    return runWithJavaOptions("-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC", controllerUrl,
        args);
  }

  /**
   * Runs {@code venice <args> --controller <controllerUrl>} as {@link #run} does, with these JVM
   * options ({@code VENICE_JAVA_OPTS}, such as a heap cap) instead of the small heap.
   */
  public static Result runWithJavaOptions(String javaOptions, String controllerUrl,
      String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("venice.distribution"), "bin", "venice").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("--controller", controllerUrl));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin")
        + File.pathSeparator + builder.environment().getOrDefault("PATH", ""));
    builder.environment().put("VENICE_JAVA_OPTS", javaOptions);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "venice " + String.join(" ", args));
    return new Result(process.exitValue(), output);
  }
}
