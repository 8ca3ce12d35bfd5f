package dev.venice.runtime.server;

import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.spi.host.StorageStatsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.rocksdb.RocksDBException;

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
 * <p><b>Start over.</b> A partition starts from the beginning of its version topic when it is
 * subscribed: files an earlier run left in its directory are deleted first, since nothing says
 * they are whole.
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

  private final ZkClient zk;
  private final ZkStoreRepository stores;
  private final ReplicaManager replicas;

  private DaVinciBackend(ZkClient zk, ZkStoreRepository stores, ReplicaManager replicas) {
    this.zk = zk;
    this.stores = stores;
    this.replicas = replicas;
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
   * @param hooks the ingestion hooks of the client's plugins (read when a partition opens)
   * @param listener told when a partition catches up or fails
   * @param registry where ingestion meters go ({@code venice.server.ingestion.*}, as on a server)
   * @throws org.apache.helix.zookeeper.zkclient.exception.ZkTimeoutException when ZooKeeper
   *     cannot be reached within 15 s
   */
  public static DaVinciBackend start(String zookeeperAddress, String cluster,
      String kafkaBootstrapServers, Path dataDir, String instanceId,
      Duration zookeeperSessionTimeout, Supplier<IngestionHooks> hooks,
      PartitionListener listener, MeterRegistry registry) {
    Objects.requireNonNull(listener, "listener");
    ZkClient zk = ZooKeeperConnections.metadataClient(zookeeperAddress, zookeeperSessionTimeout);
    try {
      ZkStoreRepository stores = new ZkStoreRepository(zk, cluster);
      ReplicaManager replicas = new ReplicaManager(dataDir, stores, (topic, partition, status) -> { },
          new LeaderTerms(zk, cluster), kafkaBootstrapServers, instanceId, hooks, registry, false,
          ServerConfig.INGESTION_UNKNOWN_SCHEMA_WAIT.defaultValue(),
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
      return new DaVinciBackend(zk, stores, replicas);
    } catch (RuntimeException | Error e) {
      zk.close();
      throw e;
    }
  }

  /** The cluster's store metadata (stores, schemas, dictionaries, changes), read from ZooKeeper. */
  public ZkStoreRepository metadata() {
    return stores;
  }

  /**
   * Starts a local copy of a partition: deletes what an earlier run left of it, then ingests it
   * from the beginning of its version topic on a thread of its own. Subscribing a partition already
   * subscribed does nothing.
   *
   * @throws IOException when its directory cannot be cleared or RocksDB cannot open it (the message
   *     names the directory; e.g. another Da Vinci client holds it)
   * @throws IllegalStateException when the store or version does not exist
   */
  public synchronized void subscribe(String topic, int partition) throws IOException {
    if (replicas.replica(topic, partition) == null) {
      replicas.drop(topic, partition);
      replicas.open(topic, partition);
    }
  }

  /** Stops ingesting a partition and deletes its local copy; nothing when it is not subscribed. */
  public synchronized void unsubscribe(String topic, int partition) throws IOException {
    replicas.drop(topic, partition);
  }

  /** Whether the partition is subscribed here. */
  public boolean isSubscribed(String topic, int partition) {
    return replicas.replica(topic, partition) != null;
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

  /** Storage statistics of the local partitions (for the client's plugins). */
  public StorageStatsService storageStats() {
    return replicas;
  }

  /** Stops every partition's ingestion and closes its storage; the files stay on disk. */
  @Override
  public void close() {
    try {
      replicas.close();
    } finally {
      zk.close();
    }
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
