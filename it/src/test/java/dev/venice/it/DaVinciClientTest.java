package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.DaVinciClient;
import dev.venice.runtime.client.DaVinciConfig;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.VeniceClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
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
 * The Da Vinci client on a local cluster: bootstrap, local reads (single, batch, streaming,
 * scan), a version swap under a running reader, hybrid updates, partial subscriptions (also
 * during a background bootstrap), one client per data directory, a close that leaves no thread
 * behind (also after a failed start), dvc-memory-pressure on the real shared block cache, and
 * {@code venice export-store} under a heap smaller than the data, read back by DuckDB.
 */
class DaVinciClientTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;
  private static ControllerClient admin;

  @TempDir static Path files;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    admin = new ControllerClient(cluster.controllerUrl());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static DaVinciConfig config(String dir) {
    return DaVinciConfig.builder(cluster.zooKeeperAddress(), cluster.clusterName(),
        cluster.kafkaBootstrapServers(), files.resolve(dir)).build();
  }

  private static Path users(String name, int count, int ageOffset) throws Exception {
    return Data.userLines(files.resolve(name), "k-", count, ageOffset);
  }

  private static int age(Object value) {
    return (Integer) ((GenericRecord) value).get("age");
  }

  @Test
  void bootstrapsReadsLocallySwapsVersionsWithoutAFailedReadAndFollowsRealTime()
      throws Exception {
    admin.createStore(Map.of("name", "dvc", "keySchema", Schemas.KEY,
        "valueSchema", Schemas.USER_V1, "partitionCount", 3, "replicationFactor", 1,
        "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 10),
        "compressionStrategy", "GZIP"));
    PushJob.create(cluster.controllerUrl(), "dvc", users("v1.jsonl", 300, 0)).run();
    try (DaVinciClient<String, Object> client = DaVinciClient.start("dvc", config("dvc"))) {
      assertInstanceOf(VeniceClientException.class, cause(() -> client.get("k-0").join()),
          "nothing subscribed yet");
      client.subscribeAll().get(60, TimeUnit.SECONDS);
      assertEquals(1, client.servingVersion());
      assertEquals(Set.of(0, 1, 2), client.subscribedPartitions());
      for (int i = 0; i < 300; i++) {
        assertEquals(i, age(client.get("k-" + i).join()), "k-" + i);
      }
      assertNull(client.get("absent").join());
      Set<String> keys = IntStream.range(0, 300).mapToObj(i -> "k-" + i)
          .collect(Collectors.toSet());
      Map<String, Object> batch = client.batchGet(keys).join();
      assertEquals(300, batch.size());
      Map<String, Integer> streamed = new TreeMap<>();
      client.streamingBatchGet(keys, (key, value) -> streamed.put(key, age(value))).join();
      assertEquals(300, streamed.size());
      Map<String, Integer> scanned = new TreeMap<>();
      assertEquals(300, client.scan((key, value) -> scanned.put(key, age(value)), Long.MAX_VALUE));
      assertEquals(streamed, scanned);
      assertEquals(10, client.scan((key, value) -> { }, 10));

      // a reader runs through a push of version 2 and the swap to it
      AtomicBoolean reading = new AtomicBoolean(true);
      AtomicLong reads = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      Thread reader = new Thread(() -> {
        int i = 0;
        while (reading.get()) {
          try {
            int age = age(client.get("k-" + (i % 300)).join());
            if (age != i % 300 && age != 1000 + i % 300) {
              failures.add(new AssertionError("k-" + i % 300 + " read age " + age));
            }
            reads.incrementAndGet();
          } catch (RuntimeException e) {
            failures.add(e);
          }
          i++;
        }
      }, "dvc-reader");
      reader.start();
      try {
        PushJob.create(cluster.controllerUrl(), "dvc", users("v2.jsonl", 300, 1000)).run();
        LocalCluster.waitFor("the Da Vinci client on version 2", WAIT,
            () -> client.servingVersion() == 2);
        long atSwap = reads.get();
        LocalCluster.waitFor("reads after the swap", WAIT, () -> reads.get() > atSwap + 1000);
      } finally {
        reading.set(false);
        reader.join();
      }
      assertTrue(failures.isEmpty(), () -> failures.size() + " failed reads across the swap,"
          + " first: " + failures.peek());
      for (int i = 0; i < 300; i++) {
        assertEquals(1000 + i, age(client.get("k-" + i).join()), "k-" + i);
      }
      LocalCluster.waitFor("version 1's local copy deleted", WAIT,
          () -> !Files.exists(files.resolve("dvc").resolve("dvc_v1").resolve("dvc_v1_0")));

      // real-time writes reach the local copy through the version topic
      try (OnlineProducer producer = OnlineProducer.create(cluster.controllerUrl(), "dvc")) {
        producer.put("live-1", Data.userRecord("live", 42)).join();
        producer.put("k-0", Data.userRecord("updated", 7)).join();
        producer.delete("k-1").join();
      }
      LocalCluster.waitFor("real-time writes visible locally", WAIT, () -> {
        Object live = client.get("live-1").join();
        return live != null && age(live) == 42 && age(client.get("k-0").join()) == 7
            && client.get("k-1").join() == null;
      });

      // a partial subscription: an unsubscribed partition's keys fail clearly
      client.unsubscribe(Set.of(0)).get(30, TimeUnit.SECONDS);
      assertEquals(Set.of(1, 2), client.subscribedPartitions());
      String inPartition0 = IntStream.range(0, 300).mapToObj(i -> "k-" + i)
          .filter(k -> !tryRead(client, k)).findFirst().orElseThrow();
      Throwable notLocal = cause(() -> client.get(inPartition0).join());
      assertInstanceOf(VeniceClientException.class, notLocal);
      assertTrue(notLocal.getMessage().startsWith("store dvc: partition 0 is not subscribed"),
          notLocal.getMessage());
      Throwable outOfRange = cause(() -> client.subscribe(Set.of(7)).join());
      assertInstanceOf(IllegalArgumentException.class, outOfRange);
      assertEquals("store dvc version 2 has partitions 0 to 2; cannot subscribe partition 7",
          outOfRange.getMessage());
    }
  }

  private static boolean tryRead(DaVinciClient<String, Object> client, String key) {
    try {
      client.get(key).join();
      return true;
    } catch (CompletionException e) {
      return false;
    }
  }

  /** What {@code action} failed with, a join's {@link CompletionException} unwrapped. */
  private static Throwable cause(Runnable action) {
    CompletionException failed = assertThrows(CompletionException.class, action::run);
    return failed.getCause();
  }

  @Test
  void closeLeavesNoThreadAlsoAfterAFailedStart() throws Exception {
    admin.createStore("quiet", Schemas.KEY, Schemas.USER_V1, 2, 1);
    PushJob.create(cluster.controllerUrl(), "quiet", users("quiet.jsonl", 50, 0)).run();
    // in a JVM of its own, so the cluster's threads here cannot hide or fake a leak
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        DaVinciChild.classPath(), DaVinciChild.class.getName(), "threads", cluster.zooKeeperAddress(),
        cluster.clusterName(), cluster.kafkaBootstrapServers(),
        files.resolve("quiet").toString(), "quiet").redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
    assertEquals(0, child.exitValue(), output);
    assertTrue(output.contains("RESULT threads left: []"), output);
  }

  @Test
  void readsOfAPartitionStillBootstrappingFailAtOnceAndPluginsHookIngestion() throws Exception {
    admin.createStore("gated", Schemas.KEY, Schemas.USER_V1, 1, 1);
    PushJob.create(cluster.controllerUrl(), "gated", users("gated.jsonl", 20, 0)).run();
    DaVinciTestIngestionPlugin.gate = new CountDownLatch(1);
    DaVinciConfig gated = DaVinciConfig.builder(cluster.zooKeeperAddress(), cluster.clusterName(),
            cluster.kafkaBootstrapServers(), files.resolve("gated"))
        .pluginConfig(Map.of("plugins.test-dvc-ingestion.enabled", "true")).build();
    try (DaVinciClient<String, Object> client = DaVinciClient.start("gated", gated)) {
      CompletableFuture<Void> subscribed = client.subscribeAll();
      LocalCluster.waitFor("partition 0 subscribed", WAIT,
          () -> client.subscribedPartitions().equals(Set.of(0)));
      Throwable early = cause(() -> client.get("k-1").join());
      assertInstanceOf(ServiceUnavailableException.class, early);
      assertEquals("store gated: partition 0 of version 1 is still bootstrapping; wait for"
          + " subscribe()'s future before reading it", early.getMessage());
      assertFalse(subscribed.isDone());
      DaVinciTestIngestionPlugin.gate.countDown();
      subscribed.get(60, TimeUnit.SECONDS);
      assertEquals(1, age(client.get("k-1").join()));
    } finally {
      DaVinciTestIngestionPlugin.gate.countDown();
    }
  }

  @Test
  void unsubscribingWhileANewVersionBootstrapsStillSwapsAndADataDirectoryHasOneClient()
      throws Exception {
    admin.createStore("moving", Schemas.KEY, Schemas.USER_V1, 3, 1);
    PushJob.create(cluster.controllerUrl(), "moving", users("moving1.jsonl", 60, 0)).run();
    DaVinciConfig config = DaVinciConfig.builder(cluster.zooKeeperAddress(),
            cluster.clusterName(), cluster.kafkaBootstrapServers(), files.resolve("moving"))
        .pluginConfig(Map.of("plugins.test-dvc-ingestion.enabled", "true")).build();
    try (DaVinciClient<String, Object> client = DaVinciClient.start("moving", config)) {
      client.subscribeAll().get(60, TimeUnit.SECONDS);
      IllegalStateException taken = assertThrows(IllegalStateException.class,
          () -> DaVinciClient.start("moving", config));
      assertTrue(taken.getMessage().contains("is in use by another Da Vinci client"),
          taken.getMessage());
      // version 2 bootstraps slowly (200 ms a record: a slow disk), so it is still bootstrapping
      // when partition 0 is unsubscribed; a stop waits for the records in hand, never a gate
      DaVinciTestIngestionPlugin.delayNanos = TimeUnit.MILLISECONDS.toNanos(200);
      PushJob.create(cluster.controllerUrl(), "moving", users("moving2.jsonl", 60, 1000)).run();
      LocalCluster.waitFor("version 2 bootstrapping in the background", WAIT,
          () -> Files.isDirectory(files.resolve("moving").resolve("moving_v2")));
      client.unsubscribe(Set.of(0)).get(30, TimeUnit.SECONDS); // during the background bootstrap
      DaVinciTestIngestionPlugin.delayNanos = 0;
      LocalCluster.waitFor("the swap to version 2 without partition 0", WAIT,
          () -> client.servingVersion() == 2);
      assertEquals(Set.of(1, 2), client.subscribedPartitions());
      long held = client.scan((key, value) -> assertTrue(age(value) >= 1000), Long.MAX_VALUE);
      assertTrue(held > 0 && held < 60, held + " records in partitions 1 and 2");
    } finally {
      DaVinciTestIngestionPlugin.delayNanos = 0;
    }
  }

  @Test
  void memoryPressureShrinksTheSharedBlockCacheToItsFloorAndReadsStayRight() throws Exception {
    admin.createStore("pressed", Schemas.KEY, Schemas.USER_V1, 2, 1);
    PushJob.create(cluster.controllerUrl(), "pressed", users("pressed.jsonl", 200, 0)).run();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // a budget smaller than the memory tables alone: pressure at every sample down to the floor
    DaVinciConfig pressed = DaVinciConfig.builder(cluster.zooKeeperAddress(),
            cluster.clusterName(), cluster.kafkaBootstrapServers(), files.resolve("pressed"))
        .blockCacheBytes(32L << 20).meterRegistry(registry)
        .pluginConfig(Map.of("plugins.dvc-memory-pressure.enabled", "true",
            "plugins.dvc-memory-pressure.budget-bytes", Long.toString(1L << 20),
            "plugins.dvc-memory-pressure.floor-bytes", Long.toString(2L << 20),
            "plugins.dvc-memory-pressure.interval", "100ms",
            "plugins.dvc-memory-pressure.cooldown", "0s")).build();
    String prefix = "venice.da.vinci.client.dvc.memory.pressure.";
    try (DaVinciClient<String, Object> client = DaVinciClient.start("pressed", pressed)) {
      client.subscribeAll().get(60, TimeUnit.SECONDS);
      LocalCluster.waitFor("the shared block cache at its 2 MiB floor", WAIT, () ->
          registry.get(prefix + "block.cache.capacity.bytes").gauge().value() == (2 << 20));
      assertTrue(registry.get(prefix + "shrinks").counter().count() >= 1);
      assertEquals(1.0, registry.get(prefix + "under.pressure").gauge().value());
      assertTrue(registry.get(prefix + "memory.bytes").tag("kind", "memtables").gauge().value()
          > 0, "RocksDB's memory tables are measured");
      for (int i = 0; i < 200; i++) {
        assertEquals(i, age(client.get("k-" + i).join()), "k-" + i);
      }
    }
  }

  /** The exported store's value schema: every Avro shape the Parquet mapping must keep. */
  private static final Schema PROFILE = new Schema.Parser().parse("""
      {"type": "record", "name": "Profile", "namespace": "dev.venice.it", "fields": [
        {"name": "name", "type": "string"},
        {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
          {"name": "city", "type": "string"},
          {"name": "zip", "type": ["null", "string"], "default": null}]}},
        {"name": "tags", "type": {"type": "array", "items": ["null", "int"]}},
        {"name": "attrs", "type": {"type": "map", "values": ["null", "string"]}},
        {"name": "color", "type": {"type": "enum", "name": "Color",
          "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 8}},
        {"name": "payload", "type": "bytes"},
        {"name": "nickname", "type": ["null", "string"], "default": null}]}""");
  private static final int PAYLOAD_BYTES = 4096;

  /** Record {@code i} of the exported store, the same every time (its payload seeded by i). */
  private static GenericRecord profile(int i) {
    GenericRecord address = new GenericData.Record(PROFILE.getField("address").schema());
    address.put("city", "city-" + i % 7);
    address.put("zip", i % 2 == 0 ? null : "z" + i);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("a", "x" + i);
    attrs.put("b", null);
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(i).nextBytes(payload); // incompressible: the bytes really go through
    GenericRecord value = new GenericData.Record(PROFILE);
    value.put("name", "n-" + i);
    value.put("address", address);
    value.put("tags", Arrays.asList(i, null, i + 1));
    value.put("attrs", attrs);
    value.put("color", new GenericData.EnumSymbol(PROFILE.getField("color").schema(),
        List.of("RED", "GREEN", "BLUE").get(i % 3)));
    value.put("id", new GenericData.Fixed(PROFILE.getField("id").schema(),
        ByteBuffer.allocate(8).putLong(i).array()));
    value.put("payload", ByteBuffer.wrap(payload));
    value.put("nickname", i % 3 == 0 ? null : "nick-" + i);
    return value;
  }

  @Test
  void exportStoreWritesEveryRecordToParquetUnderAHeapSmallerThanTheData() throws Exception {
    int records = 18_000; // 18,000 x 4 KiB of random payload: 72 MiB, over the 64 MiB heap
    admin.createStore("exported", Schemas.KEY, PROFILE.toString(), 4, 1);
    Schema row = SchemaBuilder.record("Row").fields().name("key").type(Data.KEY).noDefault()
        .name("value").type(PROFILE).noDefault().endRecord();
    Path avro = files.resolve("exported.avro");
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(
            new GenericDatumWriter<GenericRecord>(row))) {
      writer.create(row, avro.toFile());
      for (int i = 0; i < records; i++) {
        GenericRecord line = new GenericData.Record(row);
        line.put("key", "r-" + i);
        line.put("value", profile(i));
        writer.append(line);
      }
    }
    PushJob.create(cluster.controllerUrl(), "exported", avro).run();
    Path parquet = files.resolve("exported.parquet");
    DistributionCli.Result exported = DistributionCli.runWithJavaOptions("-Xmx64m -XX:+UseSerialGC",
        cluster.controllerUrl(), "export-store", "--store", "exported", "--out",
        parquet.toString(), "--temp-dir", files.toString());
    assertEquals(0, exported.status(), exported.output());
    assertTrue(exported.output().contains("exported 18,000 records of store exported version 1"),
        exported.output());
    try (Stream<Path> left = Files.list(files)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("venice-export-")),
          "the Da Vinci client's temporary copy is deleted");
    }
    String sql = "SELECT key, value.name, value.address.city, value.address.zip, value.tags,"
        + " map_keys(value.attrs), map_values(value.attrs), value.color, value.id,"
        + " value.payload, value.nickname FROM read_parquet('" + parquet + "')";
    Set<String> seen = new HashSet<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        String key = rs.getString(1);
        int i = Integer.parseInt(key.substring(2));
        GenericRecord expected = profile(i);
        GenericRecord address = (GenericRecord) expected.get("address");
        assertEquals(expected.get("name"), rs.getString(2), key);
        assertEquals(address.get("city"), rs.getString(3), key);
        assertEquals(address.get("zip"), rs.getString(4), key);
        assertEquals(expected.get("tags"), Arrays.stream((Object[]) rs.getArray(5).getArray())
            .map(o -> o == null ? null : ((Number) o).intValue()).toList(), key);
        assertEquals(List.of("a", "b"), List.of((Object[]) rs.getArray(6).getArray()), key);
        assertEquals(Arrays.asList("x" + i, null),
            Arrays.asList((Object[]) rs.getArray(7).getArray()), key);
        assertEquals(expected.get("color").toString(), rs.getString(8), key);
        assertArrayEquals(
            ((GenericData.Fixed) expected.get("id")).bytes(), rs.getBytes(9), key);
        assertArrayEquals(
            ((ByteBuffer) expected.get("payload")).array(), rs.getBytes(10), key);
        assertEquals(expected.get("nickname"), rs.getString(11), key);
        assertTrue(seen.add(key), key + " twice");
      }
    }
    assertEquals(records, seen.size(), "every record, once");
  }
}
