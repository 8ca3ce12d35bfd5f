package dev.venice.plugins.topicretention;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /plugins/topic-retention/report}: this controller's last run of the enforcer, as
 * JSON:
 *
 * <pre>{@code
 * {"instance": "host_7001", "leader": true, "leaderInstance": "host_7001", "interval": "1h",
 *  "lastRun": {"at": "2026-12-02T04:00:00Z", "leader": true, "dryRun": false, "durationMs": 40,
 *    "topicsSeen": 7,
 *    "stale": [{"topic": "ghost_v3", "store": "ghost", "reason": "store-unknown",
 *               "detail": "no store ghost", "since": "2026-12-02T03:40:00Z"}],
 *    "pending": [],
 *    "mismatches": [{"topic": "users_v4", "store": "users", "currentMs": 604800000,
 *                    "policyMs": 432000000, "dryRun": false, "state": "fixed", "reason": null}],
 *    "alters": 1, "stopped": null, "error": null}}
 * }</pre>
 *
 * <p>{@code lastRun} is {@code null} before the first run; on a standby it says {@code "leader":
 * false} and lists nothing (ask the leader, {@code leaderInstance}). A mismatch's state is {@code
 * fixed}, {@code would-set} (dry run), {@code deferred} (to the next run), {@code failed} (with the
 * reason) or {@code gone}; a stale topic's reason is {@code store-unknown}, {@code
 * version-retired}, {@code version-unknown}, {@code version-failed} or {@code store-not-hybrid}.
 * 405 for another method, 404 for another path. Thread-safe (reads the task's last report).
 */
final class TopicRetentionEndpoint implements PluginHttpEndpoint {
  /** The sub-path of the report. */
  static final String REPORT = "report";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TopicRetentionTask task;
  private final ControllerHost controller;
  private final String instanceId;

  TopicRetentionEndpoint(TopicRetentionTask task, ControllerHost controller, String instanceId) {
    this.task = task;
    this.controller = controller;
    this.instanceId = instanceId;
  }

  /** Every path below {@code /plugins/topic-retention/}: anything but the report is a 404. */
  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, request.method() + " is not allowed: use GET");
    }
    String path = request.path().replaceAll("/+$", "");
    if (!path.equals(REPORT)) {
      return error(404, "no endpoint /plugins/topic-retention/" + path + ": use GET"
          + " /plugins/topic-retention/" + REPORT);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instanceId);
    body.put("leader", controller.isLeader());
    body.put("leaderInstance", controller.leaderInstanceId().orElse(null));
    body.put("interval", ConfigKey.format(task.interval()));
    body.put("lastRun", task.lastReport().orElse(null));
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private static PluginHttpResponse error(int status, String message) throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(Map.of("error", message)));
  }
}
