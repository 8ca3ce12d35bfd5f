package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import dev.venice.spi.plugin.ProcessKind;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A read-only view of the cluster's live processes and replica states, kept current from ZooKeeper
 * and Helix, and a client for other processes' plugin endpoints. This is how a controller plugin
 * or a CLI command aggregates per-server data (partition sizes, hot keys, leader counts). Thread-safe.
 *
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public interface ClusterView {
  /** Every live process (controllers, routers, servers), sorted by kind, then instance id. */
  List<ClusterMember> members();

  /** The live processes of one kind, sorted by instance id. */
  default List<ClusterMember> members(ProcessKind kind) {
    return members().stream().filter(m -> m.kind() == kind).toList();
  }

  /**
   * The Helix state of every replica of one store version, from its external view: partition to
   * instance id to state ({@code LEADER}, {@code STANDBY}, {@code OFFLINE}, {@code ERROR}).
   * Partitions with no replica yet are absent; an unknown store version gives an empty map.
   */
  Map<Integer, Map<String, String>> replicaStates(String store, int version);

  /**
   * Calls {@code GET /plugins/<pluginId>/<path>} on each of {@code members}, at most a host-set
   * number at a time (the host's {@code cluster.view.max.parallel.calls}, default 8), each bounded
   * by {@code timeout}. The future never fails: every member gets its own {@link EndpointResult},
   * an answer or the reason there is none, in the order of {@code members}.
   *
   * @param members whom to call
   * @param pluginId the plugin whose endpoint to call, e.g. {@code bloom-filter}
   * @param path the path below {@code /plugins/<pluginId>/}, with an optional query ({@code
   *     "partitions?store=s"}); empty for the plugin's root
   * @param timeout how long to wait for each member's full answer
   */
  CompletableFuture<List<EndpointResult>> callPlugin(Collection<ClusterMember> members,
      String pluginId, String path, Duration timeout);
}
