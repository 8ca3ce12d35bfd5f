package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushException;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's read and write paths on a local cluster: push jobs from Avro and JSON-lines files,
 * thin and fast clients (single, batch, streaming), a version swap under a running reader, the
 * online producer, decorator stacking, and bad input.
 */
class ClientsAndPushTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;
  private static ControllerClient admin;

  @TempDir static Path files;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .routerConfig("plugins.test-probe.enabled", "true").build();
    admin = new ControllerClient(cluster.controllerUrl());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static VeniceClients.Builder clients(String store) {
    return VeniceClients.builder(cluster.routerUrl(), store)
        .metadataRefresh(Duration.ofMillis(200));
  }

  private static GenericRecord user(String name, int age) {
    return Data.userRecord(name, age);
  }

  private static Path avroFile(String name, int count, int ageOffset) throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields()
        .name("key").type(Data.KEY).noDefault()
        .name("value").type(Data.USER).noDefault().endRecord();
    Path file = files.resolve(name);
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema))) {
      writer.create(schema, file.toFile());
      for (int i = 0; i < count; i++) {
        GenericRecord row = new GenericData.Record(schema);
        row.put("key", "p-" + i);
        row.put("value", user("name-" + i, ageOffset + i));
        writer.append(row);
      }
    }
    return file;
  }

  private static Path jsonFile(String name, int count, int ageOffset) throws IOException {
    return Data.userLines(files.resolve(name), "p-", count, ageOffset);
  }

  private static int age(Object value) {
    return (Integer) ((GenericRecord) value).get("age");
  }

  @Test
  void pushesAreReadableThroughBothClientsAndSwapWithoutAFailedRead() throws Exception {
    admin.createStore("people", Schemas.KEY, Schemas.USER_V1, 3, 2);
    List<String> progress = new ArrayList<>();
    PushJob.Result first = PushJob.create(cluster.controllerUrl(), "people",
        avroFile("people.avro", 200, 0)).progress(p -> progress.add(p.phase())).run();
    cluster.awaitRoutable("people", WAIT);
    assertEquals(1, first.version());
    assertEquals(200, first.records());
    assertEquals("DONE", progress.get(progress.size() - 1));

    try (StoreClient<String, Object> thin = clients("people").thin();
        StoreClient<String, Object> fast = clients("people").fast()) {
      for (StoreClient<String, Object> client : List.of(thin, fast)) {
        for (int i = 0; i < 200; i += 7) {
          assertEquals(i, age(client.get("p-" + i).join()));
        }
        assertNull(client.get("nobody").join());
        Set<String> keys = new HashSet<>(List.of("p-1", "p-2", "p-150", "nobody"));
        Map<String, Object> batch = client.batchGet(keys).join();
        assertEquals(Set.of("p-1", "p-2", "p-150"), batch.keySet());
        assertEquals(150, age(batch.get("p-150")));
        Map<String, Object> streamed = new ConcurrentHashMap<>();
        AtomicLong absent = new AtomicLong();
        client.streamingBatchGet(keys, (key, value) -> {
          if (value == null) {
            absent.incrementAndGet();
          } else {
            streamed.put(key, value);
          }
        }).join();
        assertEquals(batch.keySet(), streamed.keySet());
        assertEquals(1, absent.get());
      }

      AtomicBoolean reading = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      AtomicLong reads = new AtomicLong();
      Thread reader = new Thread(() -> {
        int i = 0;
        while (reading.get()) {
          int n = i++ % 200;
          for (StoreClient<String, Object> client : List.of(thin, fast)) {
            try {
              int age = age(client.get("p-" + n).join());
              if (age != n && age != 1000 + n) {
                problems.add("p-" + n + " had age " + age);
              }
              reads.incrementAndGet();
            } catch (RuntimeException e) {
              problems.add("p-" + n + ": " + e);
            }
          }
        }
      }, "reader-during-swap");
      reader.start();
      try {
        PushJob.Result second = PushJob.create(cluster.controllerUrl(), "people",
            jsonFile("people.jsonl", 200, 1000)).run();
        cluster.awaitRoutable("people", WAIT);
        assertEquals(2, second.version());
        for (StoreClient<String, Object> client : List.of(thin, fast)) {
          LocalCluster.waitFor("the new version's values", WAIT,
              () -> age(client.get("p-3").join()) == 1003);
        }
      } finally {
        reading.set(false);
        reader.join();
      }
      assertTrue(problems.isEmpty(), "reads failed or saw a third value during the swap: "
          + problems);
      assertTrue(reads.get() > 10, "the reader ran " + reads.get() + " reads");
    }
  }

  @Test
  void zstdWithDictVersionsCarryTheirDictionaryToServersAndClients() throws Exception {
    admin.createStore(Map.of("name", "dicted", "keySchema", Schemas.KEY,
        "valueSchema", Schemas.USER_V1, "partitionCount", 2, "replicationFactor", 2,
        "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10),
        "compressionStrategy", "ZSTD_WITH_DICT"));
    Path input = jsonFile("dicted.jsonl", 400, 0);
    PushJob.create(cluster.controllerUrl(), "dicted", input).run();
    cluster.awaitRoutable("dicted", WAIT);
    byte[] first = admin.dictionary("dicted", 1);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<byte[]> fromRouter = http.send(HttpRequest.newBuilder(URI.create(
        cluster.routerUrl() + "/dictionary/dicted/1")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, fromRouter.statusCode());
    assertArrayEquals(first, fromRouter.body(), "the router serves the controller's dictionary");
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(cluster.routerUrl()
        + "/dictionary/dicted/9")).build(), HttpResponse.BodyHandlers.ofByteArray())
        .statusCode());
    // what Kafka holds is zstd framed with that dictionary (its id in every frame header)
    long dictionaryId = Zstd.getDictIdFromDict(first);
    assertTrue(dictionaryId != 0, "a trained dictionary");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition("dicted_v1", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      List<byte[]> values = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (values.size() < 10 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Envelope envelope = Envelope.decode(record.value());
          if (envelope.type() == Envelope.MessageType.PUT) {
            values.add(envelope.value());
          }
        }
      }
      assertEquals(10, Math.min(10, values.size()));
      values.forEach(v -> assertEquals(dictionaryId, Zstd.getDictIdFromFrame(v)));
    }

    try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), "dicted");
        StoreClient<String, Object> thin = clients("dicted").thin();
        StoreClient<String, Object> fast = clients("dicted").fast()) {
      for (StoreClient<String, Object> client : List.of(thin, fast)) {
        for (int i = 0; i < 400; i += 37) {
          assertEquals(i, age(client.get("p-" + i).join()));
        }
        Set<String> keys = Set.of("p-1", "p-2", "p-399");
        assertEquals(399, age(client.batchGet(keys).join().get("p-399")));
        Map<String, Object> streamed = new ConcurrentHashMap<>();
        client.streamingBatchGet(keys, (key, value) -> streamed.put(key, value)).join();
        assertEquals(2, age(streamed.get("p-2")));
      }
      // real-time writes: the leader compresses them into the version topic with the dictionary
      producer.put("live", user("live", 77)).join();
      for (StoreClient<String, Object> client : List.of(thin, fast)) {
        LocalCluster.waitFor("a real-time write", WAIT, () -> {
          Object live = client.get("live").join();
          return live != null && age(live) == 77;
        });
      }
      // a new version trains its own dictionary; readers switch to it
      PushJob.create(cluster.controllerUrl(), "dicted", jsonFile("dicted2.jsonl", 400, 5000))
          .run();
      cluster.awaitRoutable("dicted", WAIT);
      assertFalse(java.util.Arrays.equals(first, admin.dictionary("dicted", 2)));
      for (StoreClient<String, Object> client : List.of(thin, fast)) {
        LocalCluster.waitFor("version 2's values", WAIT,
            () -> age(client.get("p-3").join()) == 5003);
        assertEquals(5399, age(client.batchGet(Set.of("p-399")).join().get("p-399")));
      }
    }
    // the dictionary is the push's, once: refused after the push and for other strategies
    ControllerException ended = assertThrows(ControllerException.class,
        () -> admin.putDictionary("dicted", 2, new byte[] {1, 2, 3}));
    assertEquals("PUSH_NOT_IN_PROGRESS", ended.errorType());
    admin.createStore("plainzstd", Schemas.KEY, Schemas.USER_V1, 1, 1);
    admin.updateStore("plainzstd", Map.of("compressionStrategy", "ZSTD"));
    admin.startPush("plainzstd");
    ControllerException noDictionary = assertThrows(ControllerException.class,
        () -> admin.putDictionary("plainzstd", 1, new byte[] {1, 2, 3}));
    assertEquals(400, noDictionary.status());
    assertTrue(noDictionary.getMessage().contains("compressed with ZSTD, which takes no"
        + " dictionary"), noDictionary.getMessage());
    admin.killPush("plainzstd", 1);
  }

  @Test
  void onlineProducerWritesAreReadableThroughBothClients() throws Exception {
    admin.createStore(Map.of("name", "feed", "keySchema", Schemas.KEY,
        "valueSchema", Schemas.USER_V1, "partitionCount", 2, "replicationFactor", 2,
        "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10),
        "compressionStrategy", "GZIP"));
    PushJob.create(cluster.controllerUrl(), "feed", jsonFile("feed.jsonl", 5, 0)).run();
    cluster.awaitRoutable("feed", WAIT);
    try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), "feed");
        StoreClient<String, Object> thin = clients("feed").thin();
        StoreClient<String, Object> fast = clients("feed").fast()) {
      producer.put("live-1", user("live", 42)).join();
      producer.put("p-0", user("updated", 7)).join();
      producer.delete("p-1").join();
      for (StoreClient<String, Object> client : List.of(thin, fast)) {
        LocalCluster.waitFor("real-time writes visible", WAIT, () -> {
          Object live = client.get("live-1").join();
          return live != null && age(live) == 42 && age(client.get("p-0").join()) == 7
              && client.get("p-1").join() == null;
        });
      }
      IllegalArgumentException notHybrid = assertThrows(IllegalArgumentException.class,
          () -> {
            admin.createStore("batchonly", Schemas.KEY, Schemas.USER_V1, 1, 1);
            OnlineProducer.create(cluster.controllerUrl(), "batchonly");
          });
      assertTrue(notHybrid.getMessage().startsWith("store batchonly is not hybrid"));
    }
  }

  @Test
  void decoratorsStackInBuilderOrderAndByConfiguration() throws Exception {
    admin.createStore("decorated", Schemas.KEY, Schemas.USER_V1, 1, 1);
    admin.updateStore("decorated", Map.of("pluginSettings",
        Map.of("plugins.test-tag.tag", "from-store")));
    PushJob.create(cluster.controllerUrl(), "decorated", jsonFile("decorated.jsonl", 3, 0)).run();
    cluster.awaitRoutable("decorated", WAIT);
    List<String> calls = new CopyOnWriteArrayList<>();
    TagPlugin.SEEN.clear();
    try (StoreClient<String, Object> client = clients("decorated")
        .decorate(recording("outer", calls))
        .decorate(recording("inner", calls))
        .pluginConfig(Map.of("plugins.test-tag.enabled", "true"))
        .fast()) {
      assertEquals(2, age(client.get("p-2").join()));
      assertEquals(List.of("outer", "inner"), calls);
      assertEquals(List.of("from-store:p-2"), List.copyOf(TagPlugin.SEEN));
    }
    try (StoreClient<String, Object> plain = clients("decorated").fast()) {
      TagPlugin.SEEN.clear();
      plain.get("p-2").join();
      assertTrue(TagPlugin.SEEN.isEmpty(), "not enabled, not stacked");
    }
  }

  private static StoreClientDecorator recording(String name, List<String> calls) {
    return new StoreClientDecorator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
        return new ForwardingStoreClient<>(client) {
          @Override
          public CompletableFuture<V> get(K key, RequestContext context) {
            calls.add(name);
            return super.get(key, context);
          }
        };
      }
    };
  }

  @Test
  void routerReadHooksAnswerSingleBatchAndStreamingReads() throws Exception {
    admin.createStore("hooked", Schemas.KEY, Schemas.USER_V1, 2, 1);
    Path file = Files.write(files.resolve("hooked.jsonl"), List.of(
        "{\"key\": \"open-1\", \"value\": {\"name\": \"a\", \"age\": 1}}",
        "{\"key\": \"blocked-1\", \"value\": {\"name\": \"b\", \"age\": 2}}"));
    PushJob.create(cluster.controllerUrl(), "hooked", file).run();
    cluster.awaitRoutable("hooked", WAIT);
    try (StoreClient<String, Object> thin = clients("hooked").thin();
        StoreClient<String, Object> fast = clients("hooked").fast()) {
      assertEquals(2, age(fast.get("blocked-1").join()), "servers have no hook: stored value");
      assertNull(thin.get("blocked-1").join(), "the router's read hook answered absent");
      assertEquals(1, age(thin.get("open-1").join()));
      Map<String, Object> batch = thin.batchGet(Set.of("open-1", "blocked-1")).join();
      assertEquals(Set.of("open-1"), batch.keySet());
      Map<String, Object> streamed = new ConcurrentHashMap<>();
      List<String> absent = new CopyOnWriteArrayList<>();
      thin.streamingBatchGet(Set.of("open-1", "blocked-1"), (key, value) -> {
        if (value == null) {
          absent.add(key);
        } else {
          streamed.put(key, value);
        }
      }).join();
      assertEquals(Set.of("open-1"), streamed.keySet());
      assertEquals(List.of("blocked-1"), absent);
    }
  }

  @Test
  void emptyAndShrinkingPushesAreRefusedUnlessAskedFor() throws Exception {
    admin.createStore("shrinking", Schemas.KEY, Schemas.USER_V1, 2, 1);
    PushJob.create(cluster.controllerUrl(), "shrinking", jsonFile("ten.jsonl", 10, 0)).run();
    Path empty = Files.write(files.resolve("empty.jsonl"), List.of("", "  "));
    PushException refusedEmpty = assertThrows(PushException.class,
        () -> PushJob.create(cluster.controllerUrl(), "shrinking", empty).run());
    assertTrue(refusedEmpty.getMessage().startsWith("push into store shrinking has no records;"),
        refusedEmpty.getMessage());
    assertTrue(refusedEmpty.getMessage().endsWith("(409 EMPTY_PUSH)"), refusedEmpty.getMessage());
    Path three = jsonFile("three.jsonl", 3, 100);
    PushException refusedShrink = assertThrows(PushException.class,
        () -> PushJob.create(cluster.controllerUrl(), "shrinking", three).run());
    assertTrue(refusedShrink.getMessage().startsWith("push into store shrinking has 3 records, 70%"
        + " fewer than the 10 of current version 1"), refusedShrink.getMessage());
    assertEquals(List.of(1), admin.getStore("shrinking").versions().stream()
        .map(Version::number).toList(), "refusals create no version");
    cluster.awaitRoutable("shrinking", WAIT);
    try (StoreClient<String, Object> client = clients("shrinking").thin()) {
      assertEquals(9, age(client.get("p-9").join()), "the current version still serves");
    }

    assertEquals(2, PushJob.create(cluster.controllerUrl(), "shrinking", three).force(true).run()
        .version());
    assertEquals(3, PushJob.create(cluster.controllerUrl(), "shrinking", empty).allowEmpty(true)
        .run().version());
    cluster.awaitRoutable("shrinking", WAIT);
    try (StoreClient<String, Object> client = clients("shrinking").thin()) {
      assertNull(client.get("p-0").join(), "an allowed empty push serves no records");
    }
  }

  @Test
  void badInputIsAClearErrorAndLeavesTheStoreAlone() throws Exception {
    admin.createStore("careful", Schemas.KEY, Schemas.USER_V1, 2, 1);
    PushJob.create(cluster.controllerUrl(), "careful", jsonFile("good.jsonl", 10, 0)).run();
    cluster.awaitRoutable("careful", WAIT);
    Path bad = Files.write(files.resolve("bad.jsonl"), List.of(
        "{\"key\": \"p-0\", \"value\": {\"name\": \"a\", \"age\": 1}}",
        "",
        "{\"key\": \"p-1\", \"value\": {\"name\": \"b\", \"age\": \"old\"}}"));
    PushException failed = assertThrows(PushException.class,
        () -> PushJob.create(cluster.controllerUrl(), "careful", bad).run());
    assertTrue(failed.getMessage().startsWith("push into store careful: " + bad + " line 3 does"
        + " not match the store's schemas"), failed.getMessage());
    assertEquals(1, admin.getStore("careful").currentVersion(), "current version untouched");

    String good = "{\"key\": \"p-0\", \"value\": {\"name\": \"a\", \"age\": 1}}";
    Map<String, String> malformed = new LinkedHashMap<>();
    malformed.put(good.substring(0, good.length() - 1), "is not one JSON object: Unexpected"
        + " end-of-input");
    malformed.put(good + " trailing", "is not one JSON object: Unrecognized token 'trailing'");
    malformed.put(good + good, "is not one JSON object: Trailing token");
    malformed.put(good.replace("}}", "}, \"extra\": 1}"), "has an unknown field 'extra'; a line"
        + " has only \"key\" and \"value\"");
    malformed.put(good.replace("\"age\": 1", "\"age\": 1, \"agee\": 2"), "has the field"
        + " value.agee, which the store's value schema 1 does not have");
    malformed.put("{\"key\": \"p-0\"}", "has no \"value\" field");
    malformed.put("[\"p-0\", 1]", "is not a JSON object");
    malformed.put(good.replace("\"key\": \"p-0\", ", "\"key\": \"p-0\", \"key\": \"p-1\", "),
        "is not one JSON object: Duplicate field 'key'");
    int versionsBefore = admin.getStore("careful").versions().size();
    for (Map.Entry<String, String> line : malformed.entrySet()) {
      Path file = Files.write(files.resolve("malformed.jsonl"), List.of(good, line.getKey()));
      PushException refused = assertThrows(PushException.class,
          () -> PushJob.create(cluster.controllerUrl(), "careful", file).run(), line.getKey());
      assertTrue(refused.getMessage().startsWith("push into store careful: " + file + " line 2 "
          + line.getValue()), line.getKey() + " -> " + refused.getMessage());
    }
    assertEquals(versionsBefore, admin.getStore("careful").versions().size(),
        "a bad input is found before any version exists");

    PushException unknown = assertThrows(PushException.class,
        () -> PushJob.create(cluster.controllerUrl(), "nope", bad).run());
    assertTrue(unknown.getMessage().contains("store nope does not exist"), unknown.getMessage());
    assertThrows(UnknownStoreException.class, () -> clients("nope").fast());
    assertThrows(UnknownStoreException.class, () -> clients("nope").thin());

    try (StoreClient<Object, Object> client = clients("careful").fast()) {
      CompletionException wrongType = assertThrows(CompletionException.class,
          () -> client.get(42).join());
      VeniceClientException cause = assertInstanceOf(VeniceClientException.class,
          wrongType.getCause());
      assertTrue(cause.getMessage().startsWith("store careful: key 42 (Integer) does not match"
          + " the key schema \"string\""), cause.getMessage());
      assertEquals(0, age(client.get("p-0").join()));
    }
  }
}
