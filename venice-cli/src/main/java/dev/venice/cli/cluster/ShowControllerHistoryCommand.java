package dev.venice.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.ControllerPlugins;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code venice show-controller-history}: the cluster's controller leadership events as the
 * leadership-history plugin keeps them in ZooKeeper ({@code GET
 * /plugins/leadership-history/events} on any controller), newest first, with the leader now.
 */
@Command(name = "show-controller-history", mixinStandardHelpOptions = true,
    description = "Show recent gains and losses of the cluster's controller leadership, newest"
        + " first, ordered by ZooKeeper's transaction ids (needs"
        + " plugins.leadership-history.enabled=true on the controllers). Exit status: 0 shown,"
        + " 1 the plugin is not running or the controller is unreachable, 2 usage error.",
    footer = {"", "Times are the recording controller's clock (approximate across hosts); a"
        + " term's length is measured by one clock. \"inferred\": the controller could not"
        + " record its loss (crash, lost session); its successor did.", "",
        "Examples:",
        "  venice show-controller-history",
        "  venice show-controller-history --limit 5 --json"})
public final class ShowControllerHistoryCommand implements Callable<Integer> {
  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--limit", defaultValue = "20",
      description = {"At most this many events, the newest (1 to 1000; default ${DEFAULT-VALUE}).",
          "Example: --limit 5"})
  int limit;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 1_000) {
      throw new CliException("--limit " + limit + " is not allowed: expected 1 to 1000");
    }
    JsonNode answer = ControllerPlugins.get(options.controllerUrl(), "leadership-history",
        "events?limit=" + limit);
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "cluster %s, leader now: %s%n%n%-24s %-9s %-28s %-14s %s%n",
        answer.path("cluster").asText(), answer.path("leader").asText("none"), "OBSERVED (UTC)",
        "EVENT", "CONTROLLER", "TERM ZXID", "TERM LENGTH"));
    for (JsonNode event : answer.path("events")) {
      long durationMs = event.path("durationMs").asLong(-1);
      text.append(String.format(Locale.ROOT, "%-24s %-9s %-28s 0x%-12s %s%n",
          Instant.ofEpochMilli(event.path("observedAtMs").asLong()),
          event.path("type").asText(), event.path("instanceId").asText(),
          Long.toHexString(event.path("termZxid").asLong()),
          (durationMs < 0 ? "" : String.format(Locale.ROOT, "%.1f s", durationMs / 1000.0))
              + (event.path("inferred").asBoolean() ? " (inferred)" : "")));
    }
    if (answer.path("events").isEmpty()) {
      text.append("(no leadership event recorded yet)").append(System.lineSeparator());
    }
    Output.print(spec.commandLine().getOut(), options, answer, text.toString().stripTrailing());
    return 0;
  }
}
