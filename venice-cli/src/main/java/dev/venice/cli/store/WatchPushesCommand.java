package dev.venice.cli.store;

import dev.venice.cli.ControllerPlugins;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.common.meta.PushSummary;
import dev.venice.runtime.common.meta.VersionStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code venice watch-pushes} (seed project 13): a live table of the pushes in progress and those
 * started in the last 10 minutes, from one {@code GET /pushes} per refresh on the leader. On a
 * terminal the table is redrawn in place with ANSI cursor movements (cursor up, erase line,
 * erase below); when the output is not a terminal, {@code TERM=dumb} or {@code --plain}, each
 * refresh prints only the rows that changed, time-stamped, so a log or a pipe reads top to bottom.
 */
@Command(name = "watch-pushes", mixinStandardHelpOptions = true,
    description = "Watch pushes live: per push the store, version, start time, progress (completed"
        + " partitions / total), records written, an approximate ETA from the push job's"
        + " throughput estimate (with its ±20%% range; none while warming up or stalled) and the"
        + " status. Redrawn in place on a terminal; plain scrolling lines when the output is not a"
        + " terminal, TERM=dumb or --plain. One call to the leader controller per refresh. Runs"
        + " until Ctrl-C, or --until-idle. Exit status: 0 stopped, 1 the controller is"
        + " unreachable at the start, 2 usage error.",
    footer = {"", "ETA is the push job's estimate of when its last record is written; the"
        + " servers then finish ingesting (status WAITING_FOR_ONLINE).",
        "", "Examples:",
        "  venice watch-pushes",
        "  venice watch-pushes --store users --interval 1",
        "  venice watch-pushes --plain --until-idle > pushes.log",
        "  venice watch-pushes --json --until-idle"})
public final class WatchPushesCommand implements Callable<Integer> {
  private static final String CLEAR_LINE = "\033[2K";
  private static final String CLEAR_BELOW = "\033[J";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss",
      Locale.ROOT);

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = {"-s", "--store"}, description = {"Only this store's pushes (default: every"
      + " store's).", "Example: --store users"})
  String store;
  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
      description = {"Seconds between refreshes, from 0.2 (default 2).", "Example: --interval 1"})
  double intervalSeconds;
  @Option(names = "--plain", description = {"Plain scrolling output even on a terminal: the rows"
      + " that changed, time-stamped.", "Example: --plain"})
  boolean plain;
  @Option(names = "--until-idle", description = {"Stop once no push is in progress (after the"
      + " first refresh).", "Example: --until-idle"})
  boolean untilIdle;

  private final Map<String, String> lastRows = new HashMap<>();
  private boolean headerPrinted;
  private int drawnLines;

  @Override
  public Integer call() {
    if (!(intervalSeconds >= 0.2) || Double.isInfinite(intervalSeconds)) {
      throw new ParameterException(spec.commandLine(), "--interval must be at least 0.2 seconds;"
          + " got " + intervalSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    String leader = ControllerPlugins.leaderUrl(options.controllerUrl());
    ControllerClient controller = new ControllerClient(leader);
    boolean live = !plain && !options.json && System.console() != null
        && !"dumb".equals(System.getenv("TERM"));
    List<PushSummary> pushes = controller.pushes(store); // a failure here ends the command
    while (true) {
      Instant now = Instant.now();
      if (options.json) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("time", now.toString());
        frame.put("pushes", pushes);
        out.println(Output.jsonLine(frame));
      } else if (live) {
        redraw(out, frame(leader, now, pushes, null));
      } else {
        printChanges(out, now, pushes);
      }
      out.flush();
      if (untilIdle && pushes.stream().noneMatch(p -> p.status() == VersionStatus.STARTED)) {
        return 0;
      }
      LockSupport.parkNanos((long) (intervalSeconds * 1e9));
      if (Thread.interrupted()) {
        return 0;
      }
      try {
        pushes = controller.pushes(store);
      } catch (ControllerException unreachable) {
        // a fail-over or a restart: keep the last table, say so, try again next refresh
        if (live) {
          redraw(out, frame(leader, Instant.now(), pushes, unreachable.getMessage()));
        } else {
          out.println(time(Instant.now()) + " controller unreachable, retrying: "
              + unreachable.getMessage());
        }
      }
    }
  }

  /** The lines of one live frame: a title, the table, and a line for an error if there is one. */
  static List<String> frame(String controller, Instant now, List<PushSummary> pushes,
      String error) {
    List<String> lines = new ArrayList<>();
    lines.add("venice watch-pushes  " + controller + "  " + time(now)
        + "  (ETA approximate; Ctrl-C to stop)");
    if (error != null) {
      lines.add("controller unreachable, retrying: " + error);
    }
    lines.add("");
    if (pushes.isEmpty()) {
      lines.add("no push in progress or started in the last 10 minutes");
      return lines;
    }
    lines.add(header());
    pushes.forEach(p -> lines.add(row(p)));
    return lines;
  }

  static String header() {
    return String.format(Locale.ROOT, "%-24s %7s  %-8s  %-17s  %-14s  %-24s  %s", "STORE",
        "VERSION", "STARTED", "PROGRESS", "WRITTEN", "ETA (APPROX.)", "STATUS");
  }

  /** One push as a table row. */
  static String row(PushSummary push) {
    PushProgressReport progress = push.progress();
    String written = progress == null || progress.totalRecords() == 0 ? "-"
        : String.format(Locale.ROOT, "%.1f%%", 100.0 * progress.recordsWritten()
            / progress.totalRecords());
    return String.format(Locale.ROOT, "%-24s %7d  %-8s  %-17s  %-14s  %-24s  %s",
        push.store(), push.version(), time(Instant.ofEpochMilli(push.startedAtMs())),
        String.format(Locale.ROOT, "%5.1f%% (%d/%d)", push.progressPercent(),
            push.completedPartitions(), push.partitionCount()),
        written, eta(push), status(push));
  }

  /**
   * The ETA column: {@code ~12s (10s-14s)} while the job writes at a measured rate; {@code -}
   * when there is no estimate (warming up, stalled, not reporting, ended).
   */
  static String eta(PushSummary push) {
    PushProgressReport progress = push.progress();
    if (progress == null || progress.etaSeconds() == null) {
      return "-";
    }
    return "~" + duration(progress.etaSeconds()) + " (" + duration(progress.etaLowSeconds())
        + "-" + duration(progress.etaHighSeconds()) + ")";
  }

  private static String status(PushSummary push) {
    PushProgressReport progress = push.progress();
    if (push.status() != VersionStatus.STARTED || progress == null) {
      return push.status().name();
    }
    if (progress.phase().equals("WAITING_FOR_ONLINE")) {
      return "WAITING_FOR_ONLINE";
    }
    return switch (progress.state()) {
      case "STALLED" -> "STALLED (no record written lately)";
      case "NOT_REPORTING" -> "STARTED (push job not reporting)";
      case "WARMING_UP" -> "WRITING (warming up)";
      default -> String.format(Locale.ROOT, "WRITING %,.0f rec/s", progress.recordsPerSecond());
    };
  }

  /** Seconds as {@code 45s}, {@code 3m05s} or {@code 1h02m}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
  }

  /** Moves the cursor back over the last frame and draws {@code lines} over it. */
  private void redraw(PrintWriter out, List<String> lines) {
    StringBuilder screen = new StringBuilder();
    if (drawnLines > 0) {
      screen.append("\r\033[").append(drawnLines).append('A');
    }
    for (String line : lines) {
      screen.append(CLEAR_LINE).append(line).append('\n');
    }
    screen.append(CLEAR_BELOW);
    out.print(screen);
    drawnLines = lines.size();
  }

  /** Plain output: the header once, then each row whose content changed, time-stamped. */
  private void printChanges(PrintWriter out, Instant now, List<PushSummary> pushes) {
    if (!headerPrinted) {
      headerPrinted = true;
      out.println("TIME      " + header());
      if (pushes.isEmpty()) {
        out.println(time(now) + "  no push in progress or started in the last 10 minutes");
      }
    }
    for (PushSummary push : pushes) {
      String row = row(push);
      String key = push.store() + "_v" + push.version();
      if (!row.equals(lastRows.put(key, row))) {
        out.println(time(now) + "  " + row);
      }
    }
  }

  private static String time(Instant instant) {
    return LocalTime.ofInstant(instant, ZoneId.systemDefault()).format(CLOCK);
  }
}
