package dev.venice.plugins.deadletterqueue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /plugins/dead-letter-queue/topics} on the server's admin port: the dead-letter topics
 * this server wants, as JSON:
 *
 * <pre>{@code
 * {"instance": "host_7002", "topics": [{"store": "users", "topic": "users_dlq", "ready": true,
 *   "failedAttempts": 0, "lastError": null, "readySinceMs": 1764574800000}]}
 * }</pre>
 *
 * <p>{@code ready} false means creation is being retried; {@code lastError} says why it failed.
 * 405 for a method other than GET. Thread-safe: each call reads a snapshot.
 */
final class DeadLetterQueueEndpoint implements PluginHttpEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TopicProvisioner topics;
  private final String instance;

  DeadLetterQueueEndpoint(TopicProvisioner topics, String instance) {
    this.topics = topics;
    this.instance = instance;
  }

  @Override
  public String path() {
    return "topics";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return PluginHttpResponse.json(405, JSON.writeValueAsString(Map.of("error",
          request.method() + " is not allowed: use GET", "parameter", "method")));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TopicProvisioner.Status s : topics.statuses()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", s.store());
      row.put("topic", s.topic());
      row.put("ready", s.ready());
      row.put("failedAttempts", s.failedAttempts());
      row.put("lastError", s.lastError());
      row.put("readySinceMs", s.readySinceMs());
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("topics", rows);
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }
}
