package dev.venice.plugins.auditlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import dev.venice.testkit.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Events (fields, both kinds, v1/v2 interoperation under Avro's rules, headers) and the publisher
 * (order, headers and keys, a full queue, Kafka failures, shutdown leftovers).
 */
class AuditLogTest {
  private static final String PREFIX = "venice.controller.audit.log.";

  private static AdminMutation mutation(String store) {
    return new AdminMutation(AdminOperation.UPDATE_STORE, "c1", store,
        new Caller("alice", "10.1.2.3:4567"), Instant.ofEpochMilli(1_700_000_000_000L),
        Map.of("partitionCount", 4), Map.of("partitionCount", 8), false);
  }

  private static GenericRecord event(String store) {
    return AuditEvents.event(mutation(store), new AdminOutcome(true, null,
        Map.of("partitionCount", 8)), "host_5555");
  }

  /** One record as the sink was handed it. */
  record Sent(String key, byte[] event, Map<String, String> headers) {
    /** The event decoded into the newest schema. */
    GenericRecord decoded() throws Exception {
      return AuditEvents.decode(event);
    }
  }

  /**
   * A sink of our own interface that records what it is sent (keys, events, headers), or blocks,
   * or fails.
   */
  static final class RecordingSink implements EventSink {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    final boolean fail;

    RecordingSink(CountDownLatch release, boolean fail) {
      this.release = release;
      this.fail = fail;
    }

    @Override
    public CompletableFuture<Void> send(byte[] key, byte[] event, Map<String, String> headers) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String text = new String(key, StandardCharsets.UTF_8);
      sent.add(new Sent(text, event.clone(), Map.copyOf(headers)));
      keys.add(text);
      return fail ? CompletableFuture.failedFuture(new IllegalStateException("broker down"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  private static AuditPublisher publisher(int capacity, EventSink sink,
      SimpleMeterRegistry registry) {
    return new AuditPublisher(capacity, sink, new AuditLogMetrics(registry, PREFIX),
        LoggerFactory.getLogger("test"), new ManualTimeSource());
  }

  private static double count(SimpleMeterRegistry registry, String name, String reason) {
    var search = registry.find(name);
    if (reason != null) {
      search = search.tag("reason", reason);
    }
    var counter = search.counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void eventsCarryEveryFieldAndRoundTrip() throws Exception {
    GenericRecord decoded = AuditEvents.decode(AuditEvents.encode(event("users")));
    assertEquals(1_700_000_000_000L, decoded.get("timestampMs"));
    assertEquals("users", decoded.get("store").toString());
    assertEquals("UPDATE_STORE", decoded.get("operation").toString());
    assertEquals("alice", decoded.get("principal").toString());
    assertEquals("10.1.2.3:4567", decoded.get("address").toString());
    assertEquals("host_5555", decoded.get("controller").toString());
    assertEquals(true, decoded.get("success"));
    assertNull(decoded.get("error"));
    assertEquals("{\"partitionCount\":4}", decoded.get("before").toString());
    assertEquals("{\"partitionCount\":8}", decoded.get("after").toString());
    assertEquals("ALLOWED", decoded.get("decision").toString());
    assertEquals("store users", decoded.get("resource").toString());
    assertNull(decoded.get("reason"));
  }

  @Test
  void aClusterWideMutationNamesTheClusterAsResourceAndKey() {
    GenericRecord event = AuditEvents.event(new AdminMutation(AdminOperation.UPDATE_STORE, "c1",
        null, new Caller("alice", "10.1.2.3:4567"), Instant.ofEpochMilli(1L), Map.of(), Map.of(),
        false), new AdminOutcome(true, null, Map.of()), "host_5555");
    assertEquals("cluster c1", event.get("resource"));
    assertEquals("c1", AuditEvents.key(event));
    assertEquals(Map.of("principal", "alice", "operation", "UPDATE_STORE", "decision", "ALLOWED",
        "resource", "cluster c1"), AuditEvents.headers(event));
  }

  /** A v1 event as plugin 1.1 wrote it, built from the v1 schema alone. */
  private static GenericRecord v1Event() {
    return new GenericRecordBuilder(AuditEvents.SCHEMA_V1).set("timestampMs", 1_600_000_000_000L)
        .set("cluster", "c1").set("store", "users").set("operation", "DELETE_STORE")
        .set("principal", "bob").set("address", "10.0.0.1:1").set("controller", "ctl_1")
        .set("success", true).set("before", "{}").set("requested", "{}").set("after", "{}")
        .build();
  }

  private static byte[] binary(GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord read(byte[] bytes, Schema writer, Schema reader)
      throws Exception {
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  /** Avro's own rules, not our code: v1 and v2 are compatible both ways and resolve. */
  @Test
  void v1AndV2InteroperateUnderAvrosResolutionRules() throws Exception {
    assertEquals(SchemaCompatibilityType.COMPATIBLE, SchemaCompatibility
        .checkReaderWriterCompatibility(AuditEvents.SCHEMA, AuditEvents.SCHEMA_V1).getType(),
        "a v2 reader reads v1 events");
    assertEquals(SchemaCompatibilityType.COMPATIBLE, SchemaCompatibility
        .checkReaderWriterCompatibility(AuditEvents.SCHEMA_V1, AuditEvents.SCHEMA).getType(),
        "a v1 reader reads v2 events");

    GenericRecord oldAsNew = read(binary(v1Event()), AuditEvents.SCHEMA_V1, AuditEvents.SCHEMA);
    assertEquals("DELETE_STORE", oldAsNew.get("operation").toString());
    assertEquals("bob", oldAsNew.get("principal").toString());
    assertEquals("ALLOWED", oldAsNew.get("decision").toString());
    assertEquals("", oldAsNew.get("resource").toString());
    assertNull(oldAsNew.get("reason"));

    GenericRecord denial = AuditEvents.denial(denial(Resource.store("users"), "get"), "c1",
        "router_1");
    GenericRecord newAsOld = read(binary(denial), AuditEvents.SCHEMA, AuditEvents.SCHEMA_V1);
    assertEquals(AuditEvents.SCHEMA_V1, newAsOld.getSchema());
    assertEquals("get", newAsOld.get("operation").toString());
    assertEquals("users", newAsOld.get("store").toString());
    assertEquals(false, newAsOld.get("success"));
    assertEquals("PERMISSION_DENIED", newAsOld.get("error").toString());
    assertNull(newAsOld.getSchema().getField("decision"), "v1 has no decision");
  }

  /**
   * Single-object encoding as readers use it: a v1 reader given both schemas reads our v2 events,
   * and our decoder reads events a v1 writer (Avro's encoder, not ours) wrote.
   */
  @Test
  void singleObjectReadersOfEitherVersionReadEitherVersionsEvents() throws Exception {
    BinaryMessageDecoder<GenericRecord> oldReader = AuditEvents.decoder(AuditEvents.SCHEMA_V1,
        AuditEvents.SCHEMA_V1, AuditEvents.SCHEMA);
    GenericRecord read = oldReader.decode(AuditEvents.encode(event("users")));
    assertEquals("UPDATE_STORE", read.get("operation").toString());
    assertNull(read.getSchema().getField("decision"));

    ByteBuffer v1Bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(),
        AuditEvents.SCHEMA_V1).encode(v1Event());
    byte[] bytes = new byte[v1Bytes.remaining()];
    v1Bytes.get(bytes);
    GenericRecord decoded = AuditEvents.decode(bytes);
    assertEquals("DELETE_STORE", decoded.get("operation").toString());
    assertEquals("ALLOWED", decoded.get("decision").toString());
  }

  static AccessDenial denial(Resource resource, String operation) {
    return new AccessDenial(new AccessRequest(Principal.authenticated("mallory", Set.of("ops")),
        operation, AccessLevel.READ, resource), "acl: mallory may not read users",
        "10.9.8.7:6543", Instant.ofEpochMilli(1_700_000_123_456L));
  }

  @Test
  void aDenialBecomesADeniedEventWithItsRequestAndReason() throws Exception {
    GenericRecord decoded = AuditEvents.decode(AuditEvents.encode(AuditEvents.denial(
        denial(Resource.store("users"), "get"), "venice-c1", "router_7777")));
    assertEquals(1_700_000_123_456L, decoded.get("timestampMs"));
    assertEquals("venice-c1", decoded.get("cluster").toString());
    assertEquals("users", decoded.get("store").toString());
    assertEquals("get", decoded.get("operation").toString());
    assertEquals("mallory", decoded.get("principal").toString());
    assertEquals("10.9.8.7:6543", decoded.get("address").toString());
    assertEquals("router_7777", decoded.get("controller").toString());
    assertEquals(false, decoded.get("success"));
    assertEquals("PERMISSION_DENIED", decoded.get("error").toString());
    assertEquals("{}", decoded.get("before").toString());
    assertEquals("{}", decoded.get("requested").toString());
    assertEquals("{}", decoded.get("after").toString());
    assertEquals("DENIED", decoded.get("decision").toString());
    assertEquals("store users", decoded.get("resource").toString());
    assertEquals("acl: mallory may not read users", decoded.get("reason").toString());

    GenericRecord clusterWide = AuditEvents.denial(denial(Resource.cluster("venice-c1"),
        "POST /stores"), "venice-c1", "controller_1");
    assertNull(clusterWide.get("store"));
    assertEquals("cluster venice-c1", clusterWide.get("resource"));
    assertEquals("venice-c1", AuditEvents.key(clusterWide));
  }

  @Test
  void everySentRecordCarriesPlainTextHeadersAndItsKey() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingSink sink = new RecordingSink(new CountDownLatch(0), false);
    AuditPublisher publisher = publisher(10, sink, registry);
    publisher.offer(event("users"));
    publisher.offer(AuditEvents.denial(denial(Resource.cluster("c1"), "DELETE /stores/{store}"),
        "c1", "controller_1"));
    publisher.close(Duration.ofSeconds(10));

    assertEquals(2, sink.sent.size());
    Sent mutation = sink.sent.get(0);
    assertEquals("users", mutation.key());
    assertEquals(List.of("principal", "operation", "decision", "resource"),
        List.copyOf(AuditEvents.headers(mutation.decoded()).keySet()), "header order");
    assertEquals(Map.of("principal", "alice", "operation", "UPDATE_STORE", "decision", "ALLOWED",
        "resource", "store users"), mutation.headers());
    Sent denied = sink.sent.get(1);
    assertEquals("c1", denied.key());
    assertEquals(Map.of("principal", "mallory", "operation", "DELETE /stores/{store}",
        "decision", "DENIED", "resource", "cluster c1"), denied.headers());
    assertEquals("DENIED", denied.decoded().get("decision").toString());
    assertEquals(2.0, count(registry, "venice.controller.audit.log.published", null));
  }

  @Test
  void headersOfAV1EventUseTheV2Defaults() {
    assertEquals(Map.of("principal", "bob", "operation", "DELETE_STORE", "decision", "ALLOWED",
        "resource", ""), AuditEvents.headers(v1Event()));
  }

  @Test
  void aNewerReaderReadsOlderEvents() throws Exception {
    Schema next = new Schema.Parser().parse(AuditEvents.SCHEMA.toString()
        .replace("{\"name\":\"after\"", "{\"name\":\"ticket\",\"type\":\"string\","
            + "\"default\":\"none\"},{\"name\":\"after\""));
    GenericRecord read = AuditEvents.decoder(next, AuditEvents.SCHEMA, next)
        .decode(AuditEvents.encode(event("users")));
    assertEquals("none", read.get("ticket").toString());
    assertEquals("users", read.get("store").toString());
  }

  @Test
  void publishesInOrderWithoutBlockingTheCaller() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingSink sink = new RecordingSink(new CountDownLatch(0), false);
    AuditPublisher publisher = publisher(100, sink, registry);
    for (int i = 0; i < 50; i++) {
      publisher.offer(event("s" + i));
    }
    publisher.close(Duration.ofSeconds(10));
    assertEquals(50, sink.keys.size());
    assertEquals("s0", sink.keys.get(0));
    assertEquals("s49", sink.keys.get(49));
    assertEquals(50.0, count(registry, "venice.controller.audit.log.published", null));
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink stuck = new RecordingSink(release, false);
    AuditPublisher publisher = publisher(5, stuck, registry);
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      publisher.offer(event("s" + i)); // the sink is stuck: the queue fills up
    }
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5),
        "offer never waits on the sink");
    double dropped = count(registry, "venice.controller.audit.log.dropped", "queue-full");
    assertTrue(dropped >= 14, "at most 5 queued and 1 in flight: dropped " + dropped);
    release.countDown();
    publisher.close(Duration.ofSeconds(10));
    assertEquals(20, dropped + stuck.keys.size(), "every event published or counted");
  }

  @Test
  void kafkaFailuresAndShutdownLeftoversAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AuditPublisher failing =
        publisher(10, new RecordingSink(new CountDownLatch(0), true), registry);
    failing.offer(event("a"));
    failing.offer(event("b"));
    failing.close(Duration.ofSeconds(10));
    assertEquals(2.0, count(registry, "venice.controller.audit.log.dropped", "kafka-error"));

    SimpleMeterRegistry other = new SimpleMeterRegistry();
    CountDownLatch never = new CountDownLatch(1);
    AuditPublisher stuck = publisher(10, new RecordingSink(never, false), other);
    for (int i = 0; i < 4; i++) {
      stuck.offer(event("s" + i));
    }
    stuck.close(Duration.ofMillis(200));
    never.countDown();
    assertTrue(count(other, "venice.controller.audit.log.dropped", "shutdown") >= 3,
        "events still queued at shutdown are counted");
  }
}
