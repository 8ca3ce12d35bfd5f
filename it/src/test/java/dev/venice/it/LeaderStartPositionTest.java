package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.runtime.localcluster.EmbeddedKafka;
import dev.venice.runtime.server.LeaderStartPosition;
import dev.venice.runtime.server.LeaderStartPosition.RealTimeOffsets;
import dev.venice.runtime.server.LeaderStartPosition.Start;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a new hybrid leader starts copying, against a real Kafka broker: for an empty real-time
 * partition, one with records before the rewind time only, one with records after it, and with a
 * previous leader's upstream offset; and records produced inside the look-up window (between the
 * offset reads, and after the decision before the first poll) are never skipped.
 */
class LeaderStartPositionTest {
  private static final long REWIND_FROM = 1_000_000L;
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(60));
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** A new single-partition topic. */
  private static TopicPartition newTopic() throws Exception {
    String name = "rt-" + TOPICS.incrementAndGet();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
    }
    return new TopicPartition(name, 0);
  }

  /** Writes a record with the given timestamp (ms) and returns its offset. */
  private static long produce(TopicPartition tp, long timestampMs, String value) throws Exception {
    return producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), timestampMs,
        value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)))
        .get().offset();
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static Start decide(TopicPartition tp, long lastCopied) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return LeaderStartPosition.decide(lastCopied, REWIND_FROM,
          RealTimeOffsets.of(consumer, tp, Duration.ofSeconds(30)));
    }
  }

  @Test
  void anEmptyPartitionStartsAtItsEnd() throws Exception {
    TopicPartition tp = newTopic();
    Start start = decide(tp, -1);
    assertEquals(0, start.offset());
    assertEquals("the log end: no record within the rewind time", start.reason());
  }

  @Test
  void recordsOlderThanTheRewindTimeAreSkipped() throws Exception {
    TopicPartition tp = newTopic();
    produce(tp, REWIND_FROM - 2_000, "old-1");
    produce(tp, REWIND_FROM - 1_000, "old-2");
    assertEquals(2, decide(tp, -1).offset());
  }

  @Test
  void theFirstRecordWithinTheRewindTimeIsTheStart() throws Exception {
    TopicPartition tp = newTopic();
    produce(tp, REWIND_FROM - 1_000, "old");
    long first = produce(tp, REWIND_FROM + 1, "new-1");
    produce(tp, REWIND_FROM + 2, "new-2");
    Start start = decide(tp, -1);
    assertEquals(first, start.offset());
    assertEquals("the first record within the rewind time", start.reason());
  }

  @Test
  void aPreviousLeadersUpstreamOffsetWinsOverTheRewindTime() throws Exception {
    TopicPartition tp = newTopic();
    for (int i = 0; i < 5; i++) {
      produce(tp, REWIND_FROM + i, "r" + i);
    }
    Start start = decide(tp, 2);
    assertEquals(3, start.offset());
    assertEquals("after the last copied real-time offset 2", start.reason());
  }

  /**
   * The race seen in the field: an empty partition, and a record written just after the time
   * look-up found nothing (where a lazy {@code seekToEnd} would settle past it), another after the
   * decision before the first poll; both must be copied.
   */
  @Test
  void aRecordWrittenRightAfterAnEmptyTimeLookUpIsCopied() throws Exception {
    assertRecordsWrittenDuringTheDecisionAreCopied(false);
  }

  /** The same with the record written between the log-end read and the time look-up. */
  @Test
  void aRecordWrittenBetweenTheLookUpsIsCopied() throws Exception {
    assertRecordsWrittenDuringTheDecisionAreCopied(true);
  }

  private void assertRecordsWrittenDuringTheDecisionAreCopied(boolean afterEndRead)
      throws Exception {
    TopicPartition tp = newTopic();
    List<Long> written = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      RealTimeOffsets real = RealTimeOffsets.of(consumer, tp, Duration.ofSeconds(30));
      RealTimeOffsets racing = new RealTimeOffsets() {
        @Override
        public long beginning() {
          return real.beginning();
        }

        @Override
        public long end() {
          long end = real.end();
          if (afterEndRead) {
            written.add(produceUnchecked(tp, System.currentTimeMillis(), "between"));
          }
          return end;
        }

        @Override
        public OptionalLong firstAtOrAfter(long timestampMs) {
          OptionalLong found = real.firstAtOrAfter(timestampMs);
          if (!afterEndRead) {
            written.add(produceUnchecked(tp, System.currentTimeMillis(), "after-look-up"));
          }
          return found;
        }
      };
      Start start = LeaderStartPosition.decide(-1, System.currentTimeMillis() - 60_000, racing);
      written.add(produce(tp, System.currentTimeMillis(), "after-decision"));
      consumer.assign(List.of(tp));
      consumer.seek(tp, start.offset());
      List<Long> copied = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (copied.size() < written.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          copied.add(record.offset());
        }
      }
      assertEquals(written, copied, "every record written during the decision is copied ("
          + start + ")");
    }
  }

  private static long produceUnchecked(TopicPartition tp, long timestampMs, String value) {
    try {
      return produce(tp, timestampMs, value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
