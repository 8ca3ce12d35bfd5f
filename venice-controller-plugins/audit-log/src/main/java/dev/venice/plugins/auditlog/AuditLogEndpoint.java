package dev.venice.plugins.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.List;
import org.apache.avro.Schema;

/**
 * {@code GET /plugins/audit-log/} on the controller: the topic events go to and every event schema
 * version, oldest first ({@code {"topic": ..., "schemas": [...]}}). A reader (such as {@code venice
 * dump-audit-log}) decodes events with Avro's single-object decoder from these alone, without this
 * plugin's classes; the newest schema is the one to read as.
 */
final class AuditLogEndpoint implements PluginHttpEndpoint {
  /** Every schema events were ever written with, oldest first. */
  static final List<Schema> WRITER_SCHEMAS = AuditEvents.WRITER_SCHEMAS;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;

  AuditLogEndpoint(String topic) {
    this.topic = topic;
  }

  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("topic", topic);
    ArrayNode schemas = body.putArray("schemas");
    for (Schema schema : WRITER_SCHEMAS) {
      schemas.add(JSON.readTree(schema.toString()));
    }
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }
}
