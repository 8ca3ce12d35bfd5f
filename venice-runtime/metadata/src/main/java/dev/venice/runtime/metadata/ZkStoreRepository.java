package dev.venice.runtime.metadata;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.ZkPaths;
import dev.venice.spi.host.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.IZkDataListener;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's view of store metadata (servers, routers), read from ZooKeeper and kept current by a
 * data watch per store it has been asked about. Also where servers report their replicas'
 * ingestion status.
 */
public final class ZkStoreRepository {
  private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final Logger LOG = LoggerFactory.getLogger(ZkStoreRepository.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final ZkClient zk;
  private final String cluster;
  private final Map<String, Store> stores = new ConcurrentHashMap<>();
  /** Store names with a data watch: one each, also for names not (yet) created. */
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Map<String, Schema> keySchemas = new ConcurrentHashMap<>();
  private final List<Consumer<Store>> listeners = new CopyOnWriteArrayList<>();
  /** Whether the stores path's children are watched (from the first listener on). */
  private final AtomicBoolean watchingEveryStore = new AtomicBoolean();
  /** The store names the children watch has seen, so each new one is announced once. */
  private final Set<String> knownStores = ConcurrentHashMap.newKeySet();
  /** Version topic to its compression dictionary; pruned when the store drops the version. */
  private final Map<String, CompressionDictionary> dictionaries = new ConcurrentHashMap<>();

  /** A repository over {@code zk} for {@code cluster}. */
  public ZkStoreRepository(ZkClient zk, String cluster) {
    this.zk = zk;
    this.cluster = cluster;
  }

  /** The store's metadata, if it exists. */
  public Optional<Store> store(String name) {
    Store cached = stores.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    if (name == null || !STORE_NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    String path = ZkPaths.store(cluster, name);
    synchronized (this) {
      if (stores.containsKey(name)) {
        return Optional.of(stores.get(name));
      }
      if (watched.add(name)) {
        zk.subscribeDataChanges(path, new IZkDataListener() {
          @Override
          public void handleDataChange(String dataPath, Object data) {
            Store updated = decode((byte[]) data);
            stores.put(name, updated);
            dictionaries.keySet().removeIf(topic -> TopicNames.storeOf(topic).equals(name)
                && updated.version(TopicNames.versionOf(topic)).isEmpty());
            announce(updated);
          }

          @Override
          public void handleDataDeleted(String dataPath) {
            stores.remove(name);
            keySchemas.remove(name);
            dictionaries.keySet().removeIf(topic -> TopicNames.storeOf(topic).equals(name));
          }
        });
      }
      try {
        Store store = decode(zk.readData(path));
        stores.put(name, store);
        return Optional.of(store);
      } catch (ZkNoNodeException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * A {@code ZSTD_WITH_DICT} version's compression dictionary, read from ZooKeeper once and kept
   * while the store has the version (dictionaries never change).
   *
   * @return empty when the version has none (yet: its push sends it before start-of-push)
   */
  public Optional<CompressionDictionary> dictionary(String store, int version) {
    String topic = TopicNames.versionTopic(store, version);
    CompressionDictionary cached = dictionaries.get(topic);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      CompressionDictionary read = CompressionDictionary.of(
          zk.readData(ZkPaths.dictionary(cluster, store, version)));
      if (store(store).flatMap(s -> s.version(version)).isPresent()) {
        dictionaries.put(topic, read); // kept only while pruning can see it go
      }
      return Optional.of(read);
    } catch (ZkNoNodeException e) {
      return Optional.empty();
    }
  }

  /** The store's key schema. */
  public Optional<Schema> keySchema(String name) {
    Schema cached = keySchemas.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      byte[] data = zk.readData(ZkPaths.keySchema(cluster, name));
      Schema schema = new Schema.Parser().parse(new String(data, StandardCharsets.UTF_8));
      keySchemas.put(name, schema);
      return Optional.of(schema);
    } catch (ZkNoNodeException e) {
      return Optional.empty();
    }
  }

  /** The store's value schemas, id to schema JSON. */
  public SortedMap<Integer, String> valueSchemas(String name) {
    SortedMap<Integer, String> schemas = new TreeMap<>();
    String dir = ZkPaths.valueSchemas(cluster, name);
    try {
      for (String id : zk.getChildren(dir)) {
        byte[] data = zk.readData(dir + "/" + id);
        schemas.put(Integer.parseInt(id), new String(data, StandardCharsets.UTF_8));
      }
    } catch (ZkNoNodeException e) {
      return schemas;
    }
    return schemas;
  }

  /** The names of all stores, sorted. */
  public List<String> storeNames() {
    try {
      return zk.getChildren(ZkPaths.stores(cluster)).stream().sorted().toList();
    } catch (ZkNoNodeException e) {
      return List.of();
    }
  }

  /**
   * Calls {@code listener} with a store's metadata whenever a store changes or is created, on a
   * ZooKeeper event thread. The first listener makes this repository watch every store: the
   * stores path's children (a store created later is announced) and each store's data.
   */
  public Subscription addListener(Consumer<Store> listener) {
    listeners.add(listener);
    watchEveryStore();
    return () -> listeners.remove(listener);
  }

  private void watchEveryStore() {
    if (!watchingEveryStore.compareAndSet(false, true)) {
      return;
    }
    List<String> present = zk.subscribeChildChanges(ZkPaths.stores(cluster),
        (parentPath, children) -> {
          List<String> now = children == null ? List.of() : children;
          knownStores.retainAll(now); // a deleted store, created again, is new again
          for (String name : now) {
            if (knownStores.add(name)) { // created since the last event: announce it
              store(name).ifPresent(this::announce);
            }
          }
        });
    for (String name : present == null ? List.<String>of() : present) {
      knownStores.add(name);
      store(name); // its data watch, so its later changes are announced
    }
  }

  private void announce(Store store) {
    for (Consumer<Store> listener : listeners) {
      try {
        listener.accept(store);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("a store listener failed on store {}", store.name(), e);
      }
    }
  }

  /** This repository as the SPI's read-only store metadata service, for plugins. */
  public dev.venice.spi.host.StoreMetadataService asStoreMetadataService() {
    return new dev.venice.spi.host.StoreMetadataService() {
      @Override
      public List<String> storeNames() {
        return ZkStoreRepository.this.storeNames();
      }

      @Override
      public Optional<dev.venice.spi.host.StoreInfo> store(String name) {
        return ZkStoreRepository.this.store(name).map(Store::toStoreInfo);
      }

      @Override
      public Subscription addListener(Consumer<dev.venice.spi.host.StoreInfo> listener) {
        return ZkStoreRepository.this.addListener(store -> listener.accept(store.toStoreInfo()));
      }
    };
  }

  /** Writes a replica's status where the controller's push monitor reads it. */
  public void report(String topic, int partition, String instance, ReplicaStatus status) {
    if (writeReplicaStatus(zk, cluster, topic, partition, instance, status)) {
      LOG.info("{} partition {} on {}: {}", topic, partition, instance, status);
    } else {
      LOG.info("{} partition {} on {}: {} not reported: the version was dropped", topic,
          partition, instance, status);
    }
  }

  /**
   * Writes a replica's status under {@code /<cluster>/OfflinePushes/<topic>}, which the controller
   * creates with the version and deletes with it; a report for a dropped version recreates nothing.
   *
   * @return false when the version's report directory is gone
   */
  public static boolean writeReplicaStatus(ZkClient zk, String cluster, String topic,
      int partition, String instance, ReplicaStatus status) {
    String path = ZkPaths.replicaStatus(cluster, topic, partition, instance);
    byte[] data = status.name().getBytes(StandardCharsets.UTF_8);
    try {
      zk.writeData(path, data);
      return true;
    } catch (ZkNoNodeException firstReport) {
      // create the partition's directory and the report below the version's, never the version's
    }
    try {
      zk.createPersistent(ZkPaths.push(cluster, topic) + "/" + partition, false);
    } catch (ZkNodeExistsException raced) {
      // another replica of the partition created it
    } catch (ZkNoNodeException dropped) {
      return false;
    }
    try {
      zk.create(path, data, CreateMode.PERSISTENT);
    } catch (ZkNodeExistsException raced) {
      zk.writeData(path, data);
    } catch (ZkNoNodeException dropped) {
      return false;
    }
    return true;
  }

  private static Store decode(byte[] data) {
    try {
      return JSON.readValue(data, Store.class);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt store metadata in ZooKeeper: " + e.getMessage(), e);
    }
  }
}
