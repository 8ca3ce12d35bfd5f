package dev.venice.cli.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.spi.config.ConfigKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code venice dump-audit-log}. It knows the audit-log plugin only through what the plugin
 * publishes on the controller, {@code GET /plugins/audit-log/}: the topic and every event schema
 * version (Avro single-object encoding), so the CLI carries no plugin class. Each event prints
 * with its decision: {@code ALLOWED} for an admin mutation (every event written before schema v2
 * reads as one), {@code DENIED} with the authorizer's reason for an access denial.
 */
@Command(name = "dump-audit-log", description = "Print recent audit events (admin mutations and"
    + " access denials, written by the audit-log plugin), oldest first.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice dump-audit-log --limit 10",
        "  venice dump-audit-log --store users --since 1h --json",
        "  venice dump-audit-log --since 2026-11-25T08:00:00Z"})
public final class DumpAuditLogCommand implements Callable<Integer> {
  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = {"-s", "--store"}, description = {"Only events about this store.",
      "Example: --store users"})
  String store;
  @Option(names = "--since", paramLabel = "TIME",
      description = {"Only events at or after TIME: an ISO-8601 instant, or an age like 30m, 2h,"
          + " 1d.",
          "Example: --since 2h"})
  String since;
  @Option(names = "--limit", defaultValue = "20", description = {"At most this many (the newest;"
      + " default 20).",
      "Example: --limit 100"})
  int limit;
  @Option(names = "--topic", description = {"The audit topic (default: the one the controller's"
      + " audit-log plugin writes to).",
      "Example: --topic venice_audit_log"})
  String topic;

  @Override
  public Integer call() throws IOException {
    if (limit < 1) {
      throw new CliException("--limit must be at least 1, got " + limit);
    }
    long sinceMs = since == null ? -1 : parseSince(since);
    String controller = options.controllerUrl();
    String kafka = new ControllerClient(controller).cluster().path("kafkaBootstrapServers")
        .asText();
    JsonNode published = published(controller);
    String auditTopic = topic != null ? topic : published.path("topic").asText();
    BinaryMessageDecoder<GenericRecord> decoder = decoder(published);
    Deque<GenericRecord> newest = new ArrayDeque<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            "bootstrap.servers", kafka, "client.id", "venice-dump-audit-log"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(auditTopic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw new CliException("no audit topic " + auditTopic + " in Kafka at " + kafka);
      }
      List<TopicPartition> partitions = infos.stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      seek(consumer, partitions, sinceMs);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          GenericRecord event = decoder.decode(record.value());
          if (store == null || store.equals(String.valueOf(event.get("store")))) {
            newest.addLast(event);
            if (newest.size() > limit) {
              newest.removeFirst();
            }
          }
        }
      }
    }
    List<Map<String, Object>> rows = newest.stream().map(DumpAuditLogCommand::row).toList();
    Output.print(spec.commandLine().getOut(), options, rows, rows.isEmpty() ? "(no events)"
        : rows.stream().map(DumpAuditLogCommand::line).collect(Collectors.joining("\n")));
    return 0;
  }

  private static void seek(KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions, long sinceMs) {
    if (sinceMs < 0) {
      consumer.seekToBeginning(partitions);
      return;
    }
    Map<TopicPartition, Long> query = new LinkedHashMap<>();
    partitions.forEach(p -> query.put(p, sinceMs));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp at = found.get(p);
      if (at != null) {
        consumer.seek(p, at.offset());
      } else {
        consumer.seekToEnd(List.of(p));
      }
    }
  }

  /** What the controller's audit-log plugin publishes: {@code topic}, {@code schemas}. */
  private static JsonNode published(String controller) throws IOException {
    String url = controller.replaceAll("/+$", "") + "/plugins/audit-log/";
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new CliException("the audit-log plugin is not running on the controller (GET "
            + url + " answered " + answer.statusCode() + "); enable it with"
            + " plugins.audit-log.enabled=true");
      }
      return Output.JSON.readTree(answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /**
   * A decoder for events written with any published schema version, read as the newest one (Avro
   * single-object encoding: each event names its writer schema's fingerprint).
   */
  static BinaryMessageDecoder<GenericRecord> decoder(JsonNode published) {
    List<Schema> schemas = new ArrayList<>();
    published.path("schemas").forEach(json -> schemas.add(new Schema.Parser().parse(
        json.toString())));
    if (schemas.isEmpty()) {
      throw new CliException("the controller's audit-log plugin published no event schema");
    }
    Schema reader = schemas.get(schemas.size() - 1);
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(),
        reader);
    schemas.forEach(decoder::addSchema);
    return decoder;
  }

  private static final ConfigKey<Duration> AGE = ConfigKey.duration("since", Duration.ZERO,
      Duration.ZERO, Duration.ofDays(36_500), "how far back");

  private static long parseSince(String text) {
    try {
      return Instant.now().minus(AGE.parse(text.trim())).toEpochMilli();
    } catch (IllegalArgumentException notAnAge) {
      try {
        return Instant.parse(text.trim()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new CliException("--since " + text + " is neither an ISO-8601 instant"
            + " (2026-11-25T08:00:00Z) nor an age (30m, 2h, 1d)");
      }
    }
  }

  /**
   * One event as printed by {@code --json}: every field of the reader schema, by name, text as
   * strings; {@code decision} is {@code ALLOWED} for an event without one (read with a schema
   * older than v2, as a controller running audit-log 1.1 publishes).
   */
  static Map<String, Object> row(GenericRecord event) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Schema.Field field : event.getSchema().getFields()) {
      Object value = event.get(field.name());
      row.put(field.name(), value instanceof CharSequence ? value.toString() : value);
    }
    row.putIfAbsent("decision", "ALLOWED");
    return row;
  }

  /**
   * One row as a table line: {@code <time>  <decision>  <operation>  <store or (cluster c)>  by
   * <principal> from <address>}, then for an allowed mutation {@code ok} or {@code FAILED:
   * <error>} and what was requested, for a denial {@code reason: <reason>}.
   */
  static String line(Map<String, Object> e) {
    String head = Instant.ofEpochMilli((Long) e.get("timestampMs")) + "  " + e.get("decision")
        + "  " + e.get("operation") + "  "
        + (e.get("store") == null ? "(cluster " + e.get("cluster") + ")" : e.get("store"))
        + "  by " + e.get("principal") + " from " + e.get("address") + "  ";
    if ("DENIED".equals(e.get("decision"))) {
      return head + "reason: " + (e.get("reason") == null ? "(none given)" : e.get("reason"));
    }
    return head + (Boolean.TRUE.equals(e.get("success")) ? "ok" : "FAILED: " + e.get("error"))
        + "  requested " + e.get("requested");
  }
}
