package dev.venice.runtime.server;

import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.spi.server.DeadLetterRecord;
import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.LeaderBatch;
import dev.venice.spi.server.StageTimings;
import dev.venice.spi.server.WritePathTimestampMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader replica of a hybrid partition does besides applying the version topic: copy the
 * store's real-time topic into the version topic, each copy stamped with its real-time offset, in
 * Kafka transactions. Each step of the replica's ingestion thread runs {@link #step}:
 *
 * <ol>
 *   <li>confirm it holds the partition's newest {@linkplain LeaderTerms leadership term}, open its
 *       transactional producer (which fences every earlier leader and aborts its open
 *       transaction), and confirm the term again;
 *   <li>catch up with the version topic up to its last stable offset, so it has applied everything
 *       any earlier leader committed;
 *   <li>start the real-time topic at the offset {@link LeaderStartPosition} decides;
 *   <li>copy each polled batch in one transaction.
 * </ol>
 *
 * Fenced, it stops for good when a newer term exists (it is a stale leader) and reopens if not (an
 * earlier leader reopening fenced it before learning it is stale). Any other failure closes the
 * producer (aborting its transaction) and reopens a second later, resuming after the last
 * real-time offset the replica has applied; a step never throws but for the ingestion thread's own
 * stop ({@link WakeupException}) and storage failures. So no acknowledged real-time write is
 * skipped, and no record of a stale leader is ever read.
 *
 * <p>Threads: {@link #promote}, {@link #demote} and {@link #wakeup} come from other threads (Helix
 * transitions, stop); everything else runs on the ingestion thread.
 */
final class RealTimeLeader {
  private static final Logger LOG = LoggerFactory.getLogger(RealTimeLeader.class);
  /** How long one Kafka look-up may take; a slower one fails the step, retried later. */
  static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration DEMOTE_WAIT = Duration.ofSeconds(30);

  private final String topic;
  private final String store;
  private final int partition;
  private final int partitionCount;
  private final PartitionStore storage;
  private final String kafkaBootstrap;
  private final HybridConfig hybrid;
  private final LeaderTerms terms;
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
  private final DeadLetterPath deadLetters;
  private final ValueSchemaCheck schemas;
  /** The replica's hooks ({@code null} until it opened), told of each committed batch. */
  private final Supplier<IngestionHooks> hooks;
  private final Counter lost;

  /** Whether Helix has made this replica the leader. */
  private volatile boolean leader;
  /** The term raised when Helix made this replica the leader (null before). */
  private final AtomicReference<LeaderTerms.Term> term = new AtomicReference<>();
  /** The highest term of this replica found stale: it copies only under a newer one. */
  private volatile long staleTerm;
  /** Whether a producer is open (may write): set before opening, so demote() waits for it. */
  private volatile boolean writing;
  private volatile KafkaConsumer<byte[], byte[]> realTimeConsumer;
  private VeniceWriter writer;
  private boolean inTransaction;
  private long catchUpTarget = -1;
  private long retryAtNanos;

  RealTimeLeader(String topic, int partition, int partitionCount, PartitionStore storage,
      String kafkaBootstrap, HybridConfig hybrid, LeaderTerms terms,
      Supplier<KafkaConsumer<byte[], byte[]>> consumers, DeadLetterPath deadLetters,
      ValueSchemaCheck schemas, Supplier<IngestionHooks> hooks, MeterRegistry registry) {
    this.topic = topic;
    this.store = TopicNames.storeOf(topic);
    this.partition = partition;
    this.partitionCount = partitionCount;
    this.storage = storage;
    this.kafkaBootstrap = kafkaBootstrap;
    this.hybrid = hybrid;
    this.terms = terms;
    this.consumers = consumers;
    this.deadLetters = deadLetters;
    this.schemas = schemas;
    this.hooks = hooks;
    this.lost = Counter.builder("venice.server.ingestion.real.time.lost")
        .description("Real-time records deleted by retention before a leader copied them")
        .tag("store", store).register(registry);
  }

  /** Helix made this replica the leader under {@code newTerm}. */
  void promote(LeaderTerms.Term newTerm) {
    term.set(newTerm);
    leader = true;
  }

  /** Helix made this replica a standby: returns once it no longer writes (at most 30 s). */
  void demote() {
    leader = false;
    long deadline = System.nanoTime() + DEMOTE_WAIT.toNanos();
    while (writing && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the ingestion thread stops it
    }
    if (writing) {
      LOG.error("{} partition {}: still writing {} s after demotion", topic, partition,
          DEMOTE_WAIT.toSeconds());
    }
  }

  /** Wakes a blocked real-time look-up or poll (the ingestion thread is stopping). */
  void wakeup() {
    KafkaConsumer<byte[], byte[]> consumer = realTimeConsumer;
    if (consumer != null) {
      consumer.wakeup();
    }
  }

  /**
   * One step on the ingestion thread, after a poll of the version topic.
   *
   * @param versionConsumer the replica's version-topic consumer (read_committed)
   * @throws WakeupException when the ingestion thread is being stopped
   * @throws RocksDBException when the storage cannot be read
   */
  void step(KafkaConsumer<byte[], byte[]> versionConsumer, TopicPartition versionPartition)
      throws RocksDBException {
    LeaderTerms.Term mine = term.get();
    if (!leader || mine == null || mine.value() <= staleTerm) {
      if (writing) {
        close();
      }
      return;
    }
    if (System.nanoTime() < retryAtNanos) {
      return;
    }
    try {
      if (writer == null && !open(versionConsumer, versionPartition)) {
        return;
      }
      if (realTimeConsumer == null) {
        if (versionConsumer.position(versionPartition, KAFKA_TIMEOUT) < catchUpTarget) {
          return; // still applying what earlier leaders committed
        }
        startCopying();
      }
      copyBatch();
    } catch (WakeupException stopping) {
      throw stopping;
    } catch (RuntimeException e) {
      onFailure(e);
    }
  }

  /** Closes what is open (on the ingestion thread, when it stops or stops leading). */
  void close() {
    KafkaConsumer<byte[], byte[]> consumer = realTimeConsumer;
    realTimeConsumer = null;
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
    }
    if (writer != null) {
      if (inTransaction) {
        try {
          writer.abortTransaction(); // followers' read_committed position moves on at once
        } catch (RuntimeException fencedOrBroken) {
          // a successor's fence aborted it already, or the transaction times out on its own
        }
      }
      writer.close();
      writer = null;
    }
    inTransaction = false;
    catchUpTarget = -1;
    writing = false;
    deadLetters.unblocked(); // whatever was waiting to be written is retried by the next leader
  }

  /**
   * Opens the transactional producer (fencing earlier leaders) between two term confirmations and
   * sets the catch-up target; false when this replica must not copy now.
   */
  private boolean open(KafkaConsumer<byte[], byte[]> versionConsumer,
      TopicPartition versionPartition) {
    if (!holdsNewestTerm("before fencing earlier leaders")) {
      return false;
    }
    writing = true;
    writer = VeniceWriter.transactional(kafkaBootstrap, topic, partitionCount,
        "venice-leader-" + topic + "-" + partition);
    if (!holdsNewestTerm("after fencing earlier leaders")) {
      return false;
    }
    // read_committed: the last stable offset, past any transaction the fence just aborted
    catchUpTarget = versionConsumer.endOffsets(List.of(versionPartition), KAFKA_TIMEOUT)
        .get(versionPartition);
    LOG.info("{} partition {}: leader with term {}; earlier leaders fenced; catching up with the"
        + " version topic to offset {}", topic, partition, term.get().value(), catchUpTarget);
    return true;
  }

  /**
   * Whether this replica still holds the newest term, confirmed in ZooKeeper. When a newer term
   * exists it stops copying until Helix promotes it again; when ZooKeeper cannot confirm, it stops
   * and retries a second later.
   */
  private boolean holdsNewestTerm(String when) {
    LeaderTerms.Term mine = term.get();
    Optional<LeaderTerms.Term> confirmed;
    try {
      confirmed = terms.confirm(topic, partition, mine);
    } catch (RuntimeException unreachable) {
      LOG.warn("{} partition {}: cannot confirm leadership term {} in ZooKeeper ({}); retrying",
          topic, partition, mine.value(), when, unreachable);
      retryLater();
      return false;
    }
    if (confirmed.isPresent()) {
      term.compareAndSet(mine, confirmed.get());
      return true;
    }
    if (term.get() != mine) {
      return false; // promoted again meanwhile: the next step confirms the new term
    }
    staleTerm = Math.max(staleTerm, mine.value());
    LOG.warn("{} partition {}: term {} is stale ({}: a newer leader exists); this replica stops"
        + " copying the real-time topic until Helix makes it leader again", topic, partition,
        mine.value(), when);
    close();
    return false;
  }

  private void startCopying() throws RocksDBException {
    TopicPartition rt = new TopicPartition(TopicNames.realTimeTopic(store), partition);
    KafkaConsumer<byte[], byte[]> consumer = consumers.get();
    realTimeConsumer = consumer;
    consumer.assign(List.of(rt));
    LeaderStartPosition.Start start = LeaderStartPosition.decide(storage.upstreamOffset(),
        System.currentTimeMillis() - TimeUnit.SECONDS.toMillis(hybrid.rewindSeconds()),
        LeaderStartPosition.RealTimeOffsets.of(consumer, rt, KAFKA_TIMEOUT));
    consumer.seek(rt, start.offset());
    if (start.lostRecords() > 0) {
      lost.increment(start.lostRecords());
      LOG.error("{} partition {}: {} real-time records were deleted by retention before any"
          + " leader copied them; copying {} from offset {} ({})", topic, partition,
          start.lostRecords(), rt, start.offset(), start.reason());
    } else {
      LOG.info("{} partition {}: leading with term {}, copying {} from offset {} ({})", topic,
          partition, term.get().value(), rt, start.offset(), start.reason());
    }
  }

  /**
   * Copies one polled batch of real-time records in one transaction. A record that cannot be
   * copied (undecodable, no key, an unknown value schema, a value its schema cannot read) takes
   * the dead-letter path: in the same transaction the plugin's message for it (if a plugin keeps
   * dead letters) and a {@code REAL_TIME_SKIPPED} marker in the version topic, which moves every
   * replica's real-time position past it; so it is kept exactly once however often the batch is
   * retried or leadership moves, and reported to the hooks once the transaction committed.
   */
  private void copyBatch() {
    ConsumerRecords<byte[], byte[]> records = realTimeConsumer.poll(Duration.ZERO);
    if (records.isEmpty()) {
      return;
    }
    Instant dequeued = Instant.now(); // t_leader_received of the batch's sampled writes
    IngestionHooks batchHooks = hooks.get();
    // stage clocks only for hooks to read: a leader without hooks reads no clock per record
    BatchClock clock = batchHooks == null || batchHooks.isEmpty() ? null : new BatchClock();
    writer.beginTransaction();
    inTransaction = true;
    List<DeadLetterRecord> deadLettered = new ArrayList<>();
    int data = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Envelope envelope = null;
      String undecodable = null;
      try {
        envelope = Envelope.decode(record.value());
      } catch (IllegalArgumentException e) {
        undecodable = e.getMessage();
      }
      tick(clock, IngestionStage.DECODE);
      if (envelope != null && envelope.type() == Envelope.MessageType.CONTROL) {
        untimed(clock); // not a record of the batch: its decode is no stage's time
        continue; // real-time topics carry no control messages the version topic needs
      }
      data++;
      ValueSchemaCheck.Problem problem = null;
      if (envelope == null) {
        problem = new ValueSchemaCheck.Problem("undecodable", undecodable);
      } else if (record.key() == null || record.key().length == 0) {
        problem = new ValueSchemaCheck.Problem("empty-key", "a data record without a key");
      } else if (envelope.type() == Envelope.MessageType.PUT) {
        ValueSchemaCheck.Verdict verdict = schemas.check(envelope.schemaId(), envelope.value());
        tick(clock, IngestionStage.SCHEMA_VALIDATION);
        if (verdict == ValueSchemaCheck.Verdict.WAIT) {
          throw new SchemaNotYetKnownException("real-time offset " + record.offset()
              + " has value schema id " + envelope.schemaId() + ", not (yet) registered for"
              + " store " + store + "; the batch is retried");
        }
        if (verdict == ValueSchemaCheck.Verdict.INVALID) {
          problem = schemas.problem();
        }
      }
      if (problem != null) {
        deadLettered.add(skip(record, problem.reason(), problem.detail()));
        tick(clock, IngestionStage.LEADER_PRODUCE);
        continue;
      }
      // real-time values are plain; the version topic holds them in the version's compression
      Envelope copy = envelope.type() == Envelope.MessageType.PUT
          ? envelope.withValue(Compression.compress(storage.compression(), storage.dictionary(),
              envelope.value()))
          : envelope;
      writer.copyFromRealTime(partition, record.key(), copy, record.offset(),
          writePathHeader(record, dequeued));
      tick(clock, IngestionStage.LEADER_PRODUCE);
    }
    writer.commitTransaction(); // blocks; fails when a newer leader has fenced this one
    inTransaction = false;
    tick(clock, IngestionStage.LEADER_PRODUCE);
    if (!deadLettered.isEmpty()) {
      deadLetters.unblocked();
      deadLettered.forEach(deadLetters::handled);
    }
    if (clock != null && data > 0) {
      batchHooks.afterLeaderBatch(new LeaderBatch(store, TopicNames.versionOf(topic), partition,
          data, deadLettered.size(), clock.totals()));
    }
  }

  /**
   * The copy's headers: a sampled write's {@code write-path-timestamp-map} with the leader's
   * dequeue stamp added; none for an unsampled write (nothing is read or written for it but the
   * look-up of one header name).
   */
  private static Map<String, byte[]> writePathHeader(ConsumerRecord<byte[], byte[]> record,
      Instant dequeued) {
    Header sampled = record.headers().lastHeader(WritePathTimestampMap.HEADER);
    if (sampled == null) {
      return Map.of();
    }
    return WritePathTimestampMap.parse(sampled.value())
        .map(stamps -> Map.of(WritePathTimestampMap.HEADER, stamps.leaderReceived(
            WritePathTimestampMap.epochMicros(dequeued)).encode()))
        .orElse(Map.of());
  }

  private static void tick(BatchClock clock, IngestionStage stage) {
    if (clock != null) {
      clock.tick(stage);
    }
  }

  private static void untimed(BatchClock clock) {
    if (clock != null) {
      clock.skip();
    }
  }

  /**
   * A batch's time per stage: each {@link #tick} reads the clock once and charges the time since
   * the previous tick to its stage (so every boundary is one clock read).
   */
  private static final class BatchClock {
    private final long[] nanos = new long[IngestionStage.values().length];
    private long last = System.nanoTime();

    void tick(IngestionStage stage) {
      long now = System.nanoTime();
      nanos[stage.ordinal()] += now - last;
      last = now;
    }

    /** Charges the time since the previous tick to no stage. */
    void skip() {
      last = System.nanoTime();
    }

    StageTimings totals() {
      StageTimings timings = new StageTimings();
      for (IngestionStage stage : List.of(IngestionStage.DECODE,
          IngestionStage.SCHEMA_VALIDATION, IngestionStage.LEADER_PRODUCE)) {
        timings.record(stage, nanos[stage.ordinal()]);
      }
      return timings;
    }
  }

  /**
   * Sends a real-time record down the dead-letter path within the open transaction: its kept
   * message (a failed write is counted and fails the commit, so the batch is retried) and the
   * skip marker.
   */
  private DeadLetterRecord skip(ConsumerRecord<byte[], byte[]> record, String reason,
      String detail) {
    DeadLetterRecord letter = deadLetters.describe(record, reason, detail);
    deadLetters.message(letter).ifPresent(message -> writer.sendTo(message.topic(),
        message.key(), message.value(), message.headers()).whenComplete((sent, error) -> {
          // a batch aborted for another reason (demotion, fencing, a version-topic send) is not
          // a failure to write dead letters
          if (error != null && !(error instanceof TransactionAbortedException) && !isFenced(error)) {
            deadLetters.writeFailed(letter, message.topic(), error);
          }
        }));
    writer.skipFromRealTime(partition, record.offset());
    return letter;
  }

  private void onFailure(RuntimeException e) {
    if (e instanceof SchemaNotYetKnownException waiting) {
      LOG.info("{} partition {}: {}", topic, partition, waiting.getMessage());
      retryLater(); // aborts the batch's copies: nothing is copied past the record
      return;
    }
    if (isFenced(e)) {
      close();
      if (holdsNewestTerm("fenced by another producer")) {
        LOG.warn("{} partition {}: fenced though term {} is the newest; reopening", topic,
            partition, term.get().value());
      }
      return;
    }
    LOG.warn("{} partition {}: leading failed; reopening in {} s, after the last real-time"
        + " offset applied here", topic, partition, RETRY.toSeconds(), e);
    retryLater();
  }

  private void retryLater() {
    close();
    retryAtNanos = System.nanoTime() + RETRY.toNanos();
  }

  private static boolean isFenced(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }


  /** A real-time record's schema id is not known yet: the batch is retried, nothing is skipped. */
  private static final class SchemaNotYetKnownException extends RuntimeException {
    SchemaNotYetKnownException(String message) {
      super(message, null, false, false);
    }
  }
}
