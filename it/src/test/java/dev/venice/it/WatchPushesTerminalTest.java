package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice watch-pushes} in a real terminal (tmux, installed by {@code .ci/run} when
 * missing) during a real 50,000-record push paced at 2,500 records a second (about 20 s): the
 * table is redrawn in place (the store's row is on the screen once, never scrolled), shows an ETA
 * whose predicted finish, in the last half of the push, lies within 20% of the push's duration of
 * the actual finish (the version online), and ends at 100% (every partition completed) and ONLINE.
 * With {@code TERM=dumb} the same command prints plain scrolling lines. It runs alone in a whole
 * run ({@code it.alone}): on 2 cores a neighbouring test class starves the push now and then, and
 * a rate that changes mid-push is not one an ETA made before the change can know.
 */
class WatchPushesTerminalTest {
  private static final String STORE = "watched";
  private static final int RECORDS = 50_000;
  /** Records a second: the push writes for about 20 s. */
  private static final int RATE = 2_500;
  private static final Pattern ETA = Pattern.compile("~(\\S+) \\((\\S+)-(\\S+)\\)");
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static final String SOCKET = "venice-it-" + ProcessHandle.current().pid();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl()).createStore(STORE, Schemas.KEY,
        Schemas.USER_V1, 4, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    run("tmux", "-L", SOCKET, "kill-server");
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void liveTableShowsProgressAndAnEtaThatLandsNearTheFinish() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"user " + i + "\", \"age\": "
          + (i % 90) + "}}");
    }
    Path input = Files.write(dir.resolve("users.jsonl"), lines);
    String venice = Path.of(System.getProperty("venice.distribution"), "bin", "venice")
        .toString();
    String path = Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
        + System.getenv("PATH");
    assertEquals(0, run("tmux", "-L", SOCKET, "new-session", "-d", "-s", "watch", "-x", "160",
        "-y", "20", "env", "PATH=" + path, "TERM=xterm-256color", "VENICE_JAVA_OPTS=-Xmx128m",
        venice, "watch-pushes", "--interval", "0.5", "--controller", cluster.controllerUrl())
        .status(), "tmux new-session");
    awaitScreen("watch", screen -> screen.contains("venice watch-pushes  "),
        Duration.ofSeconds(60));

    AtomicLong writtenAtMs = new AtomicLong();
    CompletableFuture<PushJob.Result> push = CompletableFuture.supplyAsync(() -> PushJob
        .create(cluster.controllerUrl(), STORE, input).maxRecordsPerSecond(RATE)
        .progress(p -> {
          if (p.phase().equals("WAITING_FOR_ONLINE")) {
            writtenAtMs.set(System.currentTimeMillis());
          }
        }).run());
    // the screen, sampled every 200 ms while the push runs: (epoch ms read, ETA in seconds)
    List<double[]> etas = new ArrayList<>();
    while (!push.isDone()) {
      String screen = screen("watch");
      long now = System.currentTimeMillis();
      for (String line : screen.split("\\R")) {
        Matcher eta = ETA.matcher(line);
        if (line.startsWith(STORE) && eta.find()) {
          etas.add(new double[] {now, seconds(eta.group(1))});
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    PushJob.Result result = push.join();
    long finishedAtMs = System.currentTimeMillis();
    assertEquals(RECORDS, result.records());
    // the push as watch-pushes sees it: from the version's creation (after the job checked its
    // input) to online; the controller runs on this machine, so the clocks agree
    long startedAtMs = new ControllerClient(cluster.controllerUrl()).getStore(STORE)
        .version(result.version()).orElseThrow().createdAtMs();
    double finished = (finishedAtMs - startedAtMs) / 1000.0;
    double written = (writtenAtMs.get() - startedAtMs) / 1000.0;

    String end = awaitScreen("watch", screen -> screen.lines().anyMatch(l -> l.startsWith(STORE)
        && l.contains("100.0% (4/4)") && l.contains("ONLINE")), Duration.ofSeconds(30));
    String withHistory = run("tmux", "-L", SOCKET, "capture-pane", "-p", "-S", "-", "-t",
        "watch").output();
    assertEquals(1, withHistory.lines().filter(l -> l.startsWith(STORE)).count(),
        "the table is redrawn in place, not scrolled:\n" + withHistory);

    double half = finished / 2;
    double tolerance = 0.2 * finished;
    int inLastHalf = 0;
    StringBuilder report = new StringBuilder();
    double worst = 0;
    for (double[] reading : etas) {
      reading[0] = (reading[0] - startedAtMs) / 1000.0;
      if (reading[0] >= half) {
        inLastHalf++;
        double predicted = reading[0] + reading[1];
        worst = Math.max(worst, Math.abs(predicted - finished));
        report.append(String.format(Locale.ROOT, "at %.1f s: ETA %.0f s, finish predicted %.1f"
            + " s%n", reading[0], reading[1], predicted));
      }
    }
    String summary = String.format(Locale.ROOT, "push of %d records: written at %.1f s, online"
        + " at %.1f s after the version was created; %d ETA readings in the last half, worst miss %.1f s (allowed %.1f s)%n%s",
        RECORDS, written, finished, inLastHalf, worst, tolerance, report);
    System.out.println(summary);
    assertTrue(inLastHalf >= 5, "too few ETA readings in the last half: " + summary + end);
    assertTrue(worst <= tolerance, summary);

    // a terminal that cannot move the cursor (TERM=dumb): plain time-stamped lines
    assertEquals(0, run("tmux", "-L", SOCKET, "new-session", "-d", "-s", "dumb", "-x", "160",
        "-y", "20", "sh", "-c", "env PATH='" + path + "' TERM=dumb VENICE_JAVA_OPTS=-Xmx128m '"
            + venice + "' watch-pushes --until-idle --controller " + cluster.controllerUrl()
            + "; echo exited $?; exec cat").status(), "tmux new-session");
    String plain = awaitScreen("dumb", screen -> screen.contains("exited "),
        Duration.ofSeconds(60));
    assertTrue(plain.contains("exited 0"), plain);
    assertTrue(plain.startsWith("TIME      STORE"), plain);
    assertTrue(plain.lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d  " + STORE
        + " .*ONLINE")), plain);
  }

  private static double seconds(String duration) {
    Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(duration);
    assertTrue(m.matches(), duration);
    return (m.group(1) == null ? 0 : 3600 * Long.parseLong(m.group(1)))
        + (m.group(2) == null ? 0 : 60 * Long.parseLong(m.group(2)))
        + (m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
  }

  private static String screen(String session) throws Exception {
    return run("tmux", "-L", SOCKET, "capture-pane", "-p", "-t", session).output();
  }

  private static String awaitScreen(String session, Predicate<String> condition,
      Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String screen = screen(session);
    while (!condition.test(screen)) {
      assertTrue(System.nanoTime() < deadline, "the terminal never showed it; screen:\n"
          + screen);
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      screen = screen(session);
    }
    return screen;
  }

  private record Run(int status, String output) {}

  private static Run run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    return new Run(process.exitValue(), output);
  }
}
