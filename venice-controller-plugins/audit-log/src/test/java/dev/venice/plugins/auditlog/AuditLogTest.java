package dev.venice.plugins.auditlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.testkit.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

  /** A sink of our own interface that records what it is sent, or blocks, or fails. */
  static final class RecordingSink implements EventSink {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    final boolean fail;

    RecordingSink(CountDownLatch release, boolean fail) {
      this.release = release;
      this.fail = fail;
    }

    @Override
    public CompletableFuture<Void> send(byte[] key, byte[] event) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      keys.add(new String(key, StandardCharsets.UTF_8));
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
  }

  @Test
  void aNewerReaderReadsOlderEvents() throws Exception {
    Schema v2 = new Schema.Parser().parse(AuditEvents.SCHEMA.toString()
        .replace("{\"name\":\"after\"", "{\"name\":\"ticket\",\"type\":\"string\","
            + "\"default\":\"none\"},{\"name\":\"after\""));
    GenericRecord read = AuditEvents.decoder(v2, AuditEvents.SCHEMA, v2)
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
