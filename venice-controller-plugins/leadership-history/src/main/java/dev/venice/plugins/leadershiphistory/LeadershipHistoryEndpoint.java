package dev.venice.plugins.leadershiphistory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/leadership-history/events[?limit=N]}: the recorded events, newest first
 * (at most {@code N}, 1 to 1,000, default all), with the cluster and its leader now, as JSON:
 * {@code {"cluster", "leader", "events": [{"type", "instanceId", "termZxid", "termStartMs",
 * "observedAtMs", "durationMs", "inferred"}]}}. Any controller answers (the history is shared in
 * ZooKeeper). 400 names a bad {@code limit}; 405 for a method other than GET.
 */
final class LeadershipHistoryEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LeadershipHistory history;
  private final ControllerHost controller;
  private final String cluster;

  LeadershipHistoryEndpoint(LeadershipHistory history, ControllerHost controller,
      String cluster) {
    this.history = history;
    this.controller = controller;
    this.cluster = cluster;
  }

  @Override
  public String path() {
    return "events";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "method", request.method() + " is not allowed: use GET");
    }
    Optional<String> rawLimit = request.queryParameter("limit");
    int limit = Integer.MAX_VALUE;
    if (rawLimit.isPresent()) {
      try {
        limit = Integer.parseInt(rawLimit.get().strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > LeadershipHistoryConfig.EVENTS_LIMIT) {
        return error(400, "limit", "limit '" + rawLimit.get() + "' is not a whole number from 1"
            + " to " + LeadershipHistoryConfig.EVENTS_LIMIT);
      }
    }
    List<LeadershipEvent> newestFirst = new ArrayList<>(history.events());
    Collections.reverse(newestFirst);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", cluster);
    body.put("leader", controller.leaderInstanceId().orElse(null));
    body.put("events", newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private static PluginHttpResponse error(int status, String parameter, String message)
      throws Exception {
    return PluginHttpResponse.json(status, JSON.writeValueAsString(
        Map.of("error", message, "parameter", parameter)));
  }
}
