package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-leader-distribution} (seed project 33): leaders per server across every
 * store version from Helix's external view ({@code GET /cluster/leader-distribution}), the
 * imbalance score and a bar per server; {@code --rebalance} warns, asks for confirmation ({@code
 * --yes} for scripts), asks the leader controller to rebalance the leaders of the stores above
 * {@code --threshold} ({@code POST /cluster/leader-rebalance}) and shows the distribution once
 * the leaders have stopped moving.
 */
@Command(name = "show-leader-distribution", mixinStandardHelpOptions = true,
    description = "Show how the partition leaders of every store version are spread over the"
        + " servers (Helix's external view): leaders and followers per server, a bar (#"
        + " leaders), the imbalance score (standard deviation / mean of leaders per live server;"
        + " 0 is even) for the cluster and per store. --rebalance moves the leaders of the"
        + " stores above --threshold back to the places Helix's rebalancer prefers, after a"
        + " warning and a confirmation. Exit status: 0 shown (and rebalanced), 1 refused or"
        + " failed, 2 usage error.",
    footer = {"", "A rebalance re-elects leaders: each moved partition's leader steps down and"
        + " its successor catches up, so writes to it pause briefly. A store whose partitions do"
        + " not divide evenly over the servers cannot reach 0 and keeps the best spread Helix"
        + " finds.", "",
        "Examples:",
        "  venice show-leader-distribution",
        "  venice show-leader-distribution --threshold 0.5 --json",
        "  venice show-leader-distribution --rebalance --yes --controller http://controller:5555"})
public final class ShowLeaderDistributionCommand extends StoreCommand.Base {
  /** How often the distribution is read again while leaders move. */
  private static final Duration POLL = Duration.ofMillis(500);
  /** Leaders are taken as settled when their counts have not changed for this long. */
  private static final Duration STEADY = Duration.ofSeconds(3);

  @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = "0.25",
      description = {"Stores whose leader imbalance score is above this are flagged, and"
          + " rebalanced with --rebalance (default: ${DEFAULT-VALUE}).",
          "Example: --threshold 0.5"})
  double threshold;

  @Option(names = "--rebalance", description = {"Rebalance the leaders of the stores above"
      + " --threshold (asks for confirmation).",
      "Example: --rebalance"})
  boolean rebalance;

  @Option(names = {"-y", "--yes"}, description = {"Confirm --rebalance without asking (scripts).",
      "Example: --rebalance --yes"})
  boolean yes;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
      description = {"With --rebalance, wait at most this long for the leaders to settle before"
          + " showing the result (default: ${DEFAULT-VALUE}).",
          "Example: --wait 120"})
  int waitSeconds;

  @Override
  public Integer call() {
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      throw new CliException("--threshold " + threshold + " is not allowed: expected an"
          + " imbalance score of 0 or more, e.g. 0.25");
    }
    if (waitSeconds < 0) {
      throw new CliException("--wait " + waitSeconds + " is not allowed: expected 0 or more");
    }
    ControllerClient admin = admin();
    JsonNode before = admin.leaderDistribution(threshold);
    if (!rebalance) {
      print(before, text(before));
      return 0;
    }
    List<String> stores = new ArrayList<>();
    before.path("storesAboveThreshold").forEach(s -> stores.add(s.asText()));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("before", before);
    if (stores.isEmpty()) {
      json.put("rebalance", null);
      print(json, text(before) + System.lineSeparator() + String.format(Locale.ROOT,
          "no store is above the threshold %.3f: nothing to rebalance", threshold));
      return 0;
    }
    String warning = "a leader rebalance moves the leaders of store(s) " + String.join(", ",
        stores) + " (imbalance above " + threshold + "): every moved partition's leader steps"
        + " down and its successor catches up, so writes to it pause briefly";
    if (!options.json) {
      spec.commandLine().getErr().println(text(before));
      spec.commandLine().getErr().println("WARNING: " + warning);
      spec.commandLine().getErr().flush();
    }
    if (!yes) {
      confirm(stores);
    }
    JsonNode started = admin.rebalanceLeaders(threshold, false);
    JsonNode after = awaitSteady(admin, before);
    json.put("warning", warning);
    json.put("rebalance", started);
    json.put("after", after);
    StringBuilder refused = new StringBuilder();
    started.path("stores").forEach(row -> {
      if (row.has("refused")) {
        refused.append("not rebalanced: store ").append(row.path("store").asText()).append(": ")
            .append(row.path("refused").asText()).append(System.lineSeparator());
      }
    });
    print(json, "rebalanced the leaders of " + String.join(", ", stores)
        + System.lineSeparator() + refused + text(after) + System.lineSeparator()
        + String.format(Locale.ROOT, "cluster leader imbalance %.3f -> %.3f",
            before.path("imbalance").path("score").asDouble(),
            after.path("imbalance").path("score").asDouble()));
    return 0;
  }

  /** Asks on the terminal; without one, refuses (a script passes {@code --yes}). */
  private void confirm(List<String> stores) {
    String what = "the leader rebalance of store(s) " + String.join(", ", stores);
    if (System.console() == null) {
      throw new CliException("refusing " + what + " without a confirmation: there is no"
          + " terminal to ask on; pass --yes to confirm from a script");
    }
    PrintWriter err = spec.commandLine().getErr();
    err.print("Type 'yes' to rebalance: ");
    err.flush();
    String answer;
    try {
      answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      throw new CliException("cancelled " + what + ": cannot read the answer (" + e.getMessage()
          + ")");
    }
    if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
      throw new CliException("cancelled " + what + ": the answer was not 'yes'");
    }
  }

  /**
   * Reads the distribution until the leader counts have not changed for {@link #STEADY} with at
   * least as many leaders as before (every handover done), or {@code --wait} is over.
   */
  private JsonNode awaitSteady(ControllerClient admin, JsonNode before) {
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    JsonNode last = admin.leaderDistribution(threshold);
    long unchangedSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      JsonNode next = admin.leaderDistribution(threshold);
      if (!leaders(next).equals(leaders(last))) {
        unchangedSince = System.nanoTime();
      }
      last = next;
      if (System.nanoTime() - unchangedSince >= STEADY.toNanos()
          && next.path("totalLeaders").asInt() >= before.path("totalLeaders").asInt()) {
        break;
      }
    }
    return last;
  }

  private static Map<String, Integer> leaders(JsonNode distribution) {
    Map<String, Integer> leaders = new LinkedHashMap<>();
    distribution.path("servers").forEach(s -> leaders.put(s.path("instance").asText(),
        s.path("leaders").asInt()));
    return leaders;
  }

  private String text(JsonNode d) {
    String nl = System.lineSeparator();
    JsonNode servers = d.path("servers");
    int max = 0;
    for (JsonNode s : servers) {
      max = Math.max(max, s.path("leaders").asInt());
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "cluster %s: %d leader(s) over %d server(s)", d.path("cluster").asText(),
        d.path("totalLeaders").asInt(), servers.size()));
    out.append(nl).append(String.format(Locale.ROOT, "%-28s %7s %9s  %s", "server", "leaders",
        "followers", "(# leader)"));
    for (JsonNode s : servers) {
      out.append(nl).append(String.format(Locale.ROOT, "%-28s %7d %9d  %s",
          s.path("instance").asText() + (s.path("live").asBoolean() ? "" : " (down)"),
          s.path("leaders").asInt(), s.path("followers").asInt(),
          ReplicaTables.bar(s.path("leaders").asInt(), 0, max)));
    }
    out.append(nl).append("leader imbalance ").append(ReplicaTables.imbalance(
        d.path("imbalance")));
    out.append(nl).append(String.format(Locale.ROOT, "%-28s %8s  %s", "store", "imbalance",
        "leaders per server"));
    for (JsonNode s : d.path("stores")) {
      out.append(nl).append(String.format(Locale.ROOT, "%-28s %8.3f%s %s",
          s.path("store").asText(), s.path("imbalance").path("score").asDouble(),
          s.path("aboveThreshold").asBoolean() ? "!" : " ", s.path("leaders")));
    }
    out.append(nl).append(String.format(Locale.ROOT, "stores above the threshold %.3f: %s",
        d.path("threshold").asDouble(), d.path("storesAboveThreshold").size() == 0 ? "none"
            : ReplicaTables.limited(d.path("storesAboveThreshold"), Integer.MAX_VALUE)));
    return out.toString();
  }
}
