package dev.venice.it.plugins.deadletterqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.server.VeniceServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter-queue plugin, loaded from the plugin directory its module builds and switched on
 * by configuration only, on two servers holding a hybrid store's partition twice (a leader and a
 * standby), the store switching the queue on in its settings: 1,000 good and 50 bad real-time
 * records (undecodable, no key, an unknown schema, a schema violation), and midway the dead-letter
 * topic made unwritable until the leader's partition is seen
 * waiting, then writable again (its {@code max.message.bytes} at 150 meanwhile). Every good record is readable on both replicas; {@code live_dlq}
 * holds exactly the 50 bad records, once each, with their key and value bytes as produced and the
 * right error type; {@code venice inspect-dlq} shows them; an unknown store exits 1.
 */
class DeadLetterQueuePluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STORE = "live";
  private static final String DLQ = STORE + "_dlq";
  private static final List<String> KINDS = List.of("undecodable", "empty-key",
      "unknown-schema", "schema-violation");
  private static final Schema KEY = Schema.create(Schema.Type.STRING);
  private static final Schema USER = new Schema.Parser().parse(Schemas.USER_V1);

  @Test
  void badRealTimeRecordsAreKeptOnceWithTheirBytesAndNoneIsLostWhileTheQueueIsUnwritable()
      throws Exception {
    Path pluginDir = Path.of("..", "venice-server-plugins", "dead-letter-queue", "target",
        "plugin").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("dead-letter-queue")), pluginDir
        + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(2)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", pluginDir.toString()) // to accept the store setting
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.dead-letter-queue.enabled", "true")
        .serverConfig("ingestion.unknown.schema.wait", "2s").build();
        Admin kafka = Admin.create(Map.of("bootstrap.servers",
            cluster.kafkaBootstrapServers()))) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(Map.of("name", STORE, "keySchema", Schemas.KEY,
          "valueSchema", Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 2,
          "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10),
          "pluginSettings", Map.of("plugins.dead-letter-queue.enabled", "true")));
      LocalCluster.waitFor("the servers to create " + DLQ + " ahead of need", WAIT,
          () -> topics(kafka).contains(DLQ));
      admin.startPush(STORE);
      try (VeniceWriter batch = new VeniceWriter(cluster.kafkaBootstrapServers(), "live_v1",
          1)) {
        batch.startOfPush(CompressionStrategy.NO_OP).join();
        batch.put(key("b0"), user("batch", 0), 1);
        batch.endOfPush().join();
      }
      LocalCluster.waitFor("live v1 online", WAIT,
          () -> admin.pushStatus(STORE, 1).status() == VersionStatus.ONLINE);
      VeniceServer leader = cluster.servers().stream().filter(s -> s.leads("live_v1", 0))
          .findFirst().orElseThrow();

      try (VeniceWriter realTime = new VeniceWriter(cluster.kafkaBootstrapServers(), "live_rt",
          1)) {
        write(realTime, 0, 500); // goods 0..499 and bads 0..24
        LocalCluster.waitFor("the leader to dead-letter the first 25", WAIT, () -> Scrape.sum(
            Scrape.metrics(leader.adminUrl()), "venice_server_ingestion_dead_letter_total",
            STORE) == 25);

        // the dead-letter topic cannot be written for a while: batches over 150 bytes refused,
        // which every dead letter is (a dozen headers) but a transaction marker is not (at 16
        // bytes the coordinator's abort marker is refused too, a fatal error for Kafka's
        // transaction coordinator that wedges the leader's transactional id for good)
        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, DLQ);
        kafka.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(
            new ConfigEntry("max.message.bytes", "150"), AlterConfigOp.OpType.SET)))).all()
            .get(30, TimeUnit.SECONDS);
        LocalCluster.waitFor("the broker to apply max.message.bytes=150", WAIT,
            () -> "150".equals(topicConfig(kafka, dlq, "max.message.bytes")));
        write(realTime, 500, 1000); // goods 500..999 and bads 25..49
        LocalCluster.waitFor("the leader's partition to wait for the dead-letter topic", WAIT,
            () -> Scrape.sum(Scrape.metrics(leader.adminUrl()),
                "venice_server_ingestion_dead_letter_blocked_partitions", STORE) == 1);
        String waiting = Scrape.metrics(leader.adminUrl());
        assertTrue(Scrape.sum(waiting, "venice_server_ingestion_dead_letter_write_failures_total",
            STORE) >= 1, "failed writes are counted");
        for (VeniceServer server : cluster.servers()) {
          assertFalse(readable(server, "g999", user("good", 999)),
              "nothing after the waiting record is applied on " + server.instanceId());
        }
        kafka.incrementalAlterConfigs(Map.of(dlq, List.of(new AlterConfigOp(
            new ConfigEntry("max.message.bytes", null), AlterConfigOp.OpType.DELETE)))).all()
            .get(30, TimeUnit.SECONDS);
        for (VeniceServer server : cluster.servers()) {
          LocalCluster.waitFor("g999 on " + server.instanceId(), WAIT,
              () -> readable(server, "g999", user("good", 999)));
        }
        LocalCluster.waitFor("the partition to stop waiting", WAIT, () -> Scrape.sum(
            Scrape.metrics(leader.adminUrl()),
            "venice_server_ingestion_dead_letter_blocked_partitions", STORE) == 0);
      }

      for (VeniceServer server : cluster.servers()) {
        try (Reader reads = new Reader(server)) {
          for (int g = 0; g < 1000; g++) {
            GetResponse got = reads.get(key("g" + g));
            assertTrue(got.getFound(), "g" + g + " on " + server.instanceId());
            assertArrayEquals(user("good", g), got.getValue().toByteArray(),
                "g" + g + " on " + server.instanceId());
          }
        }
      }

      // what was produced: the bad records of the real-time topic, by offset
      Map<Long, ConsumerRecord<byte[], byte[]>> bad = new TreeMap<>();
      Map<Long, String> expectedType = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : readAll(cluster, "live_rt")) {
        int i = badIndex(r);
        if (i >= 0) {
          bad.put(r.offset(), r);
          expectedType.put(r.offset(), KINDS.get(i % KINDS.size()));
        }
      }
      assertEquals(50, bad.size(), "the real-time topic holds the 50 bad records produced");

      List<ConsumerRecord<byte[], byte[]>> kept = readAll(cluster, DLQ);
      assertEquals(50, kept.size(), "exactly the 50 bad records, once each, in " + DLQ);
      Map<String, Integer> types = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> k : kept) {
        assertEquals("1", header(k, "dlq.format.version"));
        assertEquals(STORE, header(k, "dlq.store"));
        assertEquals("live_rt", header(k, "dlq.source.topic"));
        assertEquals("0", header(k, "dlq.partition"));
        assertEquals("1", header(k, "dlq.version"));
        assertNotNull(header(k, "dlq.error.message"));
        long source = Long.parseLong(header(k, "dlq.source.offset"));
        ConsumerRecord<byte[], byte[]> original = bad.remove(source);
        assertNotNull(original, "offset " + source + " is a bad record kept once");
        assertArrayEquals(original.key(), k.key(), "key bytes of offset " + source);
        assertArrayEquals(original.value(), k.value(), "value bytes of offset " + source);
        assertEquals(expectedType.get(source), header(k, "dlq.error.type"), "offset " + source);
        types.merge(header(k, "dlq.error.type"), 1, Integer::sum);
      }
      assertTrue(bad.isEmpty(), "not kept: " + bad.keySet());
      assertEquals(Map.of("empty-key", 13, "schema-violation", 12, "undecodable", 13,
          "unknown-schema", 12), types);

      String out = DistributionCli.venice(cluster.controllerUrl(), "inspect-dlq", "--store",
          STORE, "--limit", "100", "--json");
      JsonNode shown = JSON.readTree(out.substring(out.indexOf('{')));
      assertEquals(50, shown.path("entries").size(), out);
      Map<String, Integer> shownTypes = new TreeMap<>();
      for (JsonNode e : shown.path("entries")) {
        shownTypes.merge(e.path("errorType").asText(), 1, Integer::sum);
        if (e.path("errorType").asText().equals("unknown-schema")) {
          assertEquals("PUT", e.path("value").path("type").asText(), e.toString());
          assertTrue(e.path("key").asText().startsWith("bad-"), e.toString());
        }
      }
      assertEquals(types, shownTypes);
      DistributionCli.Result unknown = DistributionCli.run(cluster.controllerUrl(),
          "inspect-dlq", "--store", "nope");
      assertEquals(1, unknown.status(), unknown.output());
      assertTrue(unknown.output().contains("store nope does not exist"), unknown.output());
    }
  }

  /**
   * Writes goods {@code from} to {@code to - 1} to the real-time topic and, after every 20th, a bad
   * record of the next kind (bad {@code i} follows good {@code 20 i + 19}).
   */
  private static void write(VeniceWriter rt, int from, int to) {
    for (int g = from; g < to; g++) {
      rt.put(key("g" + g), user("good", g), 1);
      if ((g + 1) % 20 == 0) {
        int i = (g + 1) / 20 - 1;
        switch (KINDS.get(i % KINDS.size())) {
          case "undecodable" -> rt.sendRaw(0, key("bad-" + i), new byte[] {1, 2, 3, (byte) i});
          case "empty-key" -> rt.put(new byte[0], user("bad", i), 1);
          case "unknown-schema" -> rt.put(key("bad-" + i), user("bad", i), 99);
          default -> rt.put(key("bad-" + i), new byte[] {0x7F}, 1); // a negative length
        }
      }
    }
    rt.flush();
  }

  /** Which bad record {@code r} is, or -1 for a good one. */
  private static int badIndex(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null || r.key().length == 0) {
      Envelope e = Envelope.decode(r.value());
      GenericRecord v = (GenericRecord) AvroSerde.deserialize(USER, USER, e.value());
      return (Integer) v.get("age");
    }
    String k = AvroSerde.deserialize(KEY, KEY, r.key()).toString();
    return k.startsWith("bad-") ? Integer.parseInt(k.substring(4)) : -1;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String topicConfig(Admin kafka, ConfigResource topic, String name) {
    try {
      ConfigEntry e = kafka.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS)
          .get(topic).get(name);
      return e == null ? null : e.value();
    } catch (Exception e) {
      return null;
    }
  }

  private static java.util.Set<String> topics(Admin kafka) {
    try {
      return kafka.listTopics().names().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return java.util.Set.of();
    }
  }

  /** Every committed record of a one-or-more-partition topic, up to its end now. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(LocalCluster cluster,
      String topic) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", cluster.kafkaBootstrapServers(), "isolation.level",
        "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
          .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "reading " + topic);
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }

  private static boolean readable(VeniceServer server, String key, byte[] expected) {
    try (Reader reads = new Reader(server)) {
      GetResponse got = reads.get(key(key));
      return got.getFound() && Arrays.equals(expected, got.getValue().toByteArray());
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  private static byte[] key(String id) {
    return AvroSerde.serialize(KEY, id);
  }

  private static byte[] user(String name, int age) {
    GenericRecord record = new GenericData.Record(USER);
    record.put("name", name);
    record.put("age", age);
    return AvroSerde.serialize(USER, record);
  }

  /** Reads version 1 of the store straight from one server over gRPC. */
  private static final class Reader implements AutoCloseable {
    private final ManagedChannel channel;
    private final VeniceReadGrpc.VeniceReadBlockingStub stub;

    Reader(VeniceServer server) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
          .build();
      stub = VeniceReadGrpc.newBlockingStub(channel);
    }

    GetResponse get(byte[] key) {
      return stub.withDeadlineAfter(10, TimeUnit.SECONDS).get(GetRequest.newBuilder()
          .setStore(STORE).setVersion(1).setPartition(-1).setKey(ByteString.copyFrom(key))
          .build());
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }
}
