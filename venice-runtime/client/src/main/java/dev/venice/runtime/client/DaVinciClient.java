package dev.venice.runtime.client;

import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.IngestionHooks;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.server.DaVinciBackend;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.client.VeniceClientException;
import dev.venice.spi.davinci.VersionSwap;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.ProcessKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Venice's Da Vinci client: a local, eagerly loaded copy of some or all partitions of a store's
 * current version, kept in RocksDB on local disk, fed from the version topic, read with no
 * network hop. It implements the SPI's {@link StoreClient}, so store-level decorators stack on it
 * ({@link dev.venice.spi.client.DecoratorStack#decorateClient}).
 *
 * <pre>{@code
 * try (DaVinciClient<String, GenericRecord> users = DaVinciClient.start("users", config)) {
 *   users.subscribeAll().join();           // bootstraps; completes once every partition caught up
 *   GenericRecord alice = users.get("alice").join();  // a local RocksDB read
 * }
 * }</pre>
 *
 * <p><b>Ingestion</b> is the server's own ({@link DaVinciBackend}): each subscribed partition is a
 * follower applying its version topic, with the server's caught-up rule (end-of-push and the
 * topic's end reached; for a hybrid store the real-time lag within the store's threshold), and
 * for a hybrid store it keeps applying the real-time records the servers' leaders copy into the
 * version topic, so real-time updates become visible locally. A subscribed partition starts from
 * the beginning of the version topic, unless an earlier run left a local copy and a plugin vouches
 * for it (the {@code dvc-bootstrap-checkpoint} plugin, through {@link
 * dev.venice.spi.davinci.DaVinciHook}): then it resumes from there.
 *
 * <p><b>Reads before a partition is ready fail; they do not wait</b>: a key whose partition is
 * subscribed but still bootstrapping fails at once with a {@link ServiceUnavailableException}
 * (retriable) naming the partition; wait on {@link #subscribe}'s future first. A key whose
 * partition is not subscribed fails with a {@link VeniceClientException} (not retriable; Venice's
 * {@code NonLocalAccessPolicy.FAIL_FAST}). Reads complete on the calling thread (the futures are
 * complete when returned).
 *
 * <p><b>Version swaps.</b> When the store's current version changes (a push completes, or a
 * rollback), the client ingests the subscribed partitions of the new version in the background,
 * keeps serving the old one meanwhile, and swaps to the new one atomically once every one of its
 * partitions has caught up; the old version's partitions are then closed and deleted. A read in
 * flight across the swap is retried on the new version, so no read fails because of a swap.
 *
 * <p><b>Plugins.</b> The client is a plugin host of its own process kind ({@link
 * ProcessKind#DA_VINCI_CLIENT}): plugins on the class path whose descriptor names that kind are
 * started with {@link DaVinciConfig#pluginConfig}; they get the local partitions ({@link
 * dev.venice.spi.host.HostServices#localPartitions()}), their storage statistics, memory use and
 * shared block cache, ingestion hooks and Da Vinci hooks (resume decisions, version swaps), and
 * stop on {@link #close()}.
 *
 * <p><b>Thread-safety</b>: every method is safe from any thread. {@link #close()} releases every
 * consumer, RocksDB handle and thread, also after a failure.
 *
 * @param <K> the key type (as the key schema's Avro generic data)
 * @param <V> the value type (the newest value schema's Avro generic data)
 */
public final class DaVinciClient<K, V> implements StoreClient<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(DaVinciClient.class);

  /** One version of the store as this client holds it. */
  private record LocalVersion(int number, String topic, int partitionCount,
      CompressionStrategy compression, Set<Integer> partitions) {}

  private final String store;
  private final DaVinciConfig config;
  private final DaVinciBackend backend;
  private final ZkStoreRepository metadata;
  private final PluginManager plugins;
  /** Every change of versions and subscriptions happens on this one thread. */
  private final ExecutorService control;
  private final Subscription storeChanges;
  private final VersionDictionaries dictionaries;
  /** Readiness of each local partition, by {@code topic_partition}. */
  private final Map<String, CompletableFuture<Void>> readiness = new ConcurrentHashMap<>();
  private volatile StoreSerde serde;
  /** The version reads go to; null before the first subscription. */
  private volatile LocalVersion current;
  /** A newer version bootstrapping in the background; control thread only. */
  private LocalVersion pending;
  /** The partitions asked for; {@code null} for all. Control thread only. */
  private Set<Integer> wanted = new TreeSet<>();
  private volatile boolean closed;

  private DaVinciClient(String store, DaVinciConfig config) {
    this.store = store;
    this.config = config;
    String instanceId = "davinci-" + ManagementFactory.getRuntimeMXBean().getName() + "-" + store;
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      IngestionHooksHolder hooks = new IngestionHooksHolder();
      this.backend = DaVinciBackend.start(config.zookeeperAddress(), config.clusterName(),
          config.kafkaBootstrapServers(), config.dataPath(), instanceId,
          config.zookeeperSessionTimeout(), config.blockCacheBytes(), hooks, new Readiness(),
          config.meterRegistry());
      opened.add(backend);
      this.metadata = backend.metadata();
      Store found = metadata.store(store).orElseThrow(() -> new UnknownStoreException(store,
          "store " + store + " does not exist in cluster " + config.clusterName()));
      this.plugins = PluginManager.builder(new DaVinciHostServices(new BasicHostServices(
              ProcessKind.DA_VINCI_CLIENT.id(), instanceId, config.clusterName(),
              metadata.asStoreMetadataService(), null, backend.storageStats(), null,
              Map.of("bootstrap.servers", config.kafkaBootstrapServers())),
              backend.localPartitions()))
          .config(config.pluginConfig())
          .classPath(Thread.currentThread().getContextClassLoader())
          .meterRegistry(config.meterRegistry()).build().start();
      opened.add(plugins);
      hooks.plugins = plugins;
      this.dictionaries = new VersionDictionaries(store, (name, version) ->
          metadata.dictionary(name, version).orElseThrow(() -> new ServiceUnavailableException(
              name, "store " + name + " version " + version + " has no compression dictionary"
                  + " in ZooKeeper", null)));
      this.serde = serde(found);
      this.control = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "venice-davinci-" + store);
        t.setDaemon(true);
        return t;
      });
      opened.add(control::shutdownNow);
      this.storeChanges = metadata.addListener(changed -> {
        if (changed.name().equals(store)) {
          onControlThread(this::followCurrentVersion);
        }
      });
    } catch (RuntimeException | Error e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        closeQuietly(opened.get(i));
      }
      throw e;
    }
  }

  /**
   * Starts a client of {@code store}: connects to the cluster's ZooKeeper, starts its plugins; no
   * partition is subscribed (nothing is read from Kafka) until {@link #subscribe} or {@link
   * #subscribeAll}.
   *
   * @throws UnknownStoreException when the store does not exist
   * @throws dev.venice.spi.config.ConfigException when a plugin setting is unknown or bad
   * @throws RuntimeException when ZooKeeper cannot be reached (after 15 s); nothing is left
   *     running on any failure
   */
  public static <K, V> DaVinciClient<K, V> start(String store, DaVinciConfig config) {
    return new DaVinciClient<>(store, config);
  }

  @Override
  public String storeName() {
    return store;
  }

  /**
   * Subscribes every partition of the store (of the current version, and of every later one).
   *
   * @return completes once every partition of the current version has caught up; fails when one's
   *     ingestion failed, or with a {@link ServiceUnavailableException} when the store has no
   *     current version yet
   */
  public CompletableFuture<Void> subscribeAll() {
    return subscribe(null);
  }

  /**
   * Subscribes some partitions (Venice's {@code subscribe(Set<Integer> partitions)}): each is
   * bootstrapped from the beginning of the version topic in the background.
   *
   * @param partitions partition numbers, each from 0 to {@link #getPartitionCount()} - 1
   * @return completes once these partitions of the current version have caught up (see {@link
   *     #subscribeAll()} for failures); a partition out of range fails it with an {@link
   *     IllegalArgumentException} naming the store and its partition count, subscribing nothing
   */
  public CompletableFuture<Void> subscribe(Set<Integer> partitions) {
    return supplyOnControlThread(() -> {
      Set<Integer> asked = partitions == null ? null : new TreeSet<>(partitions);
      LocalVersion target = currentVersionOrNull();
      if (target == null) {
        throw new ServiceUnavailableException(store, "no current version yet: nothing to"
            + " subscribe to until a push completes", null);
      }
      if (asked != null) {
        for (int partition : asked) {
          if (partition < 0 || partition >= target.partitionCount()) {
            throw new IllegalArgumentException("store " + store + " version " + target.number()
                + " has partitions 0 to " + (target.partitionCount() - 1) + "; cannot subscribe"
                + " partition " + partition);
          }
        }
      }
      if (asked == null) {
        wanted = null;
      } else if (wanted != null) {
        wanted.addAll(asked);
      }
      followCurrentVersion();
      // each partition as the version that serves it now, or the one bootstrapping to replace it
      LocalVersion serving = current;
      LocalVersion next = pending;
      Set<Integer> ready = new TreeSet<>(asked == null ? serving.partitions() : asked);
      if (asked == null && next != null) {
        ready.addAll(next.partitions());
      }
      return CompletableFuture.allOf(ready.stream()
          .map(p -> serving.partitions().contains(p) || next == null
              ? readiness(serving.topic(), p) : readiness(next.topic(), p))
          .toArray(CompletableFuture[]::new));
    }).thenCompose(f -> f);
  }

  /** Unsubscribes some partitions: their ingestion stops and their local copy is deleted. */
  public CompletableFuture<Void> unsubscribe(Set<Integer> partitions) {
    return supplyOnControlThread(() -> {
      LocalVersion serving = current;
      if (wanted == null) { // from all to all but these
        wanted = new TreeSet<>();
        if (serving != null) {
          IntStream.range(0, serving.partitionCount()).forEach(wanted::add);
        }
      }
      wanted.removeAll(partitions);
      current = serving == null ? null : drop(serving, partitions, null);
      if (pending != null) {
        pending = drop(pending, partitions, null);
      }
      return null;
    });
  }

  /** Unsubscribes every partition. */
  public CompletableFuture<Void> unsubscribeAll() {
    return supplyOnControlThread(() -> {
      wanted = new TreeSet<>();
      if (pending != null) {
        drop(pending, pending.partitions(), null);
        pending = null;
      }
      if (current != null) {
        LocalVersion serving = current;
        current = null;
        drop(serving, serving.partitions(), null);
      }
      return null;
    });
  }

  /** The partition count of the version reads go to (or of the store's current version). */
  public int getPartitionCount() {
    LocalVersion serving = current;
    if (serving != null) {
      return serving.partitionCount();
    }
    Store found = metadata.store(store).orElseThrow(() -> new UnknownStoreException(store,
        "store " + store + " no longer exists"));
    return found.version(found.currentVersion()).map(Version::partitionCount)
        .orElse(found.partitionCount());
  }

  /** The version reads go to, or 0 before anything is subscribed. */
  public int servingVersion() {
    LocalVersion serving = current;
    return serving == null ? 0 : serving.number();
  }

  /** The partitions subscribed in the version reads go to, sorted. */
  public Set<Integer> subscribedPartitions() {
    LocalVersion serving = current;
    return serving == null ? Set.of() : serving.partitions();
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    try {
      return CompletableFuture.completedFuture(read(serde.key(key)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    try {
      Map<K, V> found = new LinkedHashMap<>();
      for (K key : keys) {
        V value = read(serde.key(key));
        if (value != null) {
          found.put(key, value);
        }
      }
      return CompletableFuture.completedFuture(found);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    try {
      for (K key : keys) {
        V value = read(serde.key(key));
        if (value != null) {
          callback.onRecord(key, value);
        }
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Calls {@code consumer} with the keys and values of the subscribed partitions of the serving
   * version, partition by partition, each in key order, on the calling thread, holding one record
   * in memory at a time (a RocksDB iterator per partition), until {@code limit} records. A
   * partition's records are those it held when its scan began. A version swap waits for the
   * partition being scanned, then the scan fails (the old copy is deleted): scan again. {@code
   * consumer} must not call back into this client's subscriptions or close it (it runs while a
   * partition is held). Keys come as the key schema's Avro generic data (a string key as a
   * {@link String}), values as the newest value schema's.
   *
   * @param limit the most records to pass; {@link Long#MAX_VALUE} for all
   * @return the number of records passed
   * @throws ServiceUnavailableException when a subscribed partition has not caught up yet, or
   *     reads swapped to another version meanwhile
   * @throws VeniceClientException when reading or decoding fails (naming the partition)
   */
  @SuppressWarnings("unchecked")
  public long scan(BiConsumer<? super K, ? super V> consumer, long limit) {
    LocalVersion serving = servingVersionOrFail();
    long records = 0;
    for (int partition : serving.partitions()) {
      LocalVersion now = current;
      if (now != serving) { // the rest of the old copy is deleted: its records are gone
        throw new ServiceUnavailableException(store, "reads swapped from version "
            + serving.number() + " to " + (now == null ? 0 : now.number()) + " during the scan,"
            + " after " + records + " records; scan again", null);
      }
      checkReady(serving, partition);
      try (DaVinciBackend.LocalScan scan = backend.scan(serving.topic(), partition)) {
        while (records < limit && scan.next()) {
          DaVinciBackend.LocalValue value = scan.value();
          consumer.accept((K) serde.keyObject(scan.key()), decode(serving, value));
          records++;
        }
      } catch (IOException e) {
        throw new VeniceClientException(store, e.getMessage(), e);
      }
    }
    return records;
  }

  /**
   * RocksDB's estimate of the keys in the subscribed partitions of the serving version (for a
   * progress bar; it can be off by a few percent either way).
   */
  public long estimatedKeyCount() {
    LocalVersion serving = current;
    if (serving == null) {
      return 0;
    }
    return backend.storageStats().partitions().stream()
        .filter(p -> p.store().equals(store) && p.version() == serving.number() && p.recordCount() > 0)
        .mapToLong(PartitionStats::recordCount).sum();
  }

  /** The newest value schema this client decodes values with (the reader schema). */
  public org.apache.avro.Schema valueSchema() {
    return serde.readerSchema();
  }

  /** The store's key schema. */
  public org.apache.avro.Schema keySchema() {
    return serde.keySchema();
  }

  /**
   * Stops the plugins, every partition's ingestion, the client's threads, closes every RocksDB,
   * disconnects from ZooKeeper and Kafka, and fails the futures still waiting. The local files stay
   * on disk: the next start resumes them when a plugin vouches for them, else deletes them (and
   * any other version's). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    storeChanges.close();
    // no interrupt: a subscription or swap in progress finishes its RocksDB and file work; the
    // tasks still queued run and fail fast, completing their futures ("closed")
    control.shutdown();
    try {
      if (!control.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("Da Vinci client of {}: its control thread did not stop within 60 s", store);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(plugins); // first: their background tasks use the backend
    closeQuietly(backend);
    readiness.values().forEach(f -> f.completeExceptionally(new ServiceUnavailableException(
        store, "the Da Vinci client of " + store + " was closed", null)));
  }

  private V read(byte[] key) {
    LocalVersion serving = servingVersionOrFail();
    try {
      return read(serving, key);
    } catch (VeniceClientException e) {
      LocalVersion now = current;
      if (now != null && now != serving) { // swapped meanwhile: the old copy may be gone
        return read(now, key);
      }
      throw e;
    }
  }

  private V read(LocalVersion version, byte[] key) {
    int partition = Partitioner.partition(key, version.partitionCount());
    if (!version.partitions().contains(partition)) {
      throw new VeniceClientException(store, "partition " + partition + " is not subscribed by"
          + " this Da Vinci client (subscribe it, or subscribeAll())", null);
    }
    checkReady(version, partition);
    DaVinciBackend.LocalValue value;
    try {
      value = backend.get(version.topic(), partition, key);
    } catch (IOException | IllegalStateException e) {
      throw new VeniceClientException(store, e.getMessage(), e);
    }
    return value == null ? null : decode(version, value);
  }

  private void checkReady(LocalVersion version, int partition) {
    if (backend.isReady(version.topic(), partition)) {
      return;
    }
    if (backend.hasFailed(version.topic(), partition)) {
      throw new VeniceClientException(store, "the local copy of partition " + partition
          + " of version " + version.number() + " failed for good (see the client's log);"
          + " unsubscribe and subscribe it to start it over", null);
    }
    if (!backend.isSubscribed(version.topic(), partition)) { // dropped since the caller looked
      throw new VeniceClientException(store, "partition " + partition + " of version "
          + version.number() + " is not held any more", null);
    }
    throw new ServiceUnavailableException(store, "partition " + partition + " of version "
        + version.number() + " is still bootstrapping; wait for subscribe()'s future before"
        + " reading it", null);
  }

  @SuppressWarnings("unchecked")
  private V decode(LocalVersion version, DaVinciBackend.LocalValue value) {
    StoreSerde known = serde;
    if (!known.knows(value.schemaId())) { // registered after this client started: read again
      known = metadata.store(store).map(this::serde).orElse(known);
      serde = known;
    }
    return (V) known.value(version.compression(), version.number(), value.schemaId(),
        value.value());
  }

  private LocalVersion servingVersionOrFail() {
    if (closed) {
      throw new ServiceUnavailableException(store, "this Da Vinci client is closed", null);
    }
    LocalVersion serving = current;
    if (serving == null) {
      throw new VeniceClientException(store, "no partition is subscribed by this Da Vinci client"
          + " (subscribe or subscribeAll() first)", null);
    }
    return serving;
  }

  /**
   * Brings the local versions in line with the store's current version (control thread): on the
   * first subscription, opens the current version and serves it (reads of a partition fail until
   * it has caught up); later, when the current version changes, bootstraps the new one in the
   * background and swaps to it once every partition caught up ({@link #swapWhenReady}).
   */
  private void followCurrentVersion() {
    if (wanted != null && wanted.isEmpty()) {
      return; // nothing subscribed
    }
    LocalVersion target = currentVersionOrNull();
    if (target == null) {
      return;
    }
    if (current == null) {
      try { // no other version's copy is ever resumed: what earlier runs left of them goes
        backend.deleteOtherVersions(store, target.number());
      } catch (IOException e) {
        LOG.warn("Da Vinci client of {}: could not delete copies of other versions", store, e);
      }
      current = open(target);
      return;
    }
    if (current.number() == target.number()) {
      current = open(target); // a subscription may have added partitions
      if (pending != null) { // a rollback to the serving version: the pending one is not needed
        drop(pending, pending.partitions(), current);
        pending = null;
      }
      return;
    }
    LocalVersion superseded = pending != null && pending.number() != target.number()
        ? pending : null;
    pending = open(target);
    if (superseded != null) {
      LOG.info("Da Vinci client of {}: version {} superseded by {} before it caught up",
          store, superseded.number(), target.number());
      drop(superseded, superseded.partitions(), pending);
    }
    armSwap(pending);
  }

  /** Checks {@code bootstrapping} again once every partition of it is ready or one failed. */
  private void armSwap(LocalVersion bootstrapping) {
    CompletableFuture.allOf(bootstrapping.partitions().stream()
            .map(p -> readiness(bootstrapping.topic(), p)).toArray(CompletableFuture[]::new))
        .whenComplete((ok, failure) -> onControlThread(() ->
            swapWhenReady(bootstrapping.number())));
  }

  /**
   * Swaps reads to the pending version when it is still {@code version} and every one of its
   * partitions has caught up (control thread). A partition that failed for good drops the pending
   * version (the next change of the store's versions tries again); one added or unsubscribed
   * meanwhile only means waiting again, on the partitions it has now.
   */
  private void swapWhenReady(int version) {
    LocalVersion next = pending;
    if (next == null || next.number() != version) {
      return;
    }
    List<Integer> failed = next.partitions().stream()
        .filter(p -> backend.hasFailed(next.topic(), p)).toList();
    if (!failed.isEmpty()) {
      LOG.error("Da Vinci client of {}: partitions {} of version {} failed to bootstrap; still"
          + " serving version {} (tried again when the store's versions change)", store, failed,
          version, current == null ? 0 : current.number());
      drop(next, next.partitions(), null);
      pending = null;
      return;
    }
    if (!next.partitions().stream().allMatch(p -> backend.isReady(next.topic(), p))) {
      armSwap(next);
      return;
    }
    LocalVersion old = current;
    current = next;
    pending = null;
    LOG.info("Da Vinci client of {}: swapped from version {} to {}", store,
        old == null ? 0 : old.number(), current.number());
    if (old != null) {
      drop(old, old.partitions(), current);
    }
    plugins.daVinciHooks().onVersionSwap(new VersionSwap(store, old == null ? 0 : old.number(),
        current.number()));
  }

  /** The store's current version as this client would hold it, or null when it has none. */
  private LocalVersion currentVersionOrNull() {
    Store found = metadata.store(store).orElse(null);
    if (found == null || found.currentVersion() <= 0) {
      return null;
    }
    Version version = found.version(found.currentVersion()).orElse(null);
    if (version == null) {
      return null;
    }
    Set<Integer> partitions = new TreeSet<>();
    IntStream.range(0, version.partitionCount())
        .filter(p -> wanted == null || wanted.contains(p)).forEach(partitions::add);
    return new LocalVersion(version.number(), TopicNames.versionTopic(store, version.number()),
        version.partitionCount(), version.compressionStrategy(), Set.copyOf(partitions));
  }

  /**
   * Subscribes the partitions of {@code version} not subscribed yet; when one fails, those this
   * call subscribed are unsubscribed again (so nothing ingests that no version tracks).
   */
  private LocalVersion open(LocalVersion version) {
    List<Integer> opened = new ArrayList<>();
    for (int partition : version.partitions()) {
      if (!backend.isSubscribed(version.topic(), partition)) {
        readiness.remove(key(version.topic(), partition)); // a fresh copy: ready again later
        try {
          backend.subscribe(version.topic(), partition,
              copy -> plugins.daVinciHooks().onLocalCopyFound(copy));
          opened.add(partition);
        } catch (IOException | RuntimeException e) {
          for (int undo : opened) {
            unsubscribeQuietly(version.topic(), undo);
          }
          throw new VeniceClientException(store, "cannot subscribe partition " + partition
              + " of " + version.topic() + ": " + e.getMessage(), e);
        }
      }
    }
    return new LocalVersion(version.number(), version.topic(), version.partitionCount(),
        version.compression(), new TreeSet<>(version.partitions()));
  }

  /**
   * Unsubscribes {@code partitions} of {@code version}; returns what is left of it. A waiter on a
   * partition's readiness that {@code successor} (the version replacing this one) also holds waits
   * on the successor's instead; any other fails as unsubscribed.
   */
  private LocalVersion drop(LocalVersion version, Collection<Integer> partitions,
      LocalVersion successor) {
    Set<Integer> left = new TreeSet<>(version.partitions());
    for (int partition : List.copyOf(partitions)) {
      if (left.remove(partition)) {
        unsubscribeQuietly(version.topic(), partition);
        CompletableFuture<Void> ready = readiness.remove(key(version.topic(), partition));
        if (ready == null || ready.isDone()) {
          continue;
        }
        if (successor != null && successor.partitions().contains(partition)) {
          readiness(successor.topic(), partition).whenComplete((ok, failure) -> {
            if (failure == null) {
              ready.complete(null);
            } else {
              ready.completeExceptionally(failure);
            }
          });
        } else {
          ready.completeExceptionally(new ServiceUnavailableException(store, "partition "
              + partition + " of " + version.topic() + " was unsubscribed", null));
        }
      }
    }
    return new LocalVersion(version.number(), version.topic(), version.partitionCount(),
        version.compression(), Set.copyOf(left));
  }

  private void unsubscribeQuietly(String topic, int partition) {
    try {
      backend.unsubscribe(topic, partition);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Da Vinci client of {}: could not delete the local copy of partition {} of {}",
          store, partition, topic, e);
    }
  }

  private CompletableFuture<Void> readiness(String topic, int partition) {
    return readiness.computeIfAbsent(key(topic, partition), k -> new CompletableFuture<>());
  }

  private StoreSerde serde(Store found) {
    return new StoreSerde(new RoutingMetadata(store, found.currentVersion(),
        found.partitionCount(), found.compressionStrategy(), found.keySchema(),
        metadata.valueSchemas(store), List.of(), found.pluginSettings()), dictionaries);
  }

  private void onControlThread(Runnable action) {
    if (closed) {
      return;
    }
    try {
      control.execute(() -> {
        if (closed) {
          return;
        }
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.error("Da Vinci client of {}: following the store's versions failed", store, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private <T> CompletableFuture<T> supplyOnControlThread(java.util.function.Supplier<T> action) {
    if (closed) {
      return CompletableFuture.failedFuture(new ServiceUnavailableException(store,
          "the Da Vinci client of " + store + " is closed", null));
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        if (closed) { // queued before a close: fail instead of touching a closing backend
          throw new ServiceUnavailableException(store, "the Da Vinci client of " + store
              + " is closed", null);
        }
        return action.get();
      }, control);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new ServiceUnavailableException(store,
          "the Da Vinci client of " + store + " is closed", e));
    }
  }

  private static String key(String topic, int partition) {
    return topic + "_" + partition;
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception | LinkageError e) {
      LOG.warn("closing {} failed", resource, e);
    }
  }

  /** Completes or fails the readiness futures (on the partitions' ingestion threads). */
  private final class Readiness implements DaVinciBackend.PartitionListener {
    @Override
    public void caughtUp(String topic, int partition) {
      readiness(topic, partition).complete(null);
    }

    @Override
    public void failed(String topic, int partition) {
      readiness(topic, partition).completeExceptionally(new VeniceClientException(store,
          "the local copy of partition " + partition + " of " + topic + " failed for good (see"
              + " the client's log for why)", null));
    }
  }

  /** The plugins' ingestion hooks, once they have started (no partition opens before). */
  private static final class IngestionHooksHolder
      implements java.util.function.Supplier<IngestionHooks> {
    private volatile PluginManager plugins;

    @Override
    public IngestionHooks get() {
      return plugins.ingestionHooks();
    }
  }
}
