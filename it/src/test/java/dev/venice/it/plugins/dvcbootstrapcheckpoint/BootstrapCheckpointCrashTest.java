package dev.venice.it.plugins.dvcbootstrapcheckpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.DaVinciChild;
import dev.venice.it.Data;
import dev.venice.it.Schemas;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dvc-bootstrap-checkpoint crash test (seed project 21): a Da Vinci client in a JVM of its own
 * ({@link DaVinciChild}) bootstraps a 200,000-record store and is killed with SIGKILL at a random
 * point of its bootstrap, ten times in a row; every restart must resume from its checkpoint (no
 * partition starts over), and the restart after the last kill must complete and hold exactly the
 * pushed data. Prints the time a resumed start took against a full bootstrap of the same store.
 */
class BootstrapCheckpointCrashTest {
  private static final int RECORDS = 200_000;
  private static final int PARTITIONS = 4;
  private static final int KILLS = 10;
  /** A slow disk, so each bootstrap takes seconds and the kills land inside it. */
  private static final long DELAY_NANOS_PER_RECORD = 0;
  private static final Pattern PROGRESS = Pattern.compile(
      "PROGRESS applied=(\\d+) resumed=(\\d+) startedOver=(\\d+) skipped=(\\d+) writes=(\\d+)");
  private static final Pattern READY = Pattern.compile("READY ms=(\\d+) resumed=(\\d+)"
      + " skipped=(\\d+) sinceStartMs=(\\d+)");
  private static LocalCluster cluster;

  @TempDir static Path files;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore("boot", Schemas.KEY, Schemas.USER_V1, PARTITIONS, 1);
    PushJob.create(cluster.controllerUrl(), "boot",
        Data.userLines(files.resolve("boot.jsonl"), "k-", RECORDS, 0)).run();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A child JVM and the lines it printed so far. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder output = new StringBuilder();

    /**
     * Starts a child; {@code classArchive} is the class-data-sharing archive the first child writes
     * at its exit ({@code dump}; it does not read its data back) and the others map ({@code
     * !dump}): over twelve JVM starts under a busy CI load, class loading otherwise dominates.
     */
    Child(Path data, String checkpoints, Path classArchive, boolean dump) throws Exception {
      process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          (dump ? "-XX:ArchiveClassesAtExit=" : "-XX:SharedArchiveFile=") + classArchive,
          "-cp", DaVinciChild.classPath(), DaVinciChild.class.getName(), "bootstrap",
          cluster.zooKeeperAddress(), cluster.clusterName(), cluster.kafkaBootstrapServers(),
          data.toString(), "boot", checkpoints, Integer.toString(RECORDS),
          Long.toString(DELAY_NANOS_PER_RECORD), dump ? "no-check" : "check")
          .redirectErrorStream(true).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (java.io.IOException ended) {
          // the process was killed
        }
      }, "child-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line matching {@code pattern}; fails the test after {@code timeout}. */
    Matcher next(Pattern pattern, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("no line matching " + pattern + " within " + timeout
              + "; the child printed:\n" + output);
        }
        if (!line.startsWith("PROGRESS")) {
          output.append(line).append('\n');
        }
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher;
        }
        if (line.startsWith("RESULT")) {
          throw new AssertionError("the child failed: " + line + "\n" + output);
        }
      }
    }

    /** SIGKILL, as a crash: no shutdown hook, no close, no flush. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child did not die");
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  /** Whether the store's version-1 checkpoint file names every partition (its documented form). */
  private static boolean everyPartitionCheckpointed(String checkpoints) throws Exception {
    Path file = Path.of(checkpoints, "boot", "v1.checkpoint");
    if (!Files.exists(file)) {
      return false;
    }
    Properties checkpoint = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      checkpoint.load(in);
    } catch (java.nio.file.NoSuchFileException replacedMeanwhile) {
      return false;
    }
    return IntStream.range(0, PARTITIONS)
        .allMatch(p -> checkpoint.containsKey("partition." + p));
  }

  @Test
  void tenKillsAtRandomPointsEachRestartResumesAndTheLastEndsWithExactlyThePushedData()
      throws Exception {
    // a full bootstrap, for the comparison: no checkpoint plugin (its reads are the last run's)
    long fullMs;
    long fullSinceStartMs;
    Path classes = files.resolve("dvc-child.jsa");
    try (Child full = new Child(files.resolve("full"), "-", classes, true)) {
      Matcher ready = full.next(READY, Duration.ofMinutes(2));
      fullMs = Long.parseLong(ready.group(1));
      fullSinceStartMs = Long.parseLong(ready.group(4));
      full.next(Pattern.compile("^VERIFIED$"), Duration.ofMinutes(1));
      assertTrue(full.process.waitFor(60, TimeUnit.SECONDS)); // the archive is written at exit
    }
    Path data = files.resolve("data");
    String checkpoints = files.resolve("checkpoints").toString();
    Random random = new Random(); // new kill points every run: a failure prints the ones it hit
    List<String> kills = new ArrayList<>();
    for (int run = 0; run < KILLS; run++) {
      try (Child child = new Child(data, checkpoints, classes, false)) {
        Matcher progress = child.next(PROGRESS, Duration.ofMinutes(1));
        if (run > 0) { // every restart resumes: each partition was checkpointed before a kill
          while (Long.parseLong(progress.group(2)) + Long.parseLong(progress.group(3))
              < PARTITIONS) {
            progress = child.next(PROGRESS, Duration.ofMinutes(1));
          }
          assertEquals(PARTITIONS, Long.parseLong(progress.group(2)), "run " + run
              + " (after kills " + kills + "): " + progress.group(3)
              + " partitions started over\n" + child.output);
        }
        // kill at a random point of what is left (the first run once every partition is in a
        // checkpoint: one taken while partitions were still being subscribed lacks some)
        long left = RECORDS - Long.parseLong(progress.group(4));
        long target = (long) (random.nextDouble() * 0.5 * left);
        while (Long.parseLong(progress.group(1)) < target
            || (run == 0 && !everyPartitionCheckpointed(checkpoints))) {
          progress = child.next(PROGRESS, Duration.ofMinutes(1));
          assertTrue(child.lines.stream().noneMatch(l -> l.startsWith("READY")),
              "run " + run + " finished its bootstrap before the kill at " + target);
        }
        kills.add(progress.group(1) + "+" + progress.group(4));
        child.kill();
      }
    }
    try (Child last = new Child(data, checkpoints, classes, false)) {
      Matcher ready = last.next(READY, Duration.ofMinutes(2));
      long resumedMs = Long.parseLong(ready.group(1));
      assertEquals(PARTITIONS, Long.parseLong(ready.group(2)), last.output.toString());
      long skipped = Long.parseLong(ready.group(3));
      long resumedSinceStartMs = Long.parseLong(ready.group(4));
      last.next(Pattern.compile("^VERIFIED$"), Duration.ofMinutes(1));
      assertTrue(last.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, last.process.exitValue(), last.output.toString());
      System.out.printf("dvc-bootstrap-checkpoint crash test: %d SIGKILLs (records applied in the"
              + " run + offsets resumed: %s); the last restart resumed %,d of %,d offsets: its"
              + " bootstrap (subscribe to caught up) took %,d ms against %,d ms for a full one,"
              + " %.0f%% of the re-bootstrap time saved (from the JVM's start: %,d ms against"
              + " %,d ms)%n", KILLS, kills, skipped, RECORDS + PARTITIONS * 2, resumedMs, fullMs,
          100.0 * (fullMs - resumedMs) / fullMs, resumedSinceStartMs, fullSinceStartMs);
    }
  }
}
