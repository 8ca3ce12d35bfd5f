package dev.venice.plugins.replicationrepair;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /plugins/replication-repair/report}: the last run of the repair task on this
 * controller, with who leads now:
 *
 * <pre>{@code
 * {"controller": "127.0.0.1_7001", "leader": "127.0.0.1_7001", "leading": true,
 *  "lastRun": {"time": "2026-12-02T04:40:00Z", "controller": "127.0.0.1_7001",
 *    "liveServers": ["127.0.0.1_7002", "127.0.0.1_7003"], "storesChecked": 1,
 *    "underReplicatedPartitions": 3,
 *    "stores": [{"store": "users", "underReplicatedPartitions": 3, "versions": [{"version": 1,
 *      "replicationFactor": 2, "partitions": [{"partition": 0, "healthy": 1, "expected": 2,
 *      "servers": ["127.0.0.1_7002"]}, ...], "action": "WOULD_REBALANCE", "reason": null,
 *      "detail": "would rebalance (dry run)"}]}]}}
 * }</pre>
 *
 * <p>{@code lastRun} is null before the first run as the leader. Only the leader runs the task: a
 * standby answers with the report of its own last term as the leader (or null), and {@code
 * leader} names whom to ask ({@code venice show-under-replicated} asks the leader). 405 for a
 * method other than GET. Thread-safe.
 */
final class ReplicationRepairEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Optional<RepairReport>> report;
  private final ControllerHost controller;
  private final String instanceId;

  ReplicationRepairEndpoint(Supplier<Optional<RepairReport>> report, ControllerHost controller,
      String instanceId) {
    this.report = report;
    this.controller = controller;
    this.instanceId = instanceId;
  }

  @Override
  public String path() {
    return "report";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return PluginHttpResponse.json(405, JSON.writeValueAsString(Map.of("error",
          request.method() + " is not allowed on /plugins/replication-repair/report: use GET",
          "parameter", "method", "allowed", List.of("GET"))));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("controller", instanceId);
    body.put("leader", controller.leaderInstanceId().orElse(null));
    body.put("leading", controller.isLeader());
    body.put("lastRun", report.get().orElse(null));
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }
}
