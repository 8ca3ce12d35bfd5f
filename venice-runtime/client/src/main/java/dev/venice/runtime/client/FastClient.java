package dev.venice.runtime.client;

import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads straight from replicas. Routing metadata (current version, partition count, schemas, ready
 * replicas) comes from a router, refreshed periodically and whenever a replica is unavailable or
 * a version is gone. Each partition's request is a {@link ReplicaRequest} whose candidates start at
 * a round-robin position; it passes the replica-level decorators and the innermost gRPC dispatcher
 * sends it to the first candidate. When that replica is unavailable, the client retries the same
 * request with the remaining candidates; batch gets are split by partition and merged. Each
 * partition request's keys count once toward the store's extra-load budget (its first attempt).
 *
 * <p>A streaming batch get sends each partition's keys with {@code BidiStreamingBatchGet} (through
 * the replica-level decorators as {@link RequestKind#STREAMING_BATCH_GET}, failover included) and
 * hands each value to the callback as it arrives, once per key however many attempts answer it;
 * keys a replica answered with an error fail the request with {@link
 * StreamingKeysFailedException} after every other key was delivered. {@link
 * StreamingBatchGetPublisher} offers the values as a {@code Flow.Publisher} whose demand paces the
 * gRPC calls.
 *
 * <p>With metadata warm-up ({@link MetadataWarmup}), a client whose warm-up file is fresh starts
 * from the file without asking a router, and refreshes at once in the background; the file is
 * rewritten on the refresher thread after fetches that change the metadata, and on close.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class FastClient<K, V> implements StoreClient<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(FastClient.class);
  private static final Duration MIN_REFRESH = Duration.ofMillis(500);

  /** How long {@link #close()} waits for the warm-up file's last write. */
  private static final Duration CLOSE_SAVE_WAIT = Duration.ofSeconds(5);

  /**
   * One consistent view of the store: its metadata, the serde built from it, and when a router
   * last confirmed it (epoch ms; for metadata from the warm-up file, when it was saved).
   */
  private record View(RoutingMetadata metadata, StoreSerde serde, long confirmedAtMillis) {}

  private final String store;
  private final RoutingMetadataSource router;
  private final VersionDictionaries dictionaries;
  private final ReplicaDispatcher dispatcher;
  private final Consumer<RoutingMetadata> onRefresh;
  private final Duration timeout;
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final ScheduledExecutorService refresher;
  private final RateGate refreshes = RateGate.closed(MIN_REFRESH, TimeSource.SYSTEM);
  private final StoreExtraLoadBudget extraLoad;
  /** {@code null} when metadata warm-up is off. */
  private final MetadataWarmup warmup;
  private final TimeSource clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Streaming requests in flight: each partition's sink, by its request's key list (identity). */
  private final Map<List<byte[]>, PartitionSink> sinks =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private volatile View view;

  /**
   * @param warmup the metadata warm-up, or {@code null} for none: then, and when the warm-up file
   *     is missing, unusable or older than its max age, the constructor blocks on a fetch
   * @throws dev.venice.spi.client.VeniceClientException when it had to fetch and the fetch failed
   */
  FastClient(String store, RoutingMetadataSource router, UnaryOperator<ReplicaDispatcher> decorate,
      ChannelPool channels, Duration timeout, ScheduledExecutorService refresher,
      Duration refreshInterval, Consumer<RoutingMetadata> onRefresh,
      StoreExtraLoadBudget extraLoad, MetadataWarmup warmup) {
    this.store = store;
    this.extraLoad = extraLoad;
    this.router = router;
    this.dictionaries = new VersionDictionaries(store, router::dictionary);
    this.onRefresh = onRefresh;
    this.timeout = timeout;
    this.refresher = refresher;
    this.warmup = warmup;
    this.clock = warmup == null ? TimeSource.SYSTEM : warmup.clock();
    MetadataWarmup.Start start = warmup == null ? null : warmup.start();
    if (start != null && start.fresh() != null) {
      RoutingMetadata saved = start.fresh().metadata();
      onRefresh.accept(saved); // plugins see the store's settings before the first request
      this.view = new View(saved, new StoreSerde(saved, dictionaries),
          start.fresh().savedAtMillis());
      refresher.execute(this::refreshQuietly);
    } else {
      this.view = loadAfter(start == null ? null : start.staleFile());
      saveSoon();
    }
    if (warmup != null) {
      warmup.watchAge(this, c -> c.view.confirmedAtMillis());
    }
    this.dispatcher = decorate.apply(new GrpcReplicaDispatcher(channels, timeout,
        new StreamingCalls(sinks)));
    refresher.scheduleWithFixedDelay(this::refreshQuietly, refreshInterval.toMillis(),
        refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The blocking fetch at start; when a stale warm-up file made it necessary, the error says so. */
  private View loadAfter(String staleFile) {
    try {
      return load();
    } catch (ServiceUnavailableException e) {
      if (staleFile == null) {
        throw e;
      }
      throw new ServiceUnavailableException(store, staleFile + ", so the client needs fresh"
          + " routing metadata before serving, and fetching it failed: " + e.getMessage(), e);
    }
  }

  private View load() {
    RoutingMetadata metadata = router.metadata(store);
    long confirmedAt = clock.now().toEpochMilli();
    onRefresh.accept(metadata);
    View current = view;
    StoreSerde serde = current != null && current.metadata().equals(metadata)
        ? current.serde() : new StoreSerde(metadata, dictionaries);
    return new View(metadata, serde, confirmedAt);
  }

  /** Queues a write of the warm-up file on the refresher thread, if warm-up is on and it is due. */
  private void saveSoon() {
    if (warmup == null) {
      return;
    }
    try {
      refresher.execute(() -> {
        View current = view;
        warmup.saveIfDue(current.metadata(), router.routerUrls(), current.confirmedAtMillis());
      });
    } catch (RejectedExecutionException e) {
      // closing: close() saves
    }
  }

  /**
   * Refreshes routing soon, on the refresher thread (never on a gRPC callback thread), at most
   * every {@link #MIN_REFRESH}: a burst of failed requests makes one refresh, not a storm.
   */
  private void refreshSoon() {
    if (refreshes.tryPass()) {
      refresher.execute(this::refreshQuietly);
    }
  }

  private void refreshQuietly() {
    refreshes.restart();
    try {
      view = load();
    } catch (RuntimeException e) {
      LOG.warn("store {}: refreshing routing metadata from {} failed: {}", store,
          String.join(", ", router.routerUrls()), e.getMessage());
      return;
    }
    saveSoon(); // on the refresher: this may run on a gRPC callback thread (version gone)
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<V> get(K key, RequestContext context) {
    View current = view;
    byte[] keyBytes;
    try {
      keyBytes = current.serde().key(key);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    int partition = Partitioner.partition(keyBytes, current.metadata().partitionCount());
    CompletableFuture<Answer> call =
        send(current, RequestKind.SINGLE_GET, partition, List.of(keyBytes), context);
    return GrpcCalls.cancelling(call.thenApply(answer -> answer.response().values().isEmpty()
        ? null : (V) decode(answer.view(), answer.response().values().get(0))), call);
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    Map<K, V> values = new ConcurrentHashMap<>();
    CompletableFuture<Void> parts = perPartition(keys, context, RequestKind.BATCH_GET,
        (key, value) -> {
          if (value != null) {
            values.put(key, value);
          }
        });
    return GrpcCalls.cancelling(parts.thenApply(done -> new HashMap<>(values)), parts);
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    StreamDemand demand = StreamDemand.take(); // a publisher subscribing on this thread
    View current = view;
    ByPartition<K> split;
    try {
      split = ByPartition.of(current, keys);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Map<Integer, List<K>> keysByPartition = split.keys();
    Map<Integer, List<byte[]>> bytesByPartition = split.bytes();
    Map<Object, String> failures = Collections.synchronizedMap(new LinkedHashMap<>());
    List<CompletableFuture<Answer>> calls = new ArrayList<>();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    keysByPartition.forEach((partition, partKeys) -> {
      // the request's own immutable list: ReplicaRequest and its copies keep this instance
      List<byte[]> keyList = List.copyOf(bytesByPartition.get(partition));
      PartitionStream sink = new PartitionStream(current, partKeys, callback, demand, failures);
      sinks.put(keyList, sink);
      CompletableFuture<Answer> call;
      try {
        call = send(current, RequestKind.STREAMING_BATCH_GET, partition, keyList, context);
      } catch (RuntimeException e) { // inconsistent metadata, a decorator that threw
        sinks.remove(keyList);
        call = CompletableFuture.failedFuture(e);
      }
      calls.add(call);
      parts.add(call.handle((answer, error) -> {
        sinks.remove(keyList);
        if (error != null) {
          throw error instanceof CompletionException c ? c : new CompletionException(error);
        }
        sink.finish(answer);
        return null;
      }));
    });
    CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenRun(() -> {
          if (!failures.isEmpty()) {
            throw new StreamingKeysFailedException(store, keys.size(), failures);
          }
        });
    return GrpcCalls.cancelling(all, calls.toArray(CompletableFuture[]::new));
  }

  /**
   * One partition of a streaming batch get: decodes each answer as it arrives and hands it to the
   * callback, once per key (the first answer wins: a failover or a hedge may answer a key again).
   */
  private final class PartitionStream implements PartitionSink {
    private static final int OPEN = 0;
    private static final int DONE = 1;
    private final View used;
    private final List<K> keys;
    private final StreamingCallback<K, V> callback;
    private final StreamDemand demand;
    private final Map<Object, String> failures;
    private final AtomicIntegerArray state;

    PartitionStream(View used, List<K> keys, StreamingCallback<K, V> callback,
        StreamDemand demand, Map<Object, String> failures) {
      this.used = used;
      this.keys = keys;
      this.callback = callback;
      this.demand = demand;
      this.failures = failures;
      this.state = new AtomicIntegerArray(keys.size());
    }

    private boolean claim(int keyIndex) {
      return keyIndex >= 0 && keyIndex < keys.size()
          && state.compareAndSet(keyIndex, OPEN, DONE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void value(int version, int keyIndex, int schemaId, byte[] value) {
      if (claim(keyIndex)) {
        callback.onRecord(keys.get(keyIndex), (V) decode(viewFor(version),
            new ReplicaValue(keyIndex, schemaId, value)));
      }
    }

    @Override
    public void absent(int keyIndex) {
      if (claim(keyIndex)) {
        callback.onRecord(keys.get(keyIndex), null);
      }
    }

    @Override
    public void failed(int keyIndex, String status, String message) {
      if (claim(keyIndex)) {
        failures.put(keys.get(keyIndex), status + ": " + message);
      }
    }

    @Override
    public StreamDemand demand() {
      return demand;
    }

    /** The view to decode {@code version}'s values with (a version retry reads a newer one). */
    private View viewFor(int version) {
      View latest = view;
      return latest.metadata().currentVersion() == version ? latest : used;
    }

    /** After the partition's call: values the response lists, then absent for the rest. */
    @SuppressWarnings("unchecked")
    void finish(Answer answer) {
      for (ReplicaValue value : answer.response().values()) {
        if (claim(value.keyIndex())) {
          callback.onRecord(keys.get(value.keyIndex()), (V) decode(answer.view(), value));
        }
      }
      for (int i = 0; i < keys.size(); i++) {
        absent(i);
      }
    }
  }

  /** Splits keys by partition, sends each group, and hands every key's answer to {@code sink}. */
  @SuppressWarnings("unchecked")
  private CompletableFuture<Void> perPartition(Set<K> keys, RequestContext context,
      RequestKind kind, StreamingCallback<K, V> sink) {
    View current = view;
    ByPartition<K> split;
    try {
      split = ByPartition.of(current, keys);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Map<Integer, List<K>> keysByPartition = split.keys();
    Map<Integer, List<byte[]>> bytesByPartition = split.bytes();
    List<CompletableFuture<Answer>> calls = new ArrayList<>();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    keysByPartition.forEach((partition, partKeys) -> {
      CompletableFuture<Answer> call =
          send(current, kind, partition, bytesByPartition.get(partition), context);
      calls.add(call);
      parts.add(call.thenAccept(answer -> {
        ReplicaResponse response = answer.response();
        Object[] answers = new Object[partKeys.size()];
        for (ReplicaValue value : response.values()) {
          answers[value.keyIndex()] = decode(answer.view(), value);
        }
        for (int i = 0; i < partKeys.size(); i++) {
          sink.onRecord(partKeys.get(i), (V) answers[i]);
        }
      }));
    });
    return GrpcCalls.cancelling(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)),
        calls.toArray(CompletableFuture[]::new));
  }

  /** A request's keys grouped by partition: the keys, and their serialized bytes in the same order. */
  private record ByPartition<K>(Map<Integer, List<K>> keys, Map<Integer, List<byte[]>> bytes) {
    /** @throws RuntimeException when a key does not serialize with the store's key schema */
    static <K> ByPartition<K> of(View view, Set<K> keys) {
      Map<Integer, List<K>> byPartition = new HashMap<>();
      Map<Integer, List<byte[]>> bytesByPartition = new HashMap<>();
      for (K key : keys) {
        byte[] bytes = view.serde().key(key);
        int partition = Partitioner.partition(bytes, view.metadata().partitionCount());
        byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(key);
        bytesByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(bytes);
      }
      return new ByPartition<>(byPartition, bytesByPartition);
    }
  }

  /** A replica's answer and the view (version, compression, schemas) it must be decoded with. */
  private record Answer(View view, ReplicaResponse response) {}

  private CompletableFuture<Answer> send(View current, RequestKind kind, int partition,
      List<byte[]> keys, RequestContext context) {
    ReplicaRequest request = new ReplicaRequest(store, current.metadata().currentVersion(),
        partition, kind, keys, context, List.of());
    CompletableFuture<Answer> call = new CompletableFuture<>();
    extraLoad.recordFirstAttempt(keys.size());
    withFailover(current, candidates(current, request), false, call);
    return call;
  }

  /** The request for {@code current}'s version, its ready replicas from a round-robin start. */
  private ReplicaRequest candidates(View current, ReplicaRequest request) {
    List<Replica> ready = current.metadata().replicas().get(request.partition());
    List<Replica> candidates = new ArrayList<>(ready.size());
    int first = ready.isEmpty() ? 0 : Math.floorMod(roundRobin.getAndIncrement(), ready.size());
    for (int i = 0; i < ready.size(); i++) {
      candidates.add(ready.get((first + i) % ready.size()));
    }
    return new ReplicaRequest(store, current.metadata().currentVersion(), request.partition(),
        request.kind(), request.keys(), request.context(), candidates);
  }

  /**
   * Sends {@code request} and completes {@code call} with the answer, retrying on the remaining
   * candidates while replicas are unavailable (refreshing routing), and once on a newer version
   * when the request's version is gone. Cancelling {@code call} cancels the attempt in flight.
   */
  private void withFailover(View used, ReplicaRequest request, boolean versionRetried,
      CompletableFuture<Answer> call) {
    CompletableFuture<ReplicaResponse> attempt = dispatcher.dispatch(request);
    GrpcCalls.cancelling(call, attempt);
    attempt.whenComplete((response, error) -> {
      if (call.isDone()) {
        return;
      }
      if (error == null) {
        call.complete(new Answer(used, response));
        return;
      }
      if (GrpcErrors.isUnavailable(error) && request.candidates().size() > 1) {
        if (GrpcErrors.isUnreachableReplica(error)) {
          refreshSoon(); // routing may have changed; a decorator's own refusal says nothing of it
        }
        withFailover(used, request.withCandidates(
            GrpcErrors.remainingCandidates(error, request.candidates())), versionRetried, call);
        return;
      }
      if (!versionRetried
          && GrpcErrors.map(store, error, timeout) instanceof UnknownStoreException) {
        refreshQuietly();
        View fresh = view;
        // keys were partitioned for the old version: only retry if the layout is the same
        if (fresh.metadata().currentVersion() != request.version()
            && fresh.metadata().partitionCount() == used.metadata().partitionCount()) {
          withFailover(fresh, candidates(fresh, request), true, call);
          return;
        }
      }
      call.completeExceptionally(GrpcErrors.map(store, error, timeout));
    });
  }

  private Object decode(View current, ReplicaValue value) {
    return current.serde().value(current.metadata().compressionStrategy(),
        current.metadata().currentVersion(), value.schemaId(),
        value.value());
  }

  /**
   * Saves the warm-up file one last time (on the refresher thread, waiting at most
   * {@link #CLOSE_SAVE_WAIT}). The other resources belong to the client's owner (see
   * VeniceClients).
   */
  @Override
  public void close() {
    if (warmup == null || !closed.compareAndSet(false, true)) {
      return;
    }
    try {
      refresher.submit(() -> {
        View current = view;
        warmup.saveNow(current.metadata(), router.routerUrls(), current.confirmedAtMillis());
      }).get(CLOSE_SAVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      LOG.warn("store {}: metadata warm-up file {} not saved on close: {}", store, warmup.file(),
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      warmup.close();
    }
  }
}
