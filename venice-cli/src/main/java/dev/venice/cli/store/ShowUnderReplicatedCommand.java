package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.ControllerPlugins;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code venice show-under-replicated}: the last run of the replication-repair plugin's task on
 * the leader controller ({@code GET /plugins/replication-repair/report}; the leader is found
 * through {@code GET /cluster} on the given controller): per store and version, the partitions
 * with fewer healthy replicas than the replication factor and what the task did about them.
 */
@Command(name = "show-under-replicated", mixinStandardHelpOptions = true,
    description = "Show the partitions with fewer healthy replicas (LEADER or STANDBY on a live"
        + " server) than their replication factor, per store and version, and what the"
        + " replication-repair plugin did about each: rebalanced, would rebalance (dry run),"
        + " deferred (push in progress, rate limit, grace period, cooldown, not enough live"
        + " servers) or refused. Read from the leader controller's last run (needs"
        + " plugins.replication-repair.enabled=true on the controllers). Exit status: 0 shown,"
        + " 1 the plugin is not running or the controller is unreachable, 2 usage error.",
    footer = {"", "Each partition is shown as <partition> (<healthy>/<expected> on <servers>).",
        "", "Examples:",
        "  venice show-under-replicated",
        "  venice show-under-replicated --json --controller http://127.0.0.1:7001"})
public final class ShowUnderReplicatedCommand implements Callable<Integer> {
  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode answer = ControllerPlugins.get(ControllerPlugins.leaderUrl(options.controllerUrl()),
        "replication-repair", "report");
    Output.print(spec.commandLine().getOut(), options, answer, text(answer));
    return 0;
  }

  private static String text(JsonNode answer) {
    JsonNode run = answer.path("lastRun");
    String leader = answer.path("leader").asText("none");
    if (run.isMissingNode() || run.isNull()) {
      return "no run of the replication repair task yet on controller "
          + answer.path("controller").asText() + " (leader now: " + leader + "); it runs every"
          + " plugins.replication-repair.interval on the leader";
    }
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "last run %s by %s (leader now: %s): %d stores checked, %d live servers%n",
        run.path("time").asText(), run.path("controller").asText(), leader,
        run.path("storesChecked").asInt(), run.path("liveServers").size()));
    int total = run.path("underReplicatedPartitions").asInt();
    if (total == 0) {
      return text.append("no under-replicated partitions").toString();
    }
    text.append(total).append(" under-replicated partitions").append(System.lineSeparator())
        .append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-24s %-8s %s%n",
            "STORE", "VERSION", "PARTITIONS / ACTION"));
    for (JsonNode store : run.path("stores")) {
      for (JsonNode version : store.path("versions")) {
        List<String> partitions = new ArrayList<>();
        for (JsonNode p : version.path("partitions")) {
          List<String> servers = new ArrayList<>();
          p.path("servers").forEach(s -> servers.add(s.asText()));
          partitions.add(p.path("partition").asInt() + " (" + p.path("healthy").asInt() + "/"
              + p.path("expected").asInt() + (servers.isEmpty() ? ", no replica"
              : " on " + String.join(",", servers)) + ")");
        }
        text.append(String.format(Locale.ROOT, "%-24s %-8d %s%n%-33s -> %s%n",
            store.path("store").asText(), version.path("version").asInt(),
            String.join(", ", partitions), "", version.path("detail").asText()));
      }
    }
    return text.toString().stripTrailing();
  }
}
