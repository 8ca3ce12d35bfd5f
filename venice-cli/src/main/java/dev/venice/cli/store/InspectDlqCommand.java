package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.AvroJson;
import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.Store;
import dev.venice.spi.config.ConfigKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice inspect-dlq}: reads a store's dead-letter topic {@code <store>_dlq} (written by the
 * dead-letter-queue server plugin, record format version 1: the original key and value bytes and
 * {@code dlq.*} headers) straight from Kafka, whose bootstrap servers the controller names ({@code
 * GET /cluster}), with a read_committed consumer that stops at the end offsets it found on start.
 * Copies of one version-topic record (kept once per replica) are merged by source topic, partition
 * and offset, with their count. Each entry's key is shown as JSON of the store's key schema and its
 * value, when the envelope decodes and names a registered schema, as JSON of that schema; what does
 * not decode is shown as hex (and base64 in {@code --json}).
 */
@Command(name = "inspect-dlq", mixinStandardHelpOptions = true,
    description = "Show a store's recent dead letters: the records its servers could not apply"
        + " (undecodable, schema violations, unknown schemas, ...), kept in <store>_dlq by the"
        + " dead-letter-queue plugin, newest last, decoded where possible. Exit status: 0 shown,"
        + " 1 the store does not exist or keeps no dead letters, 2 usage error.",
    footer = {"", "Switch a store's dead-letter queue on with",
        "  venice store update --store users \\",
        "    --set 'pluginSettings={\"plugins.dead-letter-queue.enabled\":\"true\"}'", "",
        "Examples:",
        "  venice inspect-dlq --store users",
        "  venice inspect-dlq --store users --since 1h --limit 5 --json",
        "  venice inspect-dlq --store users --since 2026-11-25T08:00:00Z"})
public final class InspectDlqCommand extends StoreCommand.Base {
  /** The store setting that switches a store's dead-letter queue on. */
  static final String SWITCH = "plugins.dead-letter-queue.enabled";
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
  private static final ConfigKey<Duration> AGE = ConfigKey.duration("since", Duration.ZERO,
      Duration.ZERO, Duration.ofDays(36_500), "how far back");

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;
  @Option(names = "--since", paramLabel = "TIME", description = {"Only dead letters kept at or"
      + " after TIME: an age like 30m, 1h, 2d, or an ISO-8601 instant (default: all kept).",
      "Example: --since 30m"})
  String since;
  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = {"At most this many, the newest (default ${DEFAULT-VALUE}).",
          "Example: --limit 50"})
  int limit;

  /** One record of {@code <store>_dlq}. */
  record Entry(int dlqPartition, long dlqOffset, byte[] key, byte[] value,
      Map<String, byte[]> headers) {
    String header(String name) {
      byte[] v = headers.get(name);
      return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    long number(String name) {
      try {
        return Long.parseLong(header(name));
      } catch (NumberFormatException | NullPointerException e) {
        return -1;
      }
    }

    /** What tells copies of one dead letter apart from other dead letters. */
    String identity() {
      String topic = header("dlq.source.topic");
      return topic == null ? "dlq:" + dlqPartition + "@" + dlqOffset
          : topic + "/" + header("dlq.partition") + "@" + header("dlq.source.offset");
    }
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new CliException("--limit " + limit + " is not allowed: expected 1 or more");
    }
    long sinceMs = since == null ? -1 : parseSince(since);
    ControllerClient admin = admin();
    StoreSchemas schemas;
    Store info;
    try {
      schemas = admin.schemas(store);
      info = admin.getStore(store);
    } catch (ControllerException e) {
      if (e.status() == 404) {
        throw new CliException("store " + store + " does not exist");
      }
      throw e;
    }
    boolean on = "true".equalsIgnoreCase(info.pluginSettings().getOrDefault(SWITCH, "").strip());
    String topic = store + "_dlq";
    String kafka = admin.cluster().path("kafkaBootstrapServers").asText();
    List<Entry> entries = read(kafka, topic, sinceMs, on);
    List<Map<String, Object>> rows = rows(entries, new Decoder(schemas,
        info.compressionStrategy()), limit);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", store);
    json.put("topic", topic);
    json.put("enabled", on);
    json.put("entries", rows);
    StringBuilder text = new StringBuilder(store + ": " + rows.size() + " dead letter(s) shown"
        + " from " + topic + (on ? "" : " (the dead-letter queue is off for this store now)"));
    for (Map<String, Object> row : rows) {
      text.append(System.lineSeparator()).append(line(row));
    }
    print(json, text.toString());
    return 0;
  }

  /** Every record of {@code topic} kept since {@code sinceMs} (all for -1), up to its end now. */
  private List<Entry> read(String kafka, String topic, long sinceMs, boolean on) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ConsumerConfig.CLIENT_ID_CONFIG, "venice-inspect-dlq",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<Entry> entries = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.listTopics(KAFKA_TIMEOUT).get(topic);
      if (infos == null || infos.isEmpty()) {
        throw new CliException(on
            ? "store " + store + " has the dead-letter queue on but no topic " + topic + " yet in"
                + " Kafka at " + kafka + " (the servers create it: GET"
                + " /plugins/dead-letter-queue/topics on a server says why not)"
            : "store " + store + " keeps no dead letters: " + SWITCH + " is not true for it and"
                + " there is no topic " + topic);
      }
      List<TopicPartition> partitions = infos.stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      if (sinceMs < 0) {
        consumer.seekToBeginning(partitions);
      } else {
        Map<TopicPartition, Long> query = new LinkedHashMap<>();
        partitions.forEach(p -> query.put(p, sinceMs));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query,
            KAFKA_TIMEOUT);
        for (TopicPartition p : partitions) {
          OffsetAndTimestamp at = found.get(p);
          if (at != null) {
            consumer.seek(p, at.offset());
          } else {
            consumer.seekToEnd(List.of(p));
          }
        }
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
      long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos() * 6;
      while (partitions.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new CliException("reading " + topic + " from Kafka at " + kafka + " took over "
              + KAFKA_TIMEOUT.multipliedBy(6).toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Map<String, byte[]> headers = new LinkedHashMap<>();
          r.headers().forEach(h -> headers.put(h.key(), h.value()));
          entries.add(new Entry(r.partition(), r.offset(), r.key(), r.value(), headers));
        }
      }
    }
    return entries;
  }

  /**
   * The rows shown: copies of one dead letter merged (the first one read kept, with {@code
   * copies} and the {@code instances} that kept it), sorted by when they were kept, the newest
   * {@code limit}, oldest first.
   */
  static List<Map<String, Object>> rows(List<Entry> entries, Decoder decoder, int limit) {
    Map<String, List<Entry>> byIdentity = new LinkedHashMap<>();
    entries.forEach(e -> byIdentity.computeIfAbsent(e.identity(), k -> new ArrayList<>()).add(e));
    List<List<Entry>> groups = new ArrayList<>(byIdentity.values());
    groups.sort(Comparator.comparingLong((List<Entry> g) -> g.get(0).number("dlq.timestamp"))
        .thenComparing(g -> g.get(0).identity()));
    List<List<Entry>> newest = groups.subList(Math.max(0, groups.size() - limit), groups.size());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (List<Entry> group : newest) {
      Entry e = group.get(0);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("errorType", e.header("dlq.error.type"));
      row.put("errorMessage", e.header("dlq.error.message"));
      row.put("timestampMs", e.number("dlq.timestamp"));
      row.put("time", e.number("dlq.timestamp") < 0 ? null
          : Instant.ofEpochMilli(e.number("dlq.timestamp")).toString());
      row.put("store", e.header("dlq.store"));
      row.put("version", e.number("dlq.version"));
      row.put("partition", e.number("dlq.partition"));
      row.put("sourceTopic", e.header("dlq.source.topic"));
      row.put("sourceOffset", e.number("dlq.source.offset"));
      row.put("sourceTimestampMs", e.number("dlq.source.timestamp"));
      row.put("formatVersion", e.header("dlq.format.version"));
      row.put("copies", group.size());
      row.put("instances", new TreeSet<>(group.stream().map(c -> c.header("dlq.instance"))
          .filter(java.util.Objects::nonNull).toList()));
      row.put("dlqPartition", e.dlqPartition());
      row.put("dlqOffset", e.dlqOffset());
      row.put("key", decoder.key(e.key()));
      row.put("keyHex", hex(e.key()));
      row.put("keyBase64", base64(e.key()));
      row.put("value", decoder.value(e.value()));
      row.put("valueHex", hex(e.value()));
      row.put("valueBase64", base64(e.value()));
      Map<String, String> other = new TreeMap<>();
      e.headers().forEach((name, v) -> {
        if (!name.startsWith("dlq.") || name.startsWith("dlq.original.")) {
          other.put(name, v == null ? null : base64(v));
        }
      });
      row.put("originalHeadersBase64", other);
      rows.add(row);
    }
    return rows;
  }

  /** Decodes keys and values with the store's schemas; never throws. */
  static final class Decoder {
    private final Schema keySchema;
    private final Map<Integer, Schema> valueSchemas = new TreeMap<>();
    private final CompressionStrategy compression;

    Decoder(StoreSchemas schemas, CompressionStrategy compression) {
      this.keySchema = new Schema.Parser().parse(schemas.keySchema());
      for (ValueSchema v : schemas.valueSchemas()) {
        valueSchemas.put(v.id(), new Schema.Parser().parse(v.schema()));
      }
      this.compression = compression;
    }

    /** The key as JSON of the key schema, or null when it does not decode. */
    JsonNode key(byte[] bytes) {
      if (bytes == null || bytes.length == 0) {
        return null;
      }
      try {
        return AvroJson.toJson(keySchema, AvroSerde.deserialize(keySchema, keySchema, bytes));
      } catch (RuntimeException e) {
        return null;
      }
    }

    /**
     * The envelope as {@code {type, schemaId, value}} with the value as JSON of its schema; {@code
     * {type, schemaId, decodeError}} when the envelope decodes but its value does not; null when
     * the envelope does not decode.
     */
    Map<String, Object> value(byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      Envelope envelope;
      try {
        envelope = Envelope.decode(bytes);
      } catch (RuntimeException e) {
        return null;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("type", envelope.type().name());
      if (envelope.type() == Envelope.MessageType.CONTROL) {
        out.put("control", envelope.control().name());
        return out;
      }
      if (envelope.type() != Envelope.MessageType.PUT) {
        return out;
      }
      out.put("schemaId", envelope.schemaId());
      Schema schema = valueSchemas.get(envelope.schemaId());
      if (schema == null) {
        out.put("decodeError", "schema id " + envelope.schemaId() + " is not a value schema of"
            + " the store (" + valueSchemas.keySet() + ")");
        return out;
      }
      String error = null;
      for (CompressionStrategy c : new CompressionStrategy[] {CompressionStrategy.NO_OP,
          envelope.compression(), compression}) {
        try {
          byte[] plain = c == CompressionStrategy.NO_OP ? envelope.value()
              : Compression.decompress(c, envelope.value());
          if (AvroSerde.isValid(schema, plain)) {
            out.put("value", AvroJson.toJson(schema, AvroSerde.deserialize(schema, schema,
                plain)));
            return out;
          }
          error = "the value is not exactly one encoding of schema " + envelope.schemaId();
        } catch (RuntimeException e) {
          error = String.valueOf(e.getMessage());
        }
      }
      out.put("decodeError", error);
      return out;
    }
  }

  private static String line(Map<String, Object> row) {
    return row.get("time") + "  " + row.get("errorType") + "  " + row.get("sourceTopic") + " p"
        + row.get("partition") + "@" + row.get("sourceOffset")
        + ((Integer) row.get("copies") > 1 ? " (" + row.get("copies") + " copies)" : "")
        + "  key=" + (row.get("key") != null ? row.get("key") : "hex:" + row.get("keyHex"))
        + "  value=" + value(row) + "  : " + row.get("errorMessage");
  }

  @SuppressWarnings("unchecked")
  private static String value(Map<String, Object> row) {
    Map<String, Object> v = (Map<String, Object>) row.get("value");
    if (v == null) {
      return "hex:" + row.get("valueHex");
    }
    return v.get("type") + (v.containsKey("schemaId") ? " schema " + v.get("schemaId") : "")
        + (v.get("value") != null ? " " + v.get("value") : v.containsKey("decodeError")
            ? " (undecoded: " + v.get("decodeError") + ") hex:" + row.get("valueHex") : "");
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes);
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
  }

  private static long parseSince(String text) {
    try {
      return Instant.now().minus(AGE.parse(text.strip())).toEpochMilli();
    } catch (IllegalArgumentException notAnAge) {
      try {
        return Instant.parse(text.strip()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new CliException("--since " + text + " is neither an age (30m, 1h, 2d) nor an"
            + " ISO-8601 instant (2026-11-25T08:00:00Z)");
      }
    }
  }
}
