package dev.venice.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.ControllerPlugins;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code venice show-topic-retention}: the topic-retention plugin's last run on the leader
 * controller ({@code GET /plugins/topic-retention/report}; the leader is found through {@code GET
 * /cluster} on the given controller): the stale Venice topics (never deleted) and the topics
 * whose {@code retention.ms} differed from the policy, with what became of each.
 */
@Command(name = "show-topic-retention", mixinStandardHelpOptions = true,
    description = "Show the topic-retention enforcer's last run on the leader controller: stale"
        + " Venice"
        + " topics (no store or version for the grace period; never deleted) and retention.ms"
        + " mismatches with what became of each (fixed, would-set, deferred, failed, gone)."
        + " Needs plugins.topic-retention.enabled=true on the controllers; only the leader"
        + " runs it. Exit status: 0 shown, 1 the plugin is not running or the controller is"
        + " unreachable, 2 usage error.",
    footer = {"", "Times are the controller's clock (UTC). Retention in ms and days.", "",
        "Examples:",
        "  venice show-topic-retention",
        "  venice show-topic-retention --json --controller http://127.0.0.1:7001"})
public final class ShowTopicRetentionCommand implements Callable<Integer> {
  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode answer = ControllerPlugins.get(ControllerPlugins.leaderUrl(options.controllerUrl()),
        "topic-retention", "report");
    Output.print(spec.commandLine().getOut(), options, answer, text(answer));
    return 0;
  }

  private static String text(JsonNode answer) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "controller %s (%s), leader: %s, interval %s%n", answer.path("instance").asText(),
        answer.path("leader").asBoolean() ? "leader" : "standby",
        answer.path("leaderInstance").asText("none"), answer.path("interval").asText()));
    JsonNode run = answer.path("lastRun");
    if (run.isMissingNode() || run.isNull()) {
      return text.append("no run yet").toString();
    }
    if (!run.path("leader").asBoolean()) {
      return text.append("last run ").append(run.path("at").asText()).append(": this controller"
          + " was a standby and did nothing; ask the leader").toString();
    }
    text.append(String.format(Locale.ROOT, "last run %s: %d Venice topics, %d changes asked%s"
        + " (%d ms)%n", run.path("at").asText(), run.path("topicsSeen").asInt(),
        run.path("alters").asInt(), run.path("dryRun").asBoolean() ? ", dry run" : "",
        run.path("durationMs").asLong()));
    if (!run.path("error").isNull()) {
      text.append("FAILED: ").append(run.path("error").asText()).append(System.lineSeparator());
    }
    if (!run.path("stopped").isNull()) {
      text.append("stopped early: ").append(run.path("stopped").asText())
          .append(System.lineSeparator());
    }
    text.append(String.format(Locale.ROOT, "%nstale topics (%d; never deleted)%n%-40s %-18s"
        + " %-22s %s%n", run.path("stale").size(), "TOPIC", "REASON", "SINCE (UTC)", "DETAIL"));
    for (JsonNode s : run.path("stale")) {
      text.append(String.format(Locale.ROOT, "%-40s %-18s %-22s %s%n", s.path("topic").asText(),
          s.path("reason").asText(), s.path("since").asText(), s.path("detail").asText()));
    }
    if (!run.path("pending").isEmpty()) {
      text.append(String.format(Locale.ROOT, "(%d more within the grace period)%n",
          run.path("pending").size()));
    }
    text.append(String.format(Locale.ROOT, "%nretention mismatches (%d)%n%-40s %-12s %-12s"
        + " %-10s %s%n", run.path("mismatches").size(), "TOPIC", "CURRENT", "POLICY", "STATE",
        "REASON"));
    for (JsonNode m : run.path("mismatches")) {
      text.append(String.format(Locale.ROOT, "%-40s %-12s %-12s %-10s %s%n",
          m.path("topic").asText(), days(m.path("currentMs").asLong()),
          days(m.path("policyMs").asLong()), m.path("state").asText().replace('-', ' '),
          m.path("reason").isNull() ? "" : m.path("reason").asText()));
    }
    return text.toString().stripTrailing();
  }

  /** {@code 432000000} as {@code 5.00d}; a negative retention (infinite) as {@code forever}. */
  private static String days(long ms) {
    return ms < 0 ? "forever" : String.format(Locale.ROOT, "%.2fd", ms / 86_400_000.0);
  }
}
