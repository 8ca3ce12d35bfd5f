package dev.venice.it.plugins.auditlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.Schemas;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The audit-log plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only: a store's create, update and delete each land on the audit topic once, read
 * back with a plain Kafka consumer and the event schemas the plugin ships (as the newest, with
 * every published version known), each record with its plain-text headers.
 */
class AuditLogPluginTest {
  @Test
  void createUpdateDeleteEachProduceOneEvent() throws Exception {
    Path pluginDir = Path.of(System.getProperty("controller.plugin.dir"));
    try (LocalCluster cluster = LocalCluster.builder()
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.audit-log.enabled", "true").build()) {
      PluginInfo plugin = cluster.controllers().get(0).plugins().plugins().stream()
          .filter(p -> p.id().equals("audit-log")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      assertEquals(pluginDir.resolve("audit-log").toString(), plugin.source());

      ControllerClient admin = new ControllerClient(cluster.controllerUrl(), "auditor",
          Duration.ofSeconds(30));
      admin.createStore("audited", Schemas.KEY, Schemas.USER_V1, 2, 1);
      admin.updateStore("audited", Map.of("partitionCount", 4));
      admin.deleteStore("audited");

      // the event schema as the plugin publishes it, as a reader without its classes gets it
      JsonNode published = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(cluster.controllerUrl() + "/plugins/audit-log/"))
              .build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("venice-admin-audit-log", published.get("topic").asText());
      List<Schema> schemas = new ArrayList<>();
      published.get("schemas").forEach(json -> schemas.add(new Schema.Parser().parse(
          json.toString())));
      BinaryMessageDecoder<GenericRecord> decoder =
          new BinaryMessageDecoder<>(GenericData.get(), schemas.get(schemas.size() - 1));
      schemas.forEach(decoder::addSchema);
      List<GenericRecord> events = new ArrayList<>();
      List<Map<String, String>> headers = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
              "bootstrap.servers", cluster.kafkaBootstrapServers()),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition audit = new TopicPartition("venice-admin-audit-log", 0);
        consumer.assign(List.of(audit));
        consumer.seekToBeginning(List.of(audit));
        LocalCluster.waitFor("three audit events", Duration.ofSeconds(30), () -> {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            try {
              events.add(decoder.decode(record.value()));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
            Map<String, String> recordHeaders = new LinkedHashMap<>();
            for (Header header : record.headers()) {
              recordHeaders.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            headers.add(recordHeaders);
          }
          return events.size() >= 3;
        });
      }
      assertEquals(List.of("CREATE_STORE", "UPDATE_STORE", "DELETE_STORE"), events.stream()
          .map(e -> e.get("operation").toString()).toList());
      for (GenericRecord event : events) {
        assertEquals("audited", event.get("store").toString());
        assertEquals("auditor", event.get("principal").toString());
        assertTrue(event.get("address").toString().startsWith("127.0.0.1:"));
        assertEquals(cluster.clusterName(), event.get("cluster").toString());
        assertEquals(true, event.get("success"));
        assertEquals("ALLOWED", event.get("decision").toString());
        assertEquals("store audited", event.get("resource").toString());
      }
      assertEquals(Map.of("principal", "auditor", "operation", "UPDATE_STORE", "decision",
          "ALLOWED", "resource", "store audited"), headers.get(1));
      GenericRecord update = events.get(1);
      assertTrue(update.get("before").toString().contains("\"partitionCount\":2"));
      assertTrue(update.get("after").toString().contains("\"partitionCount\":4"));
      assertEquals("{\"partitionCount\":4}", update.get("requested").toString());
    }
  }
}
