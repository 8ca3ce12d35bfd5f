package dev.venice.runtime.server;

import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.spi.server.DeadLetterRecord;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills one partition replica from its version topic, on a thread of its own. Every replica,
 * leader or standby, applies the same ordered version-topic stream, reading only committed
 * records ({@code isolation.level=read_committed}): a fenced leader's aborted copies are never
 * applied. When this replica leads a hybrid partition and has consumed end-of-push, its {@link
 * RealTimeLeader} also copies the store's real-time topic into the version topic.
 *
 * <p><b>Caught up.</b> A replica reports COMPLETED, and serves reads, only once it has caught up:
 * it has applied end-of-push, its version-topic position has reached the topic's end offset (the
 * last stable offset, as {@code read_committed} sees it) sampled when the check began (at
 * end-of-push, or when the replica opened with end-of-push already stored: a reopened replica
 * never trusts its stored end-of-push alone), and, for a hybrid store, its real-time lag is at most
 * the store's {@code offsetLagThreshold}. The lag is the real-time partition's end offset minus the
 * next real-time offset this replica has to apply: after the last copied one ({@code
 * upstreamOffset + 1}), or, before any copy, the first offset within the rewind time (where a new
 * leader starts, {@link LeaderStartPosition}). This is Venice's hybrid "ready to serve" rule. Once
 * caught up a replica stays so (a lag that grows later is a metric, not a reason to stop serving).
 *
 * <p>A record that cannot be applied, ever (undecodable, no key, an unknown message type, or
 * rejected by a plugin), takes the dead-letter path ({@link DeadLetterPath}): kept in the
 * plugin's dead-letter topic when a plugin keeps them (waiting while it cannot be written),
 * logged, counted in {@code venice.server.ingestion.dead.letter{store,reason}}, handed with its
 * bytes to the hooks' {@code onDeadLetter}, and only then checkpointed so the partition moves on.
 * A failure of the replica itself (its storage) is not a dead letter: the write is retried with
 * backoff ({@link StorageRetry}) for {@code ingestion.storage.retry.timeout}, the partition
 * waiting meanwhile; a failure that lasts longer reports the replica ERROR and asks the host to
 * take it out of service ({@code onFailure}), so Helix moves its leadership elsewhere and the
 * record is applied there; nothing is skipped.
 */
final class IngestionTask implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionTask.class);
  private static final Duration POLL = Duration.ofMillis(50);
  /** A caught-up check's Kafka look-ups: short, so a slow broker never stalls ingestion long. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
  private static final long RETRY_MS = 1000;

  private final String topic;
  private final String store;
  private final int partition;
  private final PartitionStore storage;
  private final String kafkaBootstrap;
  private final String instanceId;
  /** Store metadata: the store's current hybrid settings, a version's dictionary. */
  private final ZkStoreRepository stores;
  private final ReplicaManager.StatusReports statusReports;
  private final Supplier<IngestionHooks> hooks;
  /**
   * The hooks of the plugins on for this store when the replica opened, kept for its life: a hook
   * that saw the replica open sees every record of it (a Bloom filter switched off and on again
   * must not miss the keys applied in between).
   */
  private volatile IngestionHooks replicaHooks;
  private final DeadLetterPath deadLetters;
  private final Runnable onFailure;
  private final Counter applied;
  private final Counter duplicates;
  private final Counter gaps;
  private final Thread thread;
  private volatile boolean running = true;
  /** Whether Helix has made this replica the leader. */
  private volatile boolean leader;
  private volatile boolean failed;
  /** Whether this replica has caught up (see the class comment); only ever goes to true. */
  private volatile boolean caughtUp;
  /** Whether its readiness was published and COMPLETED reported. */
  private boolean published;
  /** The version-topic offset to reach before catching up; -1 until sampled. */
  private long catchUpTarget = -1;
  /** When the caught-up check may run again (epoch ms). */
  private long nextCheckMs;
  private long lastLoggedLag = -1;
  /** Publishes the replica's readiness for routing; false when it could not (asked again). */
  private final BooleanSupplier readinessPublished;
  private volatile KafkaConsumer<byte[], byte[]> versionConsumer;
  /** The real-time copy of a hybrid partition's leader; null for a batch-only store. */
  private final RealTimeLeader realTimeLeader;
  private final Map<String, Long> lastSequences = new HashMap<>();
  /** Every storage write of this replica: a failing one is retried with backoff. */
  private final StorageRetry storageWrites;

  IngestionTask(String topic, int partition, int partitionCount, PartitionStore storage,
      String kafkaBootstrap, HybridConfig hybrid, String instanceId, ZkStoreRepository stores,
      ReplicaManager.StatusReports statusReports, LeaderTerms terms, Supplier<IngestionHooks> hooks, DeadLetterWriter deadLetterWriter,
      Duration unknownSchemaWait, Duration storageRetryTimeout, MeterRegistry registry,
      Runnable onFailure,
      BooleanSupplier readinessPublished) {
    this.topic = topic;
    this.store = TopicNames.storeOf(topic);
    this.partition = partition;
    this.storage = storage;
    this.kafkaBootstrap = kafkaBootstrap;
    this.instanceId = instanceId;
    this.stores = stores;
    this.statusReports = statusReports;
    this.hooks = hooks;
    this.onFailure = onFailure;
    this.readinessPublished = readinessPublished;
    this.applied = Counter.builder("venice.server.ingestion.records")
        .description("Data records applied to storage").tag("store", store).register(registry);
    this.duplicates = Counter.builder("venice.server.ingestion.duplicates")
        .description("Records skipped as already applied (same producer, old sequence number)")
        .tag("store", store).register(registry);
    this.gaps = Counter.builder("venice.server.ingestion.gaps")
        .description("Producer sequence gaps seen (records missing upstream)")
        .tag("store", store).register(registry);
    this.storageWrites = new StorageRetry(topic + " partition " + partition,
        storageRetryTimeout, System::nanoTime, LockSupport::parkNanos, () -> running,
        Counter.builder("venice.server.ingestion.storage.write.failures")
            .description("Failed storage write attempts of ingestion (each retried with backoff"
                + " until ingestion.storage.retry.timeout)").tag("store", store)
            .register(registry));
    this.deadLetters = new DeadLetterPath(store, TopicNames.versionOf(topic), partition,
        () -> replicaHooks, deadLetterWriter, registry, () -> running);
    this.realTimeLeader = hybrid == null ? null : new RealTimeLeader(topic, partition,
        partitionCount, storage, kafkaBootstrap, hybrid, terms, () -> consumer("rt"),
        deadLetters, new ValueSchemaCheck(store, stores, unknownSchemaWait), () -> replicaHooks,
        registry);
    this.thread = new Thread(this, "ingestion-" + topic + "-" + partition);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether this replica copies a real-time topic when it leads (its store is hybrid). */
  boolean isHybrid() {
    return realTimeLeader != null;
  }

  /**
   * Makes this replica the partition's leader (takes effect on the ingestion thread).
   *
   * @param term the leadership term raised for it; null for a batch-only store
   */
  void promote(LeaderTerms.Term term) {
    if (realTimeLeader != null) {
      realTimeLeader.promote(term);
    }
    leader = true;
  }

  /**
   * Makes this replica a standby again, returning once it no longer writes to the version topic,
   * so Helix never has two replicas copying at once.
   */
  void demote() {
    leader = false;
    if (realTimeLeader != null) {
      realTimeLeader.demote();
    }
  }

  boolean isLeader() {
    return leader;
  }

  /** Whether this replica's ingestion failed for good. */
  boolean hasFailed() {
    return failed;
  }

  /** Whether this replica has caught up and not failed: it may serve reads. */
  boolean isReady() {
    return caughtUp && !failed;
  }

  /**
   * Stops the thread and waits for it; the storage stays open.
   *
   * @return whether the thread ended (only then may the storage be closed)
   */
  boolean stop() {
    running = false;
    LockSupport.unpark(thread); // a dead-letter write's retry delay ends at once
    KafkaConsumer<byte[], byte[]> consumer = versionConsumer;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (realTimeLeader != null) {
      realTimeLeader.wakeup();
    }
    // an interrupt of the caller must not cut the wait short: a store closed (or deleted) under a
    // thread still writing to it would be corrupted
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean interrupted = false;
    while (thread.isAlive() && System.nanoTime() < deadline) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
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
          : versionConsumer.beginningOffsets(List.of(tp), RealTimeLeader.KAFKA_TIMEOUT).get(tp));
      boolean resumed = checkpoint >= 0;
      loadDictionary(); // a resumed ZSTD_WITH_DICT replica needs it before its next record
      replicaHooks = hooks.get().forStore(store);
      replicaHooks.partitionOpened(event(resumed));
      if (storage.endOfPushReceived()) {
        replicaHooks.endOfPush(event(resumed));
      }
      // never COMPLETED from the stored end-of-push alone: the backlog comes first
      statusReports.report(topic, partition, ReplicaStatus.STARTED);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : versionConsumer.poll(POLL)) {
          applyVersionRecord(record);
        }
        if (realTimeLeader != null && storage.endOfPushReceived()) {
          realTimeLeader.step(versionConsumer, tp);
        }
        if (!published && storage.endOfPushReceived()) {
          checkCaughtUp(tp);
        }
      }
    } catch (WakeupException e) {
      // stop() woke the consumer up
    } catch (RocksDBException | RuntimeException e) {
      if (running) {
        failed = true;
        LOG.error("ingestion of {} partition {} failed for good; its status is ERROR and its host"
            + " takes it out of service", topic, partition, e);
        statusReports.report(topic, partition, ReplicaStatus.ERROR);
        onFailure.run();
      }
    } finally {
      deadLetters.unblocked(); // a wait ended by a stop: the reopened replica counts afresh
      if (realTimeLeader != null) {
        realTimeLeader.close();
      }
      if (replicaHooks != null) {
        replicaHooks.partitionClosed(event(false));
      }
      if (versionConsumer != null) {
        versionConsumer.close(Duration.ofSeconds(5));
      }
    }
  }

  private void applyVersionRecord(ConsumerRecord<byte[], byte[]> record) throws RocksDBException {
    long received = replicaHooks.isEmpty() ? 0 : System.nanoTime(); // stage clocks: hooks only
    Envelope envelope;
    try {
      envelope = Envelope.decode(record.value());
    } catch (IllegalArgumentException e) {
      deadLetter(record, null, "undecodable", e.getMessage());
      return;
    }
    if (isDuplicate(envelope) || isStaleCopy(envelope)) {
      duplicates.increment();
      storageWrites.run(() -> storage.skip(record.offset()));
      return;
    }
    switch (envelope.type()) {
      case CONTROL -> applyControl(record, envelope);
      case PUT, DELETE -> applyData(record, envelope, received);
      default -> deadLetter(record, envelope, "unknown-type", "message type " + envelope.type().name());
    }
  }

  /**
   * For a {@code ZSTD_WITH_DICT} version, gives the replica's storage the version's dictionary
   * (which the push sent the controller before start-of-push), so hooks read plain values and the
   * real-time leader compresses with it.
   *
   * @throws IllegalStateException naming the store and version when ZooKeeper has none
   */
  private void loadDictionary() {
    if (storage.compression() == CompressionStrategy.ZSTD_WITH_DICT
        && storage.dictionary() == null) {
      int version = TopicNames.versionOf(topic);
      storage.dictionary(stores.dictionary(store, version).orElseThrow(() ->
          new IllegalStateException("store " + store + " version " + version + " is compressed"
              + " with ZSTD_WITH_DICT but ZooKeeper holds no dictionary for it (its push sends"
              + " it before start-of-push)")));
    }
  }

  private void applyControl(ConsumerRecord<byte[], byte[]> record, Envelope envelope)
      throws RocksDBException {
    long offset = record.offset();
    switch (envelope.control()) {
      case START_OF_PUSH -> {
        storageWrites.run(() -> storage.startOfPush(offset, envelope.producerId(),
            envelope.sequence(), envelope.compression()));
        loadDictionary();
      }
      // the leader's real-time position moves on
      case REAL_TIME_SKIPPED -> storageWrites.run(() -> storage.apply(offset,
          envelope.producerId(), envelope.sequence(), envelope.upstreamOffset(), null, null));
      case END_OF_PUSH -> {
        storageWrites.run(() -> storage.endOfPush(offset, envelope.producerId(),
            envelope.sequence()));
        replicaHooks.endOfPush(event(false));
        // COMPLETED once caught up (checkCaughtUp), not here
      }
      default -> deadLetter(record, envelope, "unknown-control", "control message "
          + envelope.control().name());
    }
  }

  private void applyData(ConsumerRecord<byte[], byte[]> record, Envelope envelope,
      long received) throws RocksDBException {
    byte[] key = record.key();
    if (key == null || key.length == 0) {
      deadLetter(record, envelope, "empty-key", "a data record without a key");
      return;
    }
    boolean put = envelope.type() == Envelope.MessageType.PUT;
    IngestionHooks hookSet = replicaHooks;
    IngestionRecord hookRecord = null;
    StageTimings timings = null; // timed only for hooks: nothing extra per record when none is on
    long hooked = 0;
    if (!hookSet.isEmpty()) {
      timings = new StageTimings().record(IngestionStage.CONSUME, Math.max(0,
          TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - record.timestamp())));
      byte[] plain;
      try {
        plain = put ? Compression.decompress(storage.compression(), storage.dictionary(),
            envelope.value()) : null;
      } catch (IllegalArgumentException e) {
        deadLetter(record, envelope, "undecompressable", e.getMessage());
        return;
      }
      long decoded = System.nanoTime(); // each boundary is one clock read
      timings.record(IngestionStage.DECODE, decoded - received);
      hookRecord = new IngestionRecord(store, TopicNames.versionOf(topic), partition,
          record.offset(), topic, put ? RecordType.PUT : RecordType.DELETE, key, plain,
          put ? envelope.schemaId() : -1, envelope.producerTimestampMs(), timings,
          headers(record), leader);
      IngestionVerdict verdict = hookSet.beforeApply(hookRecord);
      hooked = System.nanoTime();
      timings.record(IngestionStage.HOOKS, hooked - decoded);
      if (verdict.rejected()) {
        deadLetter(record, envelope, "rejected", verdict.reason());
        return;
      }
    }
    byte[] value = put ? stored(envelope) : null;
    storageWrites.run(() -> storage.apply(record.offset(), envelope.producerId(),
        envelope.sequence(), envelope.upstreamOffset(), key, value));
    lastSequences.put(envelope.producerId(), envelope.sequence());
    applied.increment();
    if (hookRecord != null) {
      timings.record(IngestionStage.APPLY, System.nanoTime() - hooked);
      hookSet.afterApply(hookRecord);
    }
  }

  /**
   * A put as this replica stores it: a real-time record (copied by a leader, so with an upstream
   * offset) keeps its producer's timestamp when it has one, for reads to return (data freshness);
   * a batch record does not, so batch data does not grow (see {@link PartitionStore}).
   */
  private static byte[] stored(Envelope put) {
    return put.upstreamOffset() >= 0 && put.hasProducerTimestamp()
        ? PartitionStore.record(put.schemaId(), put.producerTimestampMs(), put.value())
        : PartitionStore.record(put.schemaId(), put.value());
  }

  /** A record's headers for hooks: name to last value; none for most records. */
  private static Map<String, byte[]> headers(ConsumerRecord<byte[], byte[]> record) {
    Header[] all = record.headers().toArray();
    if (all.length == 0) {
      return Map.of();
    }
    Map<String, byte[]> headers = new LinkedHashMap<>();
    for (Header header : all) {
      headers.put(header.key(), header.value());
    }
    return headers;
  }

  /**
   * Checks the caught-up rule of the class comment and, once it holds, publishes it (Helix, for
   * routing) and then reports COMPLETED (for the push monitor). Runs on the ingestion thread after
   * each poll until published. A Kafka look-up that fails, or a publication that fails, is tried
   * again a second later: neither fails the replica.
   */
  private void checkCaughtUp(TopicPartition versionPartition) throws RocksDBException {
    long now = System.currentTimeMillis();
    if (now < nextCheckMs) {
      return;
    }
    if (!caughtUp) {
      try {
        if (!hasCaughtUp(versionPartition, now)) {
          return;
        }
      } catch (WakeupException e) {
        throw e;
      } catch (KafkaException e) {
        nextCheckMs = now + RETRY_MS;
        LOG.warn("{} partition {}: could not check whether it caught up (again in {} ms): {}",
            topic, partition, RETRY_MS, e.toString());
        return;
      }
      caughtUp = true;
      LOG.info("{} partition {}: caught up (version-topic offset {} reached)", topic, partition,
          catchUpTarget);
    }
    if (!readinessPublished.getAsBoolean()) {
      nextCheckMs = now + RETRY_MS;
      return;
    }
    published = true;
    statusReports.report(topic, partition, ReplicaStatus.COMPLETED);
  }

  /** The rule of the class comment. */
  private boolean hasCaughtUp(TopicPartition versionPartition, long now)
      throws RocksDBException {
    if (catchUpTarget < 0) {
      catchUpTarget = versionConsumer.endOffsets(List.of(versionPartition), LOOKUP_TIMEOUT)
          .get(versionPartition);
    }
    if (versionConsumer.position(versionPartition, LOOKUP_TIMEOUT) < catchUpTarget) {
      return false;
    }
    // the store's current settings: a store made batch-only since has no real-time topic
    HybridConfig hybrid = stores.store(store).map(Store::hybrid).orElse(null);
    if (hybrid == null) {
      return true;
    }
    nextCheckMs = now + 100; // a real-time look-up at most every 100 ms
    long lag = realTimeLag(hybrid, now);
    if (lag <= hybrid.offsetLagThreshold()) {
      return true;
    }
    if (lastLoggedLag < 0 || lag < lastLoggedLag / 2) { // a line per halving, not per check
      lastLoggedLag = lag;
      LOG.info("{} partition {}: real-time lag {} records, over the store's threshold {}; not"
          + " ready yet", topic, partition, lag, hybrid.offsetLagThreshold());
    }
    return false;
  }

  /** The real-time records this replica has still to apply (see the class comment). */
  private long realTimeLag(HybridConfig hybrid, long nowMs) throws RocksDBException {
    TopicPartition realTime = new TopicPartition(TopicNames.realTimeTopic(store), partition);
    LeaderStartPosition.RealTimeOffsets offsets = LeaderStartPosition.RealTimeOffsets.of(
        versionConsumer, realTime, LOOKUP_TIMEOUT);
    long end = offsets.end();
    long copied = storage.upstreamOffset();
    long next = copied >= 0 ? copied + 1
        : offsets.firstAtOrAfter(nowMs - TimeUnit.SECONDS.toMillis(hybrid.rewindSeconds()))
            .orElse(end);
    return Math.max(0, end - Math.min(next, end));
  }

  private PartitionEvent event(boolean resumed) {
    return new PartitionEvent(store, TopicNames.versionOf(topic), partition, resumed,
        realTimeLeader != null);
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

  /**
   * A version-topic record that cannot be applied: kept (when a plugin keeps dead letters; the
   * thread waits until it is written), reported, then skipped (checkpointed, with the real-time
   * offset of a leader's copy). A replica stopping while it waits moves nothing: the record is
   * read again when it reopens.
   *
   * @param envelope the record's envelope, {@code null} when it did not decode
   */
  private void deadLetter(ConsumerRecord<byte[], byte[]> record, Envelope envelope, String reason,
      String detail) throws RocksDBException {
    DeadLetterRecord letter = deadLetters.describe(record, reason, detail);
    deadLetters.keep(letter);
    deadLetters.handled(letter);
    if (envelope == null) {
      storageWrites.run(() -> storage.skip(record.offset()));
    } else { // a leader's copy also moves the real-time position: no successor copies it again
      storageWrites.run(() -> storage.apply(record.offset(), envelope.producerId(),
          envelope.sequence(), envelope.upstreamOffset(), null, null));
    }
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
