package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-hot-partitions}: asks the controller's hot-partitions plugin for its latest
 * evaluation ({@code GET /plugins/hot-partitions/skew[?store=S][&refresh=true]}), in which the
 * controller gathered every server's per-partition rates through its cluster view, summed the
 * replicas and computed each store's skew; prints per store the skew line, the busiest partitions
 * (rate, share, replicas, HOT) and the servers that did not answer.
 */
@Command(name = "show-hot-partitions", mixinStandardHelpOptions = true,
    description = "Show partitions read much more than their store's others: the hot-partitions"
        + " plugin's evaluation on the controller (key lookups/s per partition, replicas summed;"
        + " skew = max partition rate / mean; a partition is HOT at skew-threshold times the"
        + " mean, default 10). Needs plugins.hot-partitions.enabled=true on the controllers and"
        + " servers. Servers that did not answer are named. Exit status: 0 shown, 1 the store"
        + " does not exist or the controller does not run the plugin, 2 usage error.",
    footer = {"", "Rates are those of each server's last complete rate-window (default 10 s);"
        + " the controller evaluates every evaluation-interval (default 30 s), or now with"
        + " --refresh.", "",
        "Examples:",
        "  venice show-hot-partitions",
        "  venice show-hot-partitions --store users --refresh",
        "  venice show-hot-partitions --store users --top 5 --json"})
public final class ShowHotPartitionsCommand extends StoreCommand.Base {
  static final String PATH = "/plugins/hot-partitions/skew";
  /**
   * How long {@code --refresh} waits for the controller: its gather takes up to {@code
   * server-timeout} (default 5 s, at most 1 min) per round of {@code cluster.view.max.parallel.calls}
   * (default 8) servers, so 5 minutes covers 480 servers at the defaults; the other requests keep
   * the usual 30 s.
   */
  static final Duration REFRESH_WAIT = Duration.ofMinutes(5);

  @Option(names = {"-s", "--store"}, description = {"Only this store (default: every store"
      + " evaluated).",
      "Example: --store users"})
  String store;

  @Option(names = "--top", paramLabel = "N", defaultValue = "10",
      description = {"How many partitions to show per store, busiest first (default"
          + " ${DEFAULT-VALUE}).",
          "Example: --top 5"})
  int top;

  @Option(names = "--refresh", description = {"Have the controller evaluate now (asking every"
      + " server; waits up to 5 minutes for it) instead of showing its latest evaluation.",
      "Example: --refresh"})
  boolean refresh;

  @Override
  public Integer call() {
    if (top < 1) {
      throw new CliException("--top " + top + " is not allowed: expected 1 or more");
    }
    ControllerClient admin = admin();
    List<String> query = new ArrayList<>();
    if (store != null) {
      if (store.isBlank()) {
        throw new CliException("--store is empty: give a store name");
      }
      String encoded = URLEncoder.encode(store, StandardCharsets.UTF_8);
      try {
        admin.send("GET", "/stores/" + encoded, null);
      } catch (ControllerException e) {
        if (e.status() == 404) {
          throw new CliException("store " + store + " does not exist");
        }
        throw e;
      }
      query.add("store=" + encoded);
    }
    if (refresh) {
      query.add("refresh=true");
    }
    JsonNode answer;
    try {
      ControllerClient evaluations = refresh
          ? new ControllerClient(admin.url(), "anonymous", REFRESH_WAIT) : admin;
      answer = evaluations.send("GET", PATH + (query.isEmpty() ? "" : "?"
          + String.join("&", query)), null);
    } catch (ControllerException e) {
      if (e.status() == 404 && !e.getMessage().contains("does not exist")) {
        throw new CliException("the hot-partitions plugin is not running on the controller at "
            + options.controllerUrl() + " (GET " + PATH + " answered 404); enable it with"
            + " plugins.hot-partitions.enabled=true on the controllers and servers");
      }
      if (e.status() == 404) {
        throw new CliException(e.getMessage());
      }
      throw e;
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode s : answer.path("stores")) {
      cut((ObjectNode) s);
      if (text.length() > 0) {
        text.append(System.lineSeparator());
      }
      text.append(describe(s));
    }
    if (text.length() == 0) {
      text.append("(no store evaluated yet: run with --refresh, or wait for the controller's"
          + " next evaluation)");
    }
    print(answer, text.toString());
    return 0;
  }

  /** Keeps the {@code --top} busiest partitions (the endpoint lists them busiest first). */
  private void cut(ObjectNode s) {
    if (s.path("partitions") instanceof ArrayNode partitions) {
      while (partitions.size() > top) {
        partitions.remove(partitions.size() - 1);
      }
    }
  }

  private static String describe(JsonNode s) {
    StringBuilder text = new StringBuilder();
    String name = s.path("store").asText();
    if (!s.path("enabled").asBoolean(true)) {
      return "store " + name + ": hot-partitions is switched off for this store"
          + " (plugins.hot-partitions.enabled=false in its settings)";
    }
    text.append(String.format(Locale.ROOT, "store %s version %d: skew %.2f (threshold %.1f),"
        + " %.2f lookups/s over %d partitions (mean %.2f/s), evaluated %s", name,
        s.path("version").asInt(), s.path("skew").asDouble(), s.path("threshold").asDouble(),
        s.path("totalRate").asDouble(), s.path("partitionCount").asInt(),
        s.path("meanRate").asDouble(), s.path("evaluatedAt").asText()));
    int counted = s.path("countedPartitions").asInt(s.path("partitionCount").asInt());
    if (counted < s.path("partitionCount").asInt()) {
      text.append(String.format(Locale.ROOT, " (mean over the %d partitions with a replica on"
          + " a server that answered)", counted));
    }
    List<String> hot = new ArrayList<>();
    s.path("hotPartitions").forEach(p -> hot.add(p.asText()));
    text.append(hot.isEmpty() ? "; no hot partition" : "; HOT: partition "
        + String.join(", ", hot));
    if (!s.path("note").isNull() && !s.path("note").asText().isEmpty()) {
      text.append(System.lineSeparator()).append("  note: ").append(s.path("note").asText());
    }
    if (s.path("partitions").size() > 0) {
      text.append(String.format(Locale.ROOT, "%n  %9s  %12s  %7s  %8s", "partition", "rate/s",
          "share", "replicas"));
      for (JsonNode p : s.path("partitions")) {
        text.append(String.format(Locale.ROOT, "%n  %9d  %12.2f  %6.2f%%  %8d%s",
            p.path("partition").asInt(), p.path("rate").asDouble(),
            p.path("share").asDouble() * 100, p.path("replicas").asInt(),
            p.path("hot").asBoolean() ? "  HOT" : ""));
      }
    } else {
      text.append(System.lineSeparator()).append("  (no lookups counted in the last window)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("serversNotAnswering").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      text.append(System.lineSeparator()).append("  not answering: ").append(m.getKey())
          .append(" (").append(m.getValue().asText()).append(')');
    }
    return text.toString();
  }
}
