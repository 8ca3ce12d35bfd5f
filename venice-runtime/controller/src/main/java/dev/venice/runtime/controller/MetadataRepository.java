package dev.venice.runtime.controller;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.ZkPaths;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.spi.controller.StoreVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.helix.zookeeper.exception.ZkClientException;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.exception.ZkBadVersionException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;

/**
 * Store metadata in ZooKeeper, laid out as Venice does:
 *
 * <pre>
 * /&lt;cluster&gt;/Stores/&lt;store&gt;                      the store (JSON)
 * /&lt;cluster&gt;/Stores/&lt;store&gt;/key-schema/1         the key schema
 * /&lt;cluster&gt;/Stores/&lt;store&gt;/value-schema/&lt;id&gt;    each value schema
 * /&lt;cluster&gt;/OfflinePushes/&lt;topic&gt;/&lt;partition&gt;/&lt;instance&gt;   a replica's report
 * /&lt;cluster&gt;/Stores/&lt;store&gt;/dictionaries/&lt;version&gt;   a ZSTD_WITH_DICT dictionary
 * </pre>
 *
 * Every update is a conditional write on the node's version, retried on conflict, so concurrent
 * admin calls (on one controller or across a fail-over) never lose an update.
 */
final class MetadataRepository {
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  /** A version's reports are listed and deleted again at most this often while servers write. */
  private static final int MAX_DELETE_ATTEMPTS = 10;

  private final ZkClient zk;
  private final String cluster;

  MetadataRepository(ZkClient zk, String cluster) {
    this.zk = zk;
    this.cluster = cluster;
    zk.createPersistent(ZkPaths.stores(cluster), true);
    zk.createPersistent(ZkPaths.pushes(cluster), true);
  }

  List<String> storeNames() {
    return zk.getChildren(ZkPaths.stores(cluster)).stream().sorted().toList();
  }

  Optional<Store> read(String name) {
    try {
      byte[] data = zk.readData(storePath(name));
      return Optional.of(decode(data, Store.class));
    } catch (ZkNoNodeException e) {
      return Optional.empty();
    }
  }

  /**
   * A store's versions as plugins see them ({@code ControllerHost#versions}), lowest number
   * first; empty when there is no such store.
   */
  List<StoreVersion> versions(String name) {
    return read(name).map(store -> store.versions().stream()
        .sorted(Comparator.comparingInt(Version::number))
        .map(v -> new StoreVersion(v.number(), StoreVersion.Status.valueOf(v.status().name()),
            v.partitionCount(), v.replicationFactor()))
        .toList()).orElse(List.of());
  }

  /** Creates the store with its key schema and first value schema, atomically. */
  void create(Store store, String valueSchema) {
    String path = storePath(store.name());
    List<Op> ops = List.of(
        Op.create(path, encode(store), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
        Op.create(path + "/key-schema", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT),
        Op.create(path + "/key-schema/1", bytes(store.keySchema()), ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT),
        Op.create(path + "/value-schema", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT),
        Op.create(path + "/value-schema/1", bytes(valueSchema), ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT));
    try {
      zk.multi(ops);
    } catch (ZkNodeExistsException e) {
      throw AdminHttpException.storeExists(store.name());
    } catch (RuntimeException e) {
      if (read(store.name()).isPresent()) {
        throw AdminHttpException.storeExists(store.name());
      }
      throw e;
    }
  }

  /**
   * Applies {@code change} to the current store and writes the result if nobody wrote in between;
   * otherwise reads again and retries. {@code change} may throw {@link AdminHttpException} to refuse.
   */
  Store update(String name, UnaryOperator<Store> change) {
    String path = storePath(name);
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.readData(path, stat);
      } catch (ZkNoNodeException e) {
        throw AdminHttpException.storeNotFound(name);
      }
      Store updated = change.apply(decode(data, Store.class));
      try {
        zk.writeData(path, encode(updated), stat.getVersion());
        return updated;
      } catch (ZkBadVersionException conflict) {
        // another writer won; read its result and apply the change again
      } catch (ZkNoNodeException e) {
        throw AdminHttpException.storeNotFound(name);
      }
    }
  }

  void delete(String name) {
    zk.deleteRecursively(storePath(name));
  }

  List<ValueSchema> valueSchemas(String store) {
    String dir = ZkPaths.valueSchemas(cluster, store);
    try {
      List<ValueSchema> schemas = new ArrayList<>();
      for (String id : zk.getChildren(dir)) {
        Stat stat = new Stat();
        byte[] data = zk.readData(dir + "/" + id, stat);
        schemas.add(new ValueSchema(Integer.parseInt(id), new String(data,
            StandardCharsets.UTF_8), stat.getCtime()));
      }
      schemas.sort(Comparator.comparingInt(ValueSchema::id));
      return schemas;
    } catch (ZkNoNodeException e) {
      throw AdminHttpException.storeNotFound(store);
    }
  }

  /**
   * Registers {@code schema} under id {@code nextId}; returns empty when that id was taken in the
   * meantime (a concurrent registration), so the caller checks compatibility again and retries.
   */
  Optional<Integer> addValueSchema(String store, String schema, int nextId) {
    try {
      zk.create(ZkPaths.valueSchemas(cluster, store) + "/" + nextId, bytes(schema),
          CreateMode.PERSISTENT);
      return Optional.of(nextId);
    } catch (ZkNodeExistsException e) {
      return Optional.empty();
    } catch (ZkNoNodeException e) {
      throw AdminHttpException.storeNotFound(store);
    }
  }

  /** Records a replica's report; false when the version was dropped meanwhile. */
  boolean reportReplica(String topic, int partition, String instance, ReplicaStatus status) {
    return ZkStoreRepository.writeReplicaStatus(zk, cluster, topic, partition, instance, status);
  }

  /** Creates the directories a new version's replica reports and leadership terms go into. */
  void createVersionState(String topic) {
    zk.createPersistent(ZkPaths.push(cluster, topic), true);
    zk.createPersistent(ZkPaths.leaderTerms(cluster, topic), true);
  }

  /**
   * Replica reports of a version topic: partition to instance to status. Reports removed while
   * this reads (a version being dropped) are left out, not an error.
   */
  Map<Integer, Map<String, ReplicaStatus>> replicaStatuses(String topic) {
    Map<Integer, Map<String, ReplicaStatus>> result = new TreeMap<>();
    String dir = ZkPaths.push(cluster, topic);
    for (String partition : childrenIfAny(dir)) {
      Map<String, ReplicaStatus> replicas = new TreeMap<>();
      for (String instance : childrenIfAny(dir + "/" + partition)) {
        byte[] data = zk.readData(dir + "/" + partition + "/" + instance, true);
        if (data != null) {
          replicas.put(instance, ReplicaStatus.valueOf(new String(data,
              StandardCharsets.UTF_8)));
        }
      }
      result.put(Integer.parseInt(partition), replicas);
    }
    return result;
  }

  private List<String> childrenIfAny(String path) {
    try {
      return zk.getChildren(path);
    } catch (ZkNoNodeException e) {
      return List.of();
    }
  }

  /**
   * Removes a dropped version's replica reports, its partitions' leadership terms and its
   * compression dictionary.
   */
  void deleteVersionState(String topic) {
    deleteRacingReports(ZkPaths.push(cluster, topic));
    zk.deleteRecursively(ZkPaths.leaderTerms(cluster, topic));
    zk.deleteRecursively(ZkPaths.dictionary(cluster, TopicNames.storeOf(topic),
        TopicNames.versionOf(topic)));
  }

  /**
   * Deletes a version's replica reports while its servers may still be writing them: a report
   * created between the listing and the delete fails the delete (not empty), so it lists again.
   * Servers never create the version's own node, so once it is gone nothing comes back.
   */
  private void deleteRacingReports(String path) {
    for (int attempt = 1; ; attempt++) {
      try {
        zk.deleteRecursively(path);
        return;
      } catch (ZkClientException reportCreatedMeanwhile) {
        if (attempt == MAX_DELETE_ATTEMPTS) {
          throw reportCreatedMeanwhile;
        }
      }
    }
  }

  /**
   * Stores a version's compression dictionary, once.
   *
   * @return false when the version already has one (left as it is)
   */
  boolean putDictionary(String store, int version, byte[] dictionary) {
    zk.createPersistent(ZkPaths.dictionaries(cluster, store), true);
    try {
      zk.createPersistent(ZkPaths.dictionary(cluster, store, version), dictionary);
      return true;
    } catch (ZkNodeExistsException e) {
      return false;
    }
  }

  /** A version's compression dictionary, if its push sent one. */
  Optional<byte[]> dictionary(String store, int version) {
    try {
      return Optional.of(zk.readData(ZkPaths.dictionary(cluster, store, version)));
    } catch (ZkNoNodeException e) {
      return Optional.empty();
    }
  }

  private String storePath(String name) {
    return ZkPaths.store(cluster, name);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T decode(byte[] data, Class<T> type) {
    try {
      return JSON.readValue(data, type);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt " + type.getSimpleName() + " in ZooKeeper", e);
    }
  }
}
