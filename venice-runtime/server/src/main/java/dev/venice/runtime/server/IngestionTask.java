package dev.venice.runtime.server;

import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.IngestionVerdict;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills one partition replica from its version topic, on a thread of its own. Every replica,
 * leader or standby, applies the same ordered version-topic stream, reading only committed
 * records ({@code isolation.level=read_committed}). When this replica leads a hybrid partition and
 * has consumed end-of-push, it also copies the store's real-time topic into the version topic,
 * stamping each copy with its real-time offset, in Kafka transactions:
 *
 * <ol>
 *   <li>it checks that it holds the partition's newest {@linkplain LeaderTerms leadership term},
 *       opens its transactional producer (which fences every earlier leader and aborts its open
 *       transaction), and checks the term again;
 *   <li>it catches up with the version topic up to its last stable offset, so it has applied
 *       everything any earlier leader committed;
 *   <li>it starts the real-time topic at the offset {@link LeaderStartPosition} decides;
 *   <li>it copies each polled batch in one transaction. Fenced, it stops for good if a newer term
 *       exists (it is a stale leader) or reopens if not; any other failure aborts the transaction
 *       and resumes after the last real-time offset it has applied.
 * </ol>
 *
 * So no acknowledged real-time write is skipped, and no record of a stale leader is ever read.
 *
 * <p>A record that cannot be decoded, or that a plugin rejects, takes the dead-letter path: it is
 * logged, counted in {@code venice.server.ingestion.dead.letter{store,reason}}, and its offset is
 * checkpointed so the partition moves on.
 */
final class IngestionTask implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionTask.class);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final String store;
  private final int partition;
  private final int partitionCount;
  private final PartitionStore storage;
  private final String kafkaBootstrap;
  private final HybridConfig hybrid;
  private final String instanceId;
  private final ZkStoreRepository reporter;
  private final LeaderTerms terms;
  private final Supplier<IngestionHooks> hooks;
  private final Counter applied;
  private final Counter duplicates;
  private final Counter gaps;
  private final MeterRegistry registry;
  private final Thread thread;
  private volatile boolean running = true;
  /** Whether Helix has made this replica the leader (the ingestion thread acts on it). */
  private volatile boolean leader;
  /** The leadership term this replica raised when Helix made it the leader. */
  private volatile long leaderTerm;
  /** Whether a newer leader exists: no copying until Helix makes this replica leader anew. */
  private volatile boolean superseded;
  private volatile boolean failed;
  private KafkaConsumer<byte[], byte[]> versionConsumer;
  private KafkaConsumer<byte[], byte[]> realTimeConsumer;
  private VeniceWriter leaderWriter;
  private long catchUpTarget = -1;
  /** Whether this thread holds a transactional producer (may write) right now. */
  private volatile boolean leading;
  private final Map<String, Long> lastSequences = new HashMap<>();

  IngestionTask(String topic, int partition, int partitionCount, PartitionStore storage,
      String kafkaBootstrap,
      HybridConfig hybrid, String instanceId, ZkStoreRepository reporter, LeaderTerms terms,
      Supplier<IngestionHooks> hooks, MeterRegistry registry) {
    this.topic = topic;
    this.store = TopicNames.storeOf(topic);
    this.partition = partition;
    this.partitionCount = partitionCount;
    this.storage = storage;
    this.kafkaBootstrap = kafkaBootstrap;
    this.hybrid = hybrid;
    this.instanceId = instanceId;
    this.reporter = reporter;
    this.terms = terms;
    this.hooks = hooks;
    this.registry = registry;
    this.applied = Counter.builder("venice.server.ingestion.records")
        .description("Data records applied to storage").tag("store", store).register(registry);
    this.duplicates = Counter.builder("venice.server.ingestion.duplicates")
        .description("Records skipped as already applied (same producer, old sequence number)")
        .tag("store", store).register(registry);
    this.gaps = Counter.builder("venice.server.ingestion.gaps")
        .description("Producer sequence gaps seen (records missing upstream)")
        .tag("store", store).register(registry);
    this.thread = new Thread(this, "ingestion-" + topic + "-" + partition);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Makes this replica the partition's leader for {@code term} (takes effect on the ingestion
   * thread).
   */
  void promote(long term) {
    leaderTerm = term;
    superseded = false;
    leader = true;
  }

  /**
   * Makes this replica a standby again, returning once it no longer copies the real-time topic, so
   * Helix never has two replicas copying at once.
   */
  void demote() {
    leader = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (leading && thread.isAlive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (leading) {
      LOG.error("{} partition {}: still copying the real-time topic 30 s after demotion", topic,
          partition);
    }
  }

  boolean isLeader() {
    return leader;
  }

  boolean isReady() {
    return storage.endOfPushReceived() && !failed;
  }

  /**
   * Stops the thread and waits for it; the storage stays open.
   *
   * @return whether the thread ended (only then may the storage be closed)
   */
  boolean stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> consumer = versionConsumer;
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  @Override
  public void run() {
    try {
      versionConsumer = consumer("vt");
      TopicPartition tp = new TopicPartition(topic, partition);
      versionConsumer.assign(List.of(tp));
      long checkpoint = storage.checkpointOffset();
      // a concrete position, never a lazily resolved one (and no silent reset: see consumer())
      versionConsumer.seek(tp, checkpoint >= 0 ? checkpoint + 1
          : versionConsumer.beginningOffsets(List.of(tp), KAFKA_TIMEOUT).get(tp));
      boolean resumed = checkpoint >= 0;
      hooks.get().partitionOpened(event(resumed));
      if (storage.endOfPushReceived()) {
        hooks.get().endOfPush(event(resumed));
      }
      reporter.report(topic, partition, instanceId,
          storage.endOfPushReceived() ? ReplicaStatus.COMPLETED : ReplicaStatus.STARTED);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : versionConsumer.poll(POLL)) {
          applyVersionRecord(record);
        }
        if (leader && !superseded && hybrid != null && storage.endOfPushReceived()) {
          leadRealTime(tp);
        } else if (leading) {
          stopLeading();
        }
      }
    } catch (WakeupException e) {
      // stop() woke the consumer up
    } catch (RocksDBException | RuntimeException e) {
      if (running) {
        failed = true;
        LOG.error("ingestion of {} partition {} failed; replica reported ERROR", topic, partition,
            e);
        reporter.report(topic, partition, instanceId, ReplicaStatus.ERROR);
      }
    } finally {
      stopLeading();
      hooks.get().partitionClosed(event(false));
      if (versionConsumer != null) {
        versionConsumer.close(Duration.ofSeconds(5));
      }
    }
  }

  private void applyVersionRecord(ConsumerRecord<byte[], byte[]> record) throws RocksDBException {
    long received = System.nanoTime();
    Envelope envelope;
    try {
      envelope = Envelope.decode(record.value());
    } catch (IllegalArgumentException e) {
      deadLetter(record.offset(), "undecodable", e.getMessage());
      return;
    }
    if (isDuplicate(envelope) || isStaleCopy(envelope)) {
      duplicates.increment();
      storage.skip(record.offset());
      return;
    }
    switch (envelope.type()) {
      case CONTROL -> applyControl(record.offset(), envelope);
      case PUT, DELETE -> applyData(record, envelope, received);
      default -> deadLetter(record.offset(), "unknown-type", envelope.type().name());
    }
  }

  private void applyControl(long offset, Envelope envelope) throws RocksDBException {
    switch (envelope.control()) {
      case START_OF_PUSH -> storage.startOfPush(offset, envelope.producerId(), envelope.sequence(),
          envelope.compression());
      case END_OF_PUSH -> {
        storage.endOfPush(offset, envelope.producerId(), envelope.sequence());
        hooks.get().endOfPush(event(false));
        reporter.report(topic, partition, instanceId, ReplicaStatus.COMPLETED);
      }
      default -> deadLetter(offset, "unknown-control", envelope.control().name());
    }
  }

  private void applyData(ConsumerRecord<byte[], byte[]> record, Envelope envelope,
      long received) throws RocksDBException {
    byte[] key = record.key();
    if (key == null || key.length == 0) {
      deadLetter(record.offset(), "empty-key", "a data record without a key");
      return;
    }
    boolean put = envelope.type() == Envelope.MessageType.PUT;
    IngestionHooks hookSet = hooks.get();
    IngestionRecord hookRecord = null;
    StageTimings timings = null; // timed only for hooks: nothing extra per record when none is on
    if (!hookSet.isEmpty()) {
      timings = new StageTimings().record(IngestionStage.CONSUME, Math.max(0,
          TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - record.timestamp())));
      byte[] plain;
      try {
        plain = put ? Compression.decompress(storage.compression(), envelope.value()) : null;
      } catch (IllegalArgumentException e) {
        deadLetter(record.offset(), "undecompressable", e.getMessage());
        return;
      }
      timings.record(IngestionStage.DECODE, System.nanoTime() - received);
      long hooksStart = System.nanoTime();
      hookRecord = new IngestionRecord(store, TopicNames.versionOf(topic), partition,
          record.offset(), topic, put ? RecordType.PUT : RecordType.DELETE, key, plain,
          put ? envelope.schemaId() : -1, envelope.producerTimestampMs(), timings);
      IngestionVerdict verdict = hookSet.beforeApply(hookRecord);
      timings.record(IngestionStage.HOOKS, System.nanoTime() - hooksStart);
      if (verdict.rejected()) {
        deadLetter(record.offset(), "rejected", verdict.reason());
        return;
      }
    }
    long applyStart = System.nanoTime();
    storage.apply(record.offset(), envelope.producerId(), envelope.sequence(),
        envelope.upstreamOffset(), key,
        put ? PartitionStore.record(envelope.schemaId(), envelope.value()) : null);
    lastSequences.put(envelope.producerId(), envelope.sequence());
    applied.increment();
    if (hookRecord != null) {
      timings.record(IngestionStage.APPLY, System.nanoTime() - applyStart);
      hookSet.afterApply(hookRecord);
    }
  }

  private PartitionEvent event(boolean resumed) {
    return new PartitionEvent(store, TopicNames.versionOf(topic), partition, resumed,
        hybrid != null);
  }

  /**
   * A real-time record copied again: by a new leader resuming, or by an old leader still copying
   * after a handover. Real-time records are applied in real-time offset order, once.
   */
  private boolean isStaleCopy(Envelope envelope) throws RocksDBException {
    return envelope.upstreamOffset() >= 0 && envelope.upstreamOffset() <= storage.upstreamOffset();
  }

  /** Same producer, sequence already applied: a replay. A jump ahead is a gap, counted. */
  private boolean isDuplicate(Envelope envelope) throws RocksDBException {
    Long last = lastSequences.get(envelope.producerId());
    if (last == null) {
      last = storage.lastSequence(envelope.producerId());
    }
    if (last >= 0 && envelope.sequence() <= last) {
      return true;
    }
    if (last >= 0 && envelope.sequence() > last + 1) {
      gaps.increment();
      LOG.warn("{} partition {}: producer {} skipped from sequence {} to {}", topic, partition,
          envelope.producerId(), last, envelope.sequence());
    }
    lastSequences.put(envelope.producerId(), envelope.sequence());
    return false;
  }

  private void deadLetter(long offset, String reason, String detail) throws RocksDBException {
    Counter.builder("venice.server.ingestion.dead.letter")
        .description("Records sent to the dead-letter path instead of storage")
        .tag("store", store).tag("reason", reason).register(registry).increment();
    LOG.warn("{} partition {} offset {}: dead letter ({}): {}", topic, partition, offset, reason,
        detail);
    storage.skip(offset);
  }

  /**
   * As leader of a hybrid partition: fence earlier leaders, catch up with the version topic, then
   * copy the real-time topic (see the class comment).
   */
  private void leadRealTime(TopicPartition versionPartition) throws RocksDBException {
    if (leaderWriter == null && !openProducer(versionPartition)) {
      return;
    }
    if (realTimeConsumer == null && versionConsumer.position(versionPartition) < catchUpTarget) {
      return; // still applying what earlier leaders committed
    }
    try {
      if (realTimeConsumer == null) {
        startCopying();
      }
      copyBatch();
    } catch (KafkaException e) {
      onCopyFailure(e, versionPartition);
    }
  }

  /**
   * Opens the transactional producer (fencing earlier leaders) between two term checks, and sets
   * the catch-up target; false when this replica must not copy (stale, or Kafka unreachable: the
   * next loop tries again).
   */
  private boolean openProducer(TopicPartition versionPartition) {
    if (!holdsNewestTerm("before fencing earlier leaders")) {
      return false;
    }
    try {
      leaderWriter = VeniceWriter.transactional(kafkaBootstrap, topic, partitionCount,
          "venice-leader-" + topic + "-" + partition);
      leading = true;
      if (!holdsNewestTerm("after fencing earlier leaders")) {
        return false;
      }
      // read_committed: the last stable offset, past the transaction the fence just aborted
      catchUpTarget = versionConsumer.endOffsets(List.of(versionPartition), KAFKA_TIMEOUT)
          .get(versionPartition);
    } catch (KafkaException e) {
      LOG.warn("{} partition {}: cannot open the leader's transactional producer; retrying",
          topic, partition, e);
      stopLeading();
      return false;
    }
    LOG.info("{} partition {}: leader with term {}; earlier leaders fenced; catching up with the"
        + " version topic to offset {}", topic, partition, leaderTerm, catchUpTarget);
    return true;
  }

  /** Whether this replica still holds the newest term; if not, it stops copying for good. */
  private boolean holdsNewestTerm(String when) {
    long newest = terms.current(topic, partition);
    if (newest <= leaderTerm) {
      return true;
    }
    LOG.warn("{} partition {}: term {} is stale ({}: the newest is {}); this replica stops"
        + " copying the real-time topic until Helix makes it leader again", topic, partition,
        leaderTerm, when, newest);
    superseded = true;
    stopLeading();
    return false;
  }

  private void startCopying() throws RocksDBException {
    TopicPartition rt = new TopicPartition(TopicNames.realTimeTopic(store), partition);
    realTimeConsumer = consumer("rt");
    realTimeConsumer.assign(List.of(rt));
    LeaderStartPosition.Start start = LeaderStartPosition.decide(storage.upstreamOffset(),
        System.currentTimeMillis() - TimeUnit.SECONDS.toMillis(hybrid.rewindSeconds()),
        LeaderStartPosition.RealTimeOffsets.of(realTimeConsumer, rt));
    realTimeConsumer.seek(rt, start.offset());
    LOG.info("{} partition {}: leading with term {}, copying {} from offset {} ({})", topic,
        partition, leaderTerm, rt, start.offset(), start.reason());
  }

  /** Copies one polled batch of real-time records in one transaction. */
  private void copyBatch() {
    ConsumerRecords<byte[], byte[]> records = realTimeConsumer.poll(Duration.ZERO);
    if (records.isEmpty()) {
      return;
    }
    leaderWriter.beginTransaction();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Envelope envelope;
      try {
        envelope = Envelope.decode(record.value());
      } catch (IllegalArgumentException e) {
        Counter.builder("venice.server.ingestion.dead.letter")
            .description("Records sent to the dead-letter path instead of storage")
            .tag("store", store).tag("reason", "undecodable-real-time").register(registry)
            .increment();
        LOG.warn("{} offset {}: undecodable real-time record skipped: {}",
            TopicNames.realTimeTopic(store), record.offset(), e.getMessage());
        continue;
      }
      if (envelope.type() != Envelope.MessageType.CONTROL && record.key() != null) {
        // real-time values are plain; the version topic holds them in the version's compression
        Envelope copy = envelope.type() == Envelope.MessageType.PUT
            ? envelope.withValue(Compression.compress(storage.compression(), envelope.value()))
            : envelope;
        leaderWriter.copyFromRealTime(partition, record.key(), copy, record.offset());
      }
    }
    leaderWriter.commitTransaction(); // blocks; fails if a newer leader has fenced this one
  }

  /**
   * A copy failed. Fenced: stop for good when a newer term exists, else reopen (an earlier leader
   * reopening its producer fenced this one before learning it is stale). Otherwise abort the
   * transaction and resume after the last real-time offset this replica has applied.
   */
  private void onCopyFailure(KafkaException e, TopicPartition versionPartition) {
    if (isFenced(e)) {
      if (holdsNewestTerm("fenced by another producer")) {
        LOG.warn("{} partition {}: fenced though term {} is the newest; reopening", topic,
            partition, leaderTerm);
        stopLeading();
      }
      return;
    }
    LOG.warn("{} partition {}: copying the real-time topic failed; resuming after the last"
        + " real-time offset applied here", topic, partition, e);
    closeRealTimeConsumer();
    try {
      leaderWriter.abortTransaction();
      catchUpTarget = versionConsumer.endOffsets(List.of(versionPartition), KAFKA_TIMEOUT)
          .get(versionPartition);
    } catch (KafkaException fatal) {
      stopLeading(); // the producer cannot go on: reopen it (with the term check) next time
    }
  }

  private static boolean isFenced(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  private void closeRealTimeConsumer() {
    if (realTimeConsumer != null) {
      realTimeConsumer.close(Duration.ofSeconds(5));
      realTimeConsumer = null;
    }
  }

  private void stopLeading() {
    catchUpTarget = -1;
    closeRealTimeConsumer();
    if (leaderWriter != null) {
      leaderWriter.close(); // an open transaction is aborted
      leaderWriter = null;
    }
    leading = false;
  }

  private KafkaConsumer<byte[], byte[]> consumer(String role) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Positions are always chosen explicitly; one out of range is an error, never a silent jump.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    // Only committed records: a fenced leader's aborted copies are never applied.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-" + role + "-" + topic + "-"
        + partition);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
