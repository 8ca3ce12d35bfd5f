package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.server.DeadLetterRecord;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Server hook points end to end: a plugin on the server's class path sees decompressed records
 * (and rejects one to the dead-letter path), short-circuits reads, receives request headers, and
 * follows the server's lifecycle; values pushed with ZSTD come back compressed as stored.
 */
class ServerPluginHooksTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void hooksSeeRecordsReadsHeadersAndLifecycle() throws Exception {
    ProbePlugin.LIFECYCLE.clear();
    ProbePlugin.INGESTED.clear();
    ProbePlugin.OUTCOMES.clear();
    ProbePlugin.TRACEPARENTS.clear();
    ProbePlugin.DEAD_LETTERS.clear();
    byte[] garbage = {0x7f, 0x00, 0x13};
    try (LocalCluster cluster = LocalCluster.builder().servers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugins.test-probe.enabled", "true").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(Map.of("name", "packed", "keySchema", Schemas.KEY,
          "valueSchema", Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 1,
          "compressionStrategy", "ZSTD"));
      assertEquals(CompressionStrategy.ZSTD, admin.startPush("packed").compressionStrategy());
      try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), "packed_v1",
          1)) {
        writer.startOfPush(CompressionStrategy.ZSTD).join();
        for (String key : List.of("plain-1", "blocked-1", "reject-1")) {
          writer.put(Data.key(key), Compression.compress(CompressionStrategy.ZSTD,
              Data.user(key, 1)), 1);
        }
        writer.flush();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
          ProducerRecord<byte[], byte[]> junk = new ProducerRecord<>("packed_v1", 0,
              Data.key("junk-1"), garbage);
          junk.headers().add("origin", "test".getBytes(StandardCharsets.UTF_8));
          junk.headers().add("empty", null); // Kafka allows a header without a value
          raw.send(junk).get();
        }
        writer.endOfPush().join();
      }
      LocalCluster.waitFor("packed online", WAIT,
          () -> admin.pushStatus("packed", 1).status() == VersionStatus.ONLINE);
      VeniceServer server = cluster.servers().get(0);
      assertEquals(List.of("start", "ready"), ProbePlugin.lifecycle());
      assertEquals(2, ProbePlugin.INGESTED.size(), "the rejected record never reached storage");
      assertTrue(ProbePlugin.INGESTED.stream().anyMatch(v -> v.contains("plain-1")),
          "the hook saw the decompressed value");
      Map<String, DeadLetterRecord> deadLetters = new HashMap<>();
      ProbePlugin.DEAD_LETTERS.forEach(d -> deadLetters.put(d.reason(), d));
      assertEquals(Set.of("rejected", "undecodable"), deadLetters.keySet());
      DeadLetterRecord undecodable = deadLetters.get("undecodable");
      assertArrayEquals(garbage, undecodable.value(), "the record's bytes, exactly as in Kafka");
      assertArrayEquals(Data.key("junk-1"), undecodable.key());
      assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), undecodable.headers()
          .get("origin"));
      assertTrue(undecodable.headers().containsKey("empty"));
      assertNull(undecodable.headers().get("empty"));
      assertEquals("packed_v1", undecodable.topic());
      assertEquals(1, undecodable.version());
      assertTrue(undecodable.permanent());
      assertArrayEquals(Data.key("reject-1"), deadLetters.get("rejected").key());
      assertTrue(deadLetters.get("rejected").message().contains("key asks to be rejected"));

      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
          .usePlaintext().build();
      try {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        VeniceReadGrpc.VeniceReadBlockingStub reads = VeniceReadGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        GetResponse plain = reads.get(get("plain-1"));
        assertEquals("ZSTD", plain.getCompressionStrategy());
        assertArrayEquals(Data.user("plain-1", 1), Compression.decompress(CompressionStrategy.ZSTD,
            plain.getValue().toByteArray()));
        assertFalse(reads.get(get("blocked-1")).getFound(), "answered by the read hook");
        assertFalse(reads.get(get("reject-1")).getFound(), "rejected at ingestion");
        assertTrue(ProbePlugin.TRACEPARENTS.contains(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertTrue(ProbePlugin.OUTCOMES.stream().anyMatch(o -> o.answeredByHook() && !o.found()));
        assertTrue(ProbePlugin.OUTCOMES.stream().anyMatch(o -> o.found() && o.valueSize() > 0));
      } finally {
        channel.shutdownNow();
      }

      HttpClient http = HttpClient.newHttpClient();
      String metrics = http.send(HttpRequest.newBuilder(URI.create(server.adminUrl()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("venice_server_ingestion_dead_letter_total{reason=\"rejected\","
          + "store=\"packed\"} 1.0"), metrics);
      JsonNode partitions = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
          URI.create(server.adminUrl() + "/partitions")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("packed", partitions.get(0).get("store").asText());
      assertEquals(1, partitions.get(0).get("version").asInt());
      assertTrue(partitions.get(0).get("recordCount").asLong() > 0, "RocksDB's key estimate");
      assertTrue(partitions.get(0).get("bytes").asLong() > 0);

      cluster.stopServer(server);
      assertEquals(List.of("start", "ready", "drain", "stop"), ProbePlugin.lifecycle());
    }
  }

  private static GetRequest get(String key) {
    return GetRequest.newBuilder().setStore("packed").setVersion(1).setPartition(-1)
        .setKey(ByteString.copyFrom(Data.key(key))).build();
  }
}
