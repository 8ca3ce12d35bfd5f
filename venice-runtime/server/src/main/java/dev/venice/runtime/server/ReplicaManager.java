package dev.venice.runtime.server;

import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.spi.host.EngineStats;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.StorageStatsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.rocksdb.Cache;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition replicas this server holds, each a {@link PartitionStore} filled by an {@link
 * IngestionTask}. Helix state transitions call in here: open (OFFLINE to STANDBY), promote and
 * demote (LEADER), close (to OFFLINE) and drop (to DROPPED). A Da Vinci client's {@link
 * DaVinciBackend} holds its local partitions in one too: opened and dropped by subscriptions,
 * never promoted.
 */
final class ReplicaManager implements StorageStatsService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

  /**
   * Where the server publishes whether a replica is ready to serve (its Helix customized state,
   * which routers read).
   */
  interface ReadinessReports {
    /**
     * The replica caught up (called on its ingestion thread until it returns true).
     *
     * @return whether the report was published; false to be asked again later
     */
    boolean caughtUp(String topic, int partition);

    /** The replica is (re)opening or closing: it is not ready until it reports again. */
    void withdraw(String topic, int partition);
  }

  /**
   * Where a replica's ingestion status (STARTED, COMPLETED, ERROR) goes: on a server, ZooKeeper's
   * replica reports, which the controller's push monitor reads; on a Da Vinci client, nowhere (it
   * is no replica of the cluster's and must never count towards, or fail, a push).
   */
  @FunctionalInterface
  interface StatusReports {
    /** Reports {@code status} of the replica; called on its ingestion thread. */
    void report(String topic, int partition, ReplicaStatus status);
  }

  /** One replica on this server. */
  record Replica(String topic, int partition, PartitionStore storage, IngestionTask ingestion) {}

  private final Path dataDir;
  private final ZkStoreRepository stores;
  private final StatusReports statusReports;
  private final LeaderTerms terms;
  private final String kafkaBootstrap;
  private final String instanceId;
  private final Supplier<IngestionHooks> hooks;
  private final MeterRegistry registry;
  /** Whether replicas open with RocksDB's statistics on ({@code storage.statistics.enabled}). */
  private final boolean statisticsEnabled;
  /** The block cache every replica here shares (a Da Vinci client's); null for RocksDB's own. */
  private final Cache sharedBlockCache;
  /** {@code ingestion.unknown.schema.wait}, for every replica's real-time schema check. */
  private final Duration unknownSchemaWait;
  /** {@code ingestion.storage.retry.timeout}, for every replica's storage writes. */
  private final Duration storageRetryTimeout;
  /** Writes the version-topic dead letters plugins keep, for every replica here. */
  private final DeadLetterWriter deadLetters;
  private final Map<String, Replica> replicas = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Integer> takeOutOfService = (topic, partition) -> { };
  private volatile ReadinessReports readiness = new ReadinessReports() {
    @Override
    public boolean caughtUp(String topic, int partition) {
      return true;
    }

    @Override
    public void withdraw(String topic, int partition) {}
  };

  ReplicaManager(Path dataDir, ZkStoreRepository stores, StatusReports statusReports,
      LeaderTerms terms, String kafkaBootstrap, String instanceId,
      Supplier<IngestionHooks> hooks, MeterRegistry registry, boolean statisticsEnabled,
      Cache sharedBlockCache, Duration unknownSchemaWait, Duration storageRetryTimeout) {
    this.dataDir = dataDir;
    this.statisticsEnabled = statisticsEnabled;
    this.sharedBlockCache = sharedBlockCache;
    this.unknownSchemaWait = unknownSchemaWait;
    this.storageRetryTimeout = storageRetryTimeout;
    this.deadLetters = new DeadLetterWriter(kafkaBootstrap, instanceId, registry);
    this.stores = stores;
    this.statusReports = statusReports;
    this.terms = terms;
    this.kafkaBootstrap = kafkaBootstrap;
    this.instanceId = instanceId;
    this.hooks = hooks;
    this.registry = registry;
  }

  /** Opens the replica's storage and starts ingesting. */
  synchronized void open(String topic, int partition) throws IOException {
    String id = id(topic, partition);
    if (replicas.containsKey(id)) {
      return;
    }
    String storeName = TopicNames.storeOf(topic);
    Store store = stores.store(storeName).orElseThrow(() -> new IllegalStateException(
        "opening " + id + ": store " + storeName + " does not exist"));
    Version version = store.version(TopicNames.versionOf(topic)).orElseThrow(
        () -> new IllegalStateException("opening " + id + ": store " + storeName
            + " has no version " + TopicNames.versionOf(topic)));
    readiness.withdraw(topic, partition); // a report left by an earlier opening is stale
    PartitionStore storage = PartitionStore.openSharing(dir(topic, partition), statisticsEnabled,
        sharedBlockCache);
    IngestionTask ingestion = new IngestionTask(topic, partition, version.partitionCount(),
        storage, kafkaBootstrap, store.hybrid(), instanceId, stores, statusReports, terms, hooks,
        deadLetters, unknownSchemaWait, storageRetryTimeout, registry,
        () -> takeOutOfService.accept(topic, partition),
        () -> readiness.caughtUp(topic, partition));
    replicas.put(id, new Replica(topic, partition, storage, ingestion));
    ingestion.start();
    LOG.info("opened {} (from offset {})", id, checkpoint(storage));
  }

  /**
   * What to do with a replica whose ingestion failed for good (the server disables it in Helix, so
   * its leadership moves elsewhere).
   */
  void onReplicaFailure(BiConsumer<String, Integer> handler) {
    this.takeOutOfService = handler;
  }

  /** Where replicas' readiness is published (set before Helix opens any replica). */
  void reportReadinessTo(ReadinessReports reports) {
    this.readiness = reports;
  }

  /** Whether at least one replica here has caught up (and not failed). */
  boolean anyCaughtUp() {
    return replicas.values().stream().anyMatch(r -> r.ingestion().isReady());
  }

  /**
   * Makes a replica the leader. For a hybrid store the partition's leadership term is raised first
   * (in ZooKeeper), so any earlier leader is stale from this moment.
   */
  void promote(String topic, int partition) {
    Replica replica = replicas.get(id(topic, partition));
    if (replica != null) {
      LeaderTerms.Term term = replica.ingestion().isHybrid() ? terms.raise(topic, partition)
          : null;
      replica.ingestion().promote(term);
      LOG.info("{}: leader{}", id(topic, partition), term == null ? ""
          : " with term " + term.value());
    }
  }

  void demote(String topic, int partition) {
    Replica replica = replicas.get(id(topic, partition));
    if (replica != null) {
      replica.ingestion().demote();
    }
  }

  /**
   * Stops ingesting and closes the storage; the data stays on disk.
   *
   * @return false when the ingestion did not stop within 30 s (its RocksDB is left open)
   */
  synchronized boolean close(String topic, int partition) {
    Replica replica = replicas.remove(id(topic, partition));
    if (replica == null) {
      return true;
    }
    boolean stopped = replica.ingestion().stop();
    readiness.withdraw(topic, partition); // after the stop: no report can follow it
    if (stopped) {
      replica.storage().close();
      LOG.info("closed {}", id(topic, partition));
    } else {
      // never close RocksDB under a thread that may still write to it
      LOG.error("{}: ingestion did not stop within 30 s; its RocksDB is left open",
          id(topic, partition));
    }
    return stopped;
  }

  /**
   * Closes the replica and deletes its data.
   *
   * @throws IOException when its files cannot be deleted, or its ingestion did not stop (its
   *     files are then left alone, never deleted under a writer)
   */
  synchronized void drop(String topic, int partition) throws IOException {
    if (!close(topic, partition)) {
      throw new IOException(id(topic, partition) + ": ingestion did not stop within 30 s; its"
          + " files are left in " + dir(topic, partition));
    }
    PartitionStore.destroy(dir(topic, partition));
    LOG.info("dropped {}", id(topic, partition));
  }

  /** The replica, if this server holds it. */
  Replica replica(String topic, int partition) {
    return replicas.get(id(topic, partition));
  }

  List<Replica> replicas() {
    return List.copyOf(replicas.values());
  }

  @Override
  public List<EngineStats> engineStats() {
    List<EngineStats> stats = new ArrayList<>();
    for (Replica r : replicas.values()) {
      Map<String, Long> values;
      try {
        values = r.storage().engineStats();
      } catch (RuntimeException closing) {
        continue; // closed while read (the contract: left out)
      }
      if (!values.isEmpty()) {
        stats.add(new EngineStats(TopicNames.storeOf(r.topic()), TopicNames.versionOf(r.topic()),
            r.partition(), values));
      }
    }
    return stats;
  }

  @Override
  public List<PartitionStats> partitions() {
    List<PartitionStats> stats = new ArrayList<>();
    for (Replica r : replicas.values()) {
      long keys;
      try {
        keys = r.storage().estimatedKeys();
      } catch (RocksDBException e) {
        keys = -1;
      }
      stats.add(new PartitionStats(TopicNames.storeOf(r.topic()), TopicNames.versionOf(r.topic()),
          r.partition(), keys, r.storage().sizeOnDisk()));
    }
    return stats;
  }

  @Override
  public synchronized void close() {
    for (Replica replica : List.copyOf(replicas.values())) {
      close(replica.topic(), replica.partition());
    }
    deadLetters.close();
  }

  /** Where a replica's database lives. */
  Path dir(String topic, int partition) {
    return dataDir.resolve(topic).resolve(topic + "_" + partition);
  }

  private static String id(String topic, int partition) {
    return topic + "_" + partition;
  }

  private static long checkpoint(PartitionStore storage) {
    try {
      return storage.checkpointOffset();
    } catch (RocksDBException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
