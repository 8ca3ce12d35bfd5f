package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-partition-skew}: asks the controller's partition-skew plugin for a store
 * version's skew report ({@code GET /plugins/partition-skew/skew?store=S[&version=V]}), which the
 * controller gathers from every server through its cluster view, and for the store's last
 * end-of-push warning ({@code GET /plugins/partition-skew/warnings?store=S}); prints the
 * distribution of records and bytes over the partitions (min, max, mean, population standard
 * deviation, nearest-rank p99, coefficient of variation), each partition's numbers with the
 * replica they come from and why, and the servers that did not answer.
 */
@Command(name = "show-partition-skew", mixinStandardHelpOptions = true,
    description = "Show how evenly a store's data is spread over its partitions: records and"
        + " bytes per partition (each from one replica, the Helix leader's when it answered),"
        + " their min, max, mean, standard deviation, p99 and coefficient of variation (CV ="
        + " stddev / mean, the skew score), and the store's last end-of-push skew warning. Needs"
        + " plugins.partition-skew.enabled=true on the controllers and servers. Servers that do"
        + " not answer are named. Exit status: 0 shown, 1 the store does not exist, has no"
        + " version or the plugin is not running, 2 usage error.",
    footer = {"", "Standard deviation is the population one; p99 is the nearest-rank value."
        + " Record counts are RocksDB's estimates.", "",
        "Examples:",
        "  venice show-partition-skew --store users",
        "  venice show-partition-skew --store users --store-version 3 --json",
        "  venice show-partition-skew --store users --refresh --controller http://controller:5555"})
public final class ShowPartitionSkewCommand extends StoreCommand.Base {
  private static final String PATH = "/plugins/partition-skew/";

  /**
   * How long the {@code skew} request may take: the controller waits for every server's answer
   * ({@code gather-timeout} each, the host calling a bounded number at a time), which on a large
   * cluster outlasts {@link #admin()}'s 30 s.
   */
  static final Duration GATHER_WAIT = Duration.ofMinutes(5);

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--store-version", paramLabel = "V",
      description = {"The store version (default: the current one). Not --version: that prints"
          + " the CLI's own version.",
          "Example: --store-version 3"})
  Integer version;

  @Option(names = "--refresh", description = {"Have the servers take a fresh snapshot of their"
      + " partitions first (default: their background snapshot, at most stats-interval old).",
      "Example: --refresh"})
  boolean refresh;

  @Override
  public Integer call() {
    if (version != null && version < 1) {
      throw new CliException("--store-version " + version + " is not allowed: expected 1 or more");
    }
    ControllerClient admin = admin();
    Store s = existingStore(admin, store);
    int v = version != null ? version : s.currentVersion();
    if (v < 1) {
      throw new CliException("store " + store + " has no current version (nothing pushed yet)");
    }
    String encoded = URLEncoder.encode(store, StandardCharsets.UTF_8);
    JsonNode report;
    try {
      report = new ControllerClient(admin.url(), "anonymous", GATHER_WAIT).send("GET", PATH
          + "skew?store=" + encoded + "&version=" + v + (refresh ? "&refresh=true" : ""), null);
    } catch (ControllerException e) {
      String message = String.valueOf(e.getMessage());
      if (e.status() == 404 && !message.contains("does not exist")
          && !message.contains("no current version")) {
        throw new CliException("the partition-skew plugin is not running on the controller at "
            + options.controllerUrl() + " (GET " + PATH + "skew answered 404); enable it with"
            + " plugins.partition-skew.enabled=true");
      }
      throw new CliException("store " + store + " version " + v + ": " + message);
    }
    JsonNode warning = null;
    try {
      JsonNode warnings = admin.send("GET", PATH + "warnings?store=" + encoded, null)
          .path("warnings");
      warning = warnings.size() > 0 ? warnings.get(0) : null;
    } catch (ControllerException e) {
      // the report is shown without the warning
    }
    Map<String, Object> json = new LinkedHashMap<>();
    report.fields().forEachRemaining(e -> json.put(e.getKey(), e.getValue()));
    json.put("lastWarning", warning);
    print(json, text(report, warning));
    return 0;
  }

  private String text(JsonNode report, JsonNode warning) {
    String nl = System.lineSeparator();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "store %s version %d: %d partition(s) measured, %d server(s) answered",
        store, report.path("version").asInt(), report.path("partitions").size(),
        report.path("serversAnswered").size()));
    out.append(nl).append(String.format(Locale.ROOT, "%-8s %14s %14s %16s %16s %14s %8s", "",
        "min", "max", "mean", "stddev", "p99", "CV"));
    for (String measure : new String[] {"records", "bytes"}) {
      JsonNode m = report.path(measure);
      out.append(nl).append(String.format(Locale.ROOT,
          "%-8s %14d %14d %16.1f %16.1f %14d %8.3f", measure, m.path("min").asLong(),
          m.path("max").asLong(), m.path("mean").asDouble(), m.path("stddev").asDouble(),
          m.path("p99").asLong(), m.path("cv").asDouble()));
    }
    out.append(nl).append(nl).append(String.format(Locale.ROOT, "%9s %14s %14s  %s",
        "partition", "records", "bytes", "replica (why)"));
    for (JsonNode row : report.path("partitions")) {
      out.append(nl).append(String.format(Locale.ROOT, "%9d %14d %14d  %s (%s, %d replica(s)"
          + " answered)", row.path("partition").asInt(), row.path("records").asLong(),
          row.path("bytes").asLong(), row.path("replica").asText(), row.path("reason").asText(),
          row.path("replicasAnswered").asInt()));
    }
    if (report.path("missingPartitions").size() > 0) {
      out.append(nl).append("no answering replica for partition(s) ")
          .append(report.path("missingPartitions"));
    }
    for (JsonNode s : report.path("serversNotAnswering")) {
      out.append(nl).append("not answering: ").append(s.path("instance").asText()).append(" (")
          .append(s.path("reason").asText()).append(')');
    }
    out.append(nl).append(warning == null ? "no end-of-push skew warning"
        : String.format(Locale.ROOT, "last end-of-push warning: version %d, CV %.3f above %s,"
            + " largest partition %d (%d records)", warning.path("version").asInt(),
            warning.path("cv").asDouble(), warning.path("threshold").asText(),
            warning.path("largestPartition").path("partition").asInt(),
            warning.path("largestPartition").path("records").asLong()));
    return out.toString();
  }
}
