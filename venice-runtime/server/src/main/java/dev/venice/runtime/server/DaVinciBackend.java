package dev.venice.runtime.server;

import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.LocalPartition;
import dev.venice.spi.davinci.LocalPartitions;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.spi.host.BlockCacheControl;
import dev.venice.spi.host.EngineStats;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.StorageMemoryUsage;
import dev.venice.spi.host.StorageStatsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage and ingestion of a Da Vinci client: the server's own {@link ReplicaManager}, {@link
 * IngestionTask} and {@link PartitionStore}, run inside an application to keep a local copy of
 * some partitions of a store's versions (Venice's {@code DaVinciBackend}). A local partition is a
 * follower that never leads: it applies its version topic (the batch data, then, for a hybrid
 * store, the real-time records the servers' leaders copy into it) exactly as a server's standby
 * replica does, with the same duplicate checks, dead-letter path and storage retries, and it is
 * ready under the same caught-up rule ({@link IngestionTask}). Unlike a server's replica it
 * reports no status to ZooKeeper (it is no replica of the cluster's and never counts towards, or
 * fails, a push) and joins no Helix cluster; it reads store metadata from ZooKeeper.
 *
 * <p><b>Start over, unless vouched for.</b> When a partition is subscribed and an earlier run left
 * a local copy in its directory, the caller's resume rule decides (the client's Da Vinci hooks:
 * {@link dev.venice.spi.davinci.DaVinciHook#onLocalCopyFound}) with the copy's last applied
 * offset and the version topic as Kafka has it now (its topic id, start and end offsets): resume,
 * continuing from the copy's own position (its offset is written atomically with its data, so the
 * copy is consistent at any crash), or start over, deleting the copy. The decision and its reason
 * are logged.
 *
 * <p><b>Memory.</b> Every local partition's RocksDB keeps its blocks in one shared block cache
 * ({@link SharedBlockCache}), which {@link #storageStats()} offers, with the partitions' memory
 * use, to the client's plugins (the memory-pressure plugin resizes it).
 *
 * <p><b>Thread-safety</b>: every method is safe from any thread. The {@link PartitionListener} is
 * called on a partition's ingestion thread and must not block.
 */
public final class DaVinciBackend implements AutoCloseable {
  /** What happens to local partitions; called on their ingestion threads, must not block. */
  public interface PartitionListener {
    /** The partition has caught up: it may serve reads from now on. */
    void caughtUp(String topic, int partition);

    /** The partition's ingestion failed for good (its storage kept failing); it never serves. */
    void failed(String topic, int partition);
  }

  /**
   * A value as stored locally.
   *
   * @param schemaId the value schema id it was written with
   * @param value its bytes, compressed with the version's compression strategy
   */
  public record LocalValue(int schemaId, byte[] value) {}

  private static final Logger LOG = LoggerFactory.getLogger(DaVinciBackend.class);
  /** How long a look-up of a version topic's id and offsets may take. */
  private static final Duration KAFKA_LOOKUP = Duration.ofSeconds(15);

  private final ZkClient zk;
  private final ZkStoreRepository stores;
  private final ReplicaManager replicas;
  private final SharedBlockCache blockCache;
  private final String kafkaBootstrapServers;
  /** Kafka's id of each subscribed partition's topic, by {@code topic_partition}. */
  private final Map<String, String> topicIds = new ConcurrentHashMap<>();
  /** Made at the first subscription, closed with the backend. */
  private Admin kafkaAdmin;
  /** The data directory's lock: one Da Vinci client per directory, in any process. */
  private final DataDirectoryLock lock;
  private final Path dataDir;
  private volatile boolean closed;

  private DaVinciBackend(ZkClient zk, ZkStoreRepository stores, ReplicaManager replicas,
      SharedBlockCache blockCache, String kafkaBootstrapServers, DataDirectoryLock lock,
      Path dataDir) {
    this.zk = zk;
    this.stores = stores;
    this.replicas = replicas;
    this.blockCache = blockCache;
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.lock = lock;
    this.dataDir = dataDir;
  }

  /**
   * Connects to the cluster's ZooKeeper (metadata only) and prepares local storage; no partition
   * is subscribed yet.
   *
   * @param zookeeperAddress the cluster's ZooKeeper connect string
   * @param cluster the cluster name (the ZooKeeper root of its metadata)
   * @param kafkaBootstrapServers the cluster's Kafka, where the version topics are
   * @param dataDir where local partitions live ({@code <dataDir>/<topic>/<topic>_<partition>})
   * @param instanceId names this client in Kafka client ids and logs
   * @param zookeeperSessionTimeout ZooKeeper's session timeout
   * @param blockCacheBytes the capacity of the block cache the local partitions share, bytes
   * @param hooks the ingestion hooks of the client's plugins (read when a partition opens)
   * @param listener told when a partition catches up or fails
   * @param registry where ingestion meters go ({@code venice.server.ingestion.*}, as on a server)
   * @throws org.apache.helix.zookeeper.zkclient.exception.ZkTimeoutException when ZooKeeper
   *     cannot be reached within 15 s
   * @throws IllegalStateException naming the directory when another Da Vinci client (in this
   *     process or another) uses it
   * @throws java.io.UncheckedIOException when the directory cannot be created
   */
  public static DaVinciBackend start(String zookeeperAddress, String cluster,
      String kafkaBootstrapServers, Path dataDir, String instanceId,
      Duration zookeeperSessionTimeout, long blockCacheBytes, Supplier<IngestionHooks> hooks,
      PartitionListener listener, MeterRegistry registry) {
    Objects.requireNonNull(listener, "listener");
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    SharedBlockCache blockCache;
    ZkClient zk;
    try {
      blockCache = new SharedBlockCache(blockCacheBytes);
      try {
        zk = ZooKeeperConnections.metadataClient(zookeeperAddress, zookeeperSessionTimeout);
      } catch (RuntimeException | Error e) {
        blockCache.close();
        throw e;
      }
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
    try {
      ZkStoreRepository stores = new ZkStoreRepository(zk, cluster);
      ReplicaManager replicas = new ReplicaManager(dataDir, stores, (topic, partition, status) -> { },
          new LeaderTerms(zk, cluster), kafkaBootstrapServers, instanceId, hooks, registry, false,
          blockCache.cache(), ServerConfig.INGESTION_UNKNOWN_SCHEMA_WAIT.defaultValue(),
          ServerConfig.INGESTION_STORAGE_RETRY_TIMEOUT.defaultValue());
      replicas.onReplicaFailure(listener::failed);
      replicas.reportReadinessTo(new ReplicaManager.ReadinessReports() {
        @Override
        public boolean caughtUp(String topic, int partition) {
          listener.caughtUp(topic, partition);
          return true;
        }

        @Override
        public void withdraw(String topic, int partition) {}
      });
      return new DaVinciBackend(zk, stores, replicas, blockCache, kafkaBootstrapServers, lock,
          dataDir);
    } catch (RuntimeException | Error e) {
      zk.close();
      blockCache.close();
      lock.close();
      throw e;
    }
  }

  /** The cluster's store metadata (stores, schemas, dictionaries, changes), read from ZooKeeper. */
  public ZkStoreRepository metadata() {
    return stores;
  }

  /**
   * Starts a local copy of a partition, ingesting it on a thread of its own: from where the copy an
   * earlier run left stands when {@code resumeRule} says resume (see the class comment), else from
   * the beginning of the version topic (deleting the old copy first). Subscribing a partition
   * already subscribed does nothing.
   *
   * @param resumeRule asked only when a copy exists; its decision and reason are logged
   * @throws IOException when its directory cannot be cleared or RocksDB cannot open it (the message
   *     names the directory; e.g. another Da Vinci client holds it), or Kafka cannot describe the
   *     version topic within 15 s
   * @throws IllegalStateException when the store or version does not exist
   */
  public synchronized void subscribe(String topic, int partition,
      Function<LocalCopy, ResumeDecision> resumeRule) throws IOException {
    if (replicas.replica(topic, partition) != null) {
      return;
    }
    TopicState kafka = topicState(topic, partition);
    Path dir = replicas.dir(topic, partition);
    boolean resume = false;
    if (PartitionStore.exists(dir)) {
      long localOffset;
      // the data directory is locked for this client alone: a copy that fails to open is broken
      try (PartitionStore copy = PartitionStore.openSharing(dir, false, blockCache.cache())) {
        localOffset = copy.checkpointOffset();
      } catch (IOException | RocksDBException e) {
        localOffset = Long.MIN_VALUE; // unreadable: nothing to resume from
        LOG.warn("{} partition {}: the local copy in {} cannot be read; starting over", topic,
            partition, dir, e);
      }
      if (localOffset != Long.MIN_VALUE) {
        ResumeDecision decision = resumeRule.apply(new LocalCopy(TopicNames.storeOf(topic),
            TopicNames.versionOf(topic), partition, topic, kafka.topicId(), kafka.start(),
            kafka.end(), localOffset));
        resume = decision.resume();
        LOG.info("{} partition {}: {} the local copy (last applied offset {}; topic offsets {}"
            + " to {}): {}", topic, partition, resume ? "resuming from" : "starting over, deleting",
            localOffset, kafka.start(), kafka.end(), decision.reason());
      }
    }
    if (!resume) {
      replicas.drop(topic, partition);
    }
    topicIds.put(key(topic, partition), kafka.topicId()); // before a checkpoint can list it
    try {
      replicas.open(topic, partition);
    } catch (IOException | RuntimeException e) {
      topicIds.remove(key(topic, partition));
      throw e;
    }
  }

  /**
   * Deletes what earlier runs left of a store's versions other than {@code keptVersion} (their
   * {@code <store>_v<n>} directories), for a client starting on {@code keptVersion}: no other
   * version's copy is ever resumed.
   *
   * @throws IOException when a directory cannot be deleted
   */
  public synchronized void deleteOtherVersions(String store, int keptVersion) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    List<Path> stale;
    try (Stream<Path> entries = Files.list(dataDir)) {
      String prefix = store + "_v";
      String kept = TopicNames.versionTopic(store, keptVersion);
      stale = entries.filter(p -> {
        String name = p.getFileName().toString();
        return Files.isDirectory(p) && name.startsWith(prefix)
            && name.length() > prefix.length() && !name.equals(kept)
            && name.substring(prefix.length()).chars().allMatch(Character::isDigit);
      }).toList();
    }
    for (Path directory : stale) {
      PartitionStore.destroy(directory);
      LOG.info("deleted {}, a copy of another version an earlier run left", directory);
    }
  }

  /** Stops ingesting a partition and deletes its local copy; nothing when it is not subscribed. */
  public synchronized void unsubscribe(String topic, int partition) throws IOException {
    replicas.drop(topic, partition);
    topicIds.remove(key(topic, partition));
  }

  /** Whether the partition is subscribed here. */
  public boolean isSubscribed(String topic, int partition) {
    return replicas.replica(topic, partition) != null;
  }

  /** Whether the partition is subscribed and its ingestion failed for good. */
  public boolean hasFailed(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    return replica != null && replica.ingestion().hasFailed();
  }

  /** Whether the partition is subscribed, caught up and not failed: it may serve reads. */
  public boolean isReady(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    return replica != null && replica.ingestion().isReady();
  }

  /**
   * Reads a key from a local partition (whatever its readiness: the caller checks {@link
   * #isReady}).
   *
   * @return the value, or {@code null} when the key is absent
   * @throws IllegalStateException when the partition is not subscribed, or closed meanwhile
   * @throws IOException when RocksDB fails the read or the stored record is corrupt (naming the
   *     topic and partition)
   */
  public LocalValue get(String topic, int partition, byte[] key) throws IOException {
    PartitionStore storage = storage(topic, partition);
    byte[] stored;
    try {
      stored = storage.get(key);
    } catch (RocksDBException e) {
      throw new IOException("reading " + topic + " partition " + partition + ": "
          + e.getMessage(), e);
    }
    return stored == null ? null : value(stored, topic, partition);
  }

  /**
   * Starts a scan of a local partition's records in key order (see {@link LocalScan}).
   *
   * @throws IllegalStateException when the partition is not subscribed
   */
  public LocalScan scan(String topic, int partition) {
    return new LocalScan(topic, partition, storage(topic, partition).scan());
  }

  /**
   * Storage statistics of the local partitions, for the client's plugins: per partition (as a
   * server's), their memory use together ({@link StorageMemoryUsage}) and the shared block cache.
   */
  public StorageStatsService storageStats() {
    return new StorageStatsService() {
      @Override
      public List<PartitionStats> partitions() {
        return replicas.partitions();
      }

      @Override
      public List<EngineStats> engineStats() {
        return replicas.engineStats();
      }

      @Override
      public Optional<StorageMemoryUsage> memoryUsage() {
        if (closed) {
          return Optional.empty(); // the contract: never throws
        }
        long memTables = 0;
        long tableReaders = 0;
        for (ReplicaManager.Replica replica : replicas.replicas()) {
          long[] usage = replica.storage().memoryUsage();
          memTables += usage[0];
          tableReaders += usage[1];
        }
        return Optional.of(new StorageMemoryUsage(memTables, tableReaders,
            blockCache.usageBytes(), blockCache.pinnedUsageBytes(), blockCache.capacityBytes()));
      }

      @Override
      public Optional<BlockCacheControl> sharedBlockCache() {
        return Optional.of(new BlockCacheControl() {
          @Override
          public long initialCapacityBytes() {
            return blockCache.initialCapacityBytes();
          }

          @Override
          public long capacityBytes() {
            return blockCache.capacityBytes();
          }

          @Override
          public void resize(long bytes) {
            blockCache.resize(bytes);
          }
        });
      }
    };
  }

  /** The local partitions, for the client's plugins (list them, make them durable). */
  public LocalPartitions localPartitions() {
    return new LocalPartitions() {
      @Override
      public List<LocalPartition> partitions() {
        List<LocalPartition> held = new ArrayList<>();
        for (ReplicaManager.Replica replica : replicas.replicas()) {
          held.add(new LocalPartition(TopicNames.storeOf(replica.topic()),
              TopicNames.versionOf(replica.topic()), replica.partition(), replica.topic(),
              topicIds.getOrDefault(key(replica.topic(), replica.partition()), ""),
              replica.ingestion().isReady()));
        }
        return held;
      }

      @Override
      public long makeDurable(String store, int version, int partition) {
        String topic = TopicNames.versionTopic(store, version);
        PartitionStore storage = storage(topic, partition);
        try {
          long offset = storage.checkpointOffset(); // first: the flush then covers at least it
          storage.flush();
          return offset;
        } catch (RocksDBException e) {
          throw new UncheckedIOException(new IOException("flushing " + topic + " partition "
              + partition + ": " + e.getMessage(), e));
        } catch (IllegalStateException closed) {
          throw new IllegalStateException("partition " + partition + " of " + topic
              + " is not held any more", closed);
        }
      }
    };
  }

  /**
   * Stops every partition's ingestion and closes its storage (the files stay on disk), then the
   * block cache, the Kafka admin client and the ZooKeeper connection.
   */
  @Override
  public void close() {
    closed = true;
    try {
      replicas.close();
    } finally {
      synchronized (this) {
        if (kafkaAdmin != null) {
          kafkaAdmin.close(Duration.ofSeconds(5));
        }
      }
      blockCache.close();
      zk.close();
      lock.close();
    }
  }

  /** A version-topic partition as Kafka has it now. */
  private record TopicState(String topicId, long start, long end) {}

  private TopicState topicState(String topic, int partition) throws IOException {
    if (kafkaAdmin == null) {
      kafkaAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          kafkaBootstrapServers));
    }
    TopicPartition tp = new TopicPartition(topic, partition);
    try {
      TopicDescription description = kafkaAdmin.describeTopics(List.of(topic)).allTopicNames()
          .get(KAFKA_LOOKUP.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      ListOffsetsResult.ListOffsetsResultInfo start = kafkaAdmin.listOffsets(
              Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
          .get(KAFKA_LOOKUP.toMillis(), TimeUnit.MILLISECONDS);
      ListOffsetsResult.ListOffsetsResultInfo end = kafkaAdmin.listOffsets(
              Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
          .get(KAFKA_LOOKUP.toMillis(), TimeUnit.MILLISECONDS);
      return new TopicState(description.topicId().toString(), start.offset(), end.offset());
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot describe " + topic + " partition " + partition + " in Kafka ("
          + kafkaBootstrapServers + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while describing " + topic, e);
    }
  }

  private static String key(String topic, int partition) {
    return topic + "_" + partition;
  }

  private PartitionStore storage(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    if (replica == null) {
      throw new IllegalStateException("partition " + partition + " of " + topic
          + " is not subscribed");
    }
    return replica.storage();
  }

  private static LocalValue value(byte[] stored, String topic, int partition) throws IOException {
    PartitionStore.StoredRecord header;
    try {
      header = PartitionStore.StoredRecord.parse(stored);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt record in " + topic + " partition " + partition + ": "
          + e.getMessage(), e);
    }
    byte[] value = new byte[stored.length - header.valueOffset()];
    System.arraycopy(stored, header.valueOffset(), value, 0, value.length);
    return new LocalValue(header.schemaId(), value);
  }

  /**
   * A scan of one local partition's records in key order, on an implicit snapshot (records applied
   * after it started are not seen), holding memory for one record at a time. It keeps the
   * partition's storage open: an unsubscribe or close waits for it, so close it promptly
   * (try-with-resources). One thread.
   */
  public static final class LocalScan implements AutoCloseable {
    private final String topic;
    private final int partition;
    private final PartitionStore.Scan scan;

    private LocalScan(String topic, int partition, PartitionStore.Scan scan) {
      this.topic = topic;
      this.partition = partition;
      this.scan = scan;
    }

    /**
     * Moves to the next record (the first on the first call).
     *
     * @return false after the last one
     * @throws IOException when RocksDB fails the iteration
     */
    public boolean next() throws IOException {
      try {
        return scan.next();
      } catch (RocksDBException e) {
        throw new IOException("scanning " + topic + " partition " + partition + ": "
            + e.getMessage(), e);
      }
    }

    /** The current record's serialized key. */
    public byte[] key() {
      return scan.key();
    }

    /**
     * The current record's value.
     *
     * @throws IOException when the stored record is corrupt
     */
    public LocalValue value() throws IOException {
      return DaVinciBackend.value(scan.stored(), topic, partition);
    }

    @Override
    public void close() {
      scan.close();
    }
  }
}
