package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-assignment} (seed project 16): a store version's servers with the partitions
 * they lead and follow, from Helix's external view ({@code GET /stores/{store}/assignment}), the
 * imbalance scores and bars; with {@code --simulate-add-server} / {@code --simulate-remove-server}
 * the assignment the controller predicts by running Helix's rebalancer offline, and what would
 * move. Read-only: nothing in the cluster changes.
 */
@Command(name = "show-assignment", mixinStandardHelpOptions = true,
    description = "Show which servers hold a store version's partitions: per server the"
        + " partitions it leads and follows (Helix's external view), counts, a bar (# leaders,"
        + " = followers) and the imbalance score (standard deviation / mean of replicas and of"
        + " leaders per live server; 0 is even). --simulate-add-server / --simulate-remove-server"
        + " predict the assignment after that change by running the controller's Helix"
        + " rebalancer offline on the cluster's current state, with what moves; nothing in the"
        + " cluster changes. Exit status: 0 shown, 1 no such store, version or server, 2 usage"
        + " error.",
    footer = {"", "Large stores are summarized: at most --limit servers and partition numbers"
        + " per list are printed, with totals (--json prints everything).", "",
        "Examples:",
        "  venice show-assignment --store users",
        "  venice show-assignment --store users --simulate-add-server 2",
        "  venice show-assignment --store users --simulate-remove-server host1_7001 --json"})
public final class ShowAssignmentCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--store-version", paramLabel = "V",
      description = {"The store version (default: the current one).",
          "Example: --store-version 3"})
  Integer version;

  @Option(names = "--simulate-add-server", paramLabel = "N",
      description = {"Predict the assignment after N new servers join (1 to 100).",
          "Example: --simulate-add-server 2"})
  int addServers;

  @Option(names = "--simulate-remove-server", paramLabel = "ID",
      description = {"Predict the assignment after the server with this Helix instance id"
          + " (host_port, as listed) leaves for good.",
          "Example: --simulate-remove-server 127.0.0.1_50051"})
  String removeServer;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = {"Print at most N servers, partition numbers per list and moved partitions"
          + " (default: ${DEFAULT-VALUE}).",
          "Example: --limit 50"})
  int limit;

  @Override
  public Integer call() {
    if (version != null && version < 1) {
      throw new CliException("--store-version " + version + " is not allowed: expected 1 or more");
    }
    if (addServers < 0 || addServers > 100) {
      throw new CliException("--simulate-add-server " + addServers + " is not allowed: expected 1"
          + " to 100");
    }
    if (limit < 1) {
      throw new CliException("--limit " + limit + " is not allowed: expected 1 or more");
    }
    JsonNode answer = admin().assignment(store, version, addServers, removeServer);
    print(answer, text(answer));
    return 0;
  }

  private String text(JsonNode a) {
    String nl = System.lineSeparator();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "store %s version %d (%s): %d partition(s), replication factor %s", a.path("store")
            .asText(), a.path("version").asInt(), a.path("resource").asText(),
        a.path("partitionCount").asInt(), a.path("replicationFactor").asText()));
    table(out, a.path("current"));
    JsonNode sim = a.path("simulation");
    if (!sim.isMissingNode()) {
      out.append(nl).append(nl).append(String.format(Locale.ROOT, "predicted after: %s (the"
          + " controller's Helix rebalancer run offline, %s after %d round(s); nothing changed in"
          + " the cluster)", sim.path("change").asText(),
          sim.path("settled").asBoolean() ? "settled" : "not settled", sim.path("rounds").asInt()));
      if (sim.path("addedServers").size() > 0) {
        out.append(nl).append("simulated new servers: ")
            .append(ReplicaTables.limited(sim.path("addedServers"), limit));
      }
      table(out, sim.path("predicted"));
      out.append(nl).append(String.format(Locale.ROOT, "replicas moved: %d, leaders moved: %d",
          sim.path("replicasMoved").asInt(), sim.path("leadersMoved").asInt()));
      JsonNode moved = sim.path("movedPartitions");
      for (int i = 0; i < Math.min(limit, moved.size()); i++) {
        JsonNode m = moved.get(i);
        out.append(nl).append(String.format(Locale.ROOT, "  partition %d: %s -> %s",
            m.path("partition").asInt(), states(m.path("before")), states(m.path("after"))));
      }
      if (moved.size() > limit) {
        out.append(nl).append("  ... and ").append(moved.size() - limit)
            .append(" more moved partition(s) (--limit, or --json for all)");
      }
    }
    return out.toString();
  }

  private void table(StringBuilder out, JsonNode assignment) {
    String nl = System.lineSeparator();
    JsonNode servers = assignment.path("servers");
    int max = 0;
    for (JsonNode s : servers) {
      max = Math.max(max, s.path("replicaCount").asInt());
    }
    out.append(nl).append(String.format(Locale.ROOT, "%-28s %7s %9s %8s  %s", "server",
        "leaders", "followers", "replicas", "(# leader, = follower)"));
    int leaders = 0;
    int followers = 0;
    for (int i = 0; i < servers.size(); i++) {
      JsonNode s = servers.get(i);
      leaders += s.path("leaderCount").asInt();
      followers += s.path("followerCount").asInt();
      if (i >= limit) {
        continue;
      }
      out.append(nl).append(String.format(Locale.ROOT, "%-28s %7d %9d %8d  %s",
          s.path("instance").asText() + (s.path("live").asBoolean() ? "" : " (down)"),
          s.path("leaderCount").asInt(), s.path("followerCount").asInt(),
          s.path("replicaCount").asInt(), ReplicaTables.bar(s.path("leaderCount").asInt(),
              s.path("followerCount").asInt(), max)));
      out.append(nl).append("    leads: ").append(ReplicaTables.limited(s.path("leaders"), limit))
          .append("; follows: ").append(ReplicaTables.limited(s.path("followers"), limit));
    }
    if (servers.size() > limit) {
      out.append(nl).append("... and ").append(servers.size() - limit)
          .append(" more server(s) (--limit, or --json for all)");
    }
    out.append(nl).append(String.format(Locale.ROOT, "total: %d leader(s), %d follower(s) on %d"
        + " server(s)", leaders, followers, servers.size()));
    out.append(nl).append("replica imbalance ")
        .append(ReplicaTables.imbalance(assignment.path("replicaImbalance")));
    out.append(nl).append("leader imbalance  ")
        .append(ReplicaTables.imbalance(assignment.path("leaderImbalance")));
    JsonNode leaderless = assignment.path("partitionsWithoutLeader");
    if (leaderless.size() > 0) {
      out.append(nl).append("partitions without a leader: ")
          .append(ReplicaTables.limited(leaderless, limit));
    }
  }

  private static String states(JsonNode replicas) {
    StringBuilder text = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = replicas.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> replica = it.next();
      text.append(text.length() == 0 ? "" : ", ").append(replica.getKey()).append('=')
          .append(replica.getValue().asText());
    }
    return text.length() == 0 ? "(none)" : text.toString();
  }
}
