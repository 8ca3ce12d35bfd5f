package dev.venice.runtime.router;

import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.runtime.metadata.RoutingTable;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.BatchGetResponse;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.RequestHeaders;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The router's read path: the same gRPC service as a server's, answered by forwarding. Each key's
 * partition comes from the store's partitioner; each partition's request goes to a ready replica
 * (round robin, the next one when a replica is unavailable). Read hooks run per key before
 * forwarding and may answer; request headers go on to the server.
 *
 * <p>{@code BidiStreamingBatchGet} is not served here (the generated base answers {@code
 * UNIMPLEMENTED}): bidirectional streaming is a fast-client feature that reads replicas directly,
 * and the thin client streams through routers with {@code StreamingBatchGet}.
 */
final class RouterReadService extends VeniceReadGrpc.VeniceReadImplBase {
  private final ZkStoreRepository stores;
  private final RoutingTable routing;
  private final ServerChannels channels;
  private final Supplier<ReadHooks> hooks;
  private final MeterRegistry registry;
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Executor pool;

  RouterReadService(ZkStoreRepository stores, RoutingTable routing, ServerChannels channels,
      Supplier<ReadHooks> hooks, MeterRegistry registry, Executor pool) {
    this.pool = pool;
    this.stores = stores;
    this.routing = routing;
    this.channels = channels;
    this.hooks = hooks;
    this.registry = registry;
  }

  private record Target(String store, Version version) {
    String topic() {
      return TopicNames.versionTopic(store, version.number());
    }
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    long start = System.nanoTime();
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      byte[] key = request.getKey().toByteArray();
      int partition = Partitioner.partition(key, target.version().partitionCount());
      ReadHooks hookSet = hooks.get().forStore(target.store());
      ReadRequest hookRequest = hookSet.isEmpty() ? null : new ReadRequest(target.store(),
          target.version().number(), partition, key, RequestHeaders.KEY.get());
      ReadDecision decision = hookRequest == null ? ReadDecision.PROCEED
          : hookSet.beforeRead(hookRequest);
      GetResponse answer;
      if (decision.answered()) {
        KeyValue hooked = answered(KeyValue.newBuilder(), decision, target);
        answer = GetResponse.newBuilder().setVersion(target.version().number())
            .setCompressionStrategy(target.version().compressionStrategy().name())
            .setFound(hooked.getFound()).setSchemaId(hooked.getSchemaId())
            .setValue(hooked.getValue()).build();
      } else {
        GetRequest forwarded = request.toBuilder().setVersion(target.version().number())
            .setPartition(partition).build();
        answer = forward(target, partition, stub -> stub.get(forwarded));
      }
      if (hookRequest != null) {
        hookSet.afterRead(hookRequest, new ReadOutcome(answer.getFound(),
            answer.getValue().size(), System.nanoTime() - start, decision.answered()));
      }
      response.onNext(answer);
      response.onCompleted();
      record(target.store(), "get", start, "ok");
    } catch (StatusRuntimeException e) {
      record(request.getStore(), "get", start, e.getStatus().getCode().name());
      response.onError(e);
    }
  }

  @Override
  public void batchGet(BatchGetRequest request, StreamObserver<BatchGetResponse> response) {
    long start = System.nanoTime();
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      HookedBatch hooked = beforeHooks(target, request);
      BatchGetResponse.Builder answer = BatchGetResponse.newBuilder()
          .setVersion(target.version().number())
          .setCompressionStrategy(target.version().compressionStrategy().name())
          .addAllRecords(hooked.answered());
      // partitions in parallel, each in this call's gRPC context (deadline, headers)
      Executor inContext = Context.current().fixedContextExecutor(pool);
      List<CompletableFuture<BatchGetResponse>> parts = new ArrayList<>();
      byPartition(target, hooked.forward()).forEach((partition, forwarded) -> parts.add(
          CompletableFuture.supplyAsync(() -> forward(target, partition,
              stub -> stub.batchGet(forwarded)), inContext)));
      for (CompletableFuture<BatchGetResponse> part : parts) {
        answer.addAllRecords(join(part).getRecordsList());
      }
      BatchGetResponse built = answer.build();
      hooked.after(built.getRecordsList(), System.nanoTime() - start);
      response.onNext(built);
      response.onCompleted();
      record(target.store(), "batch_get", start, "ok");
    } catch (StatusRuntimeException e) {
      record(request.getStore(), "batch_get", start, e.getStatus().getCode().name());
      response.onError(e);
    }
  }

  /**
   * The read hooks' part of a batch: keys a before-hook answered, the request for the rest, and the
   * after-hooks to run once every key is answered. Without hooks, everything is forwarded.
   */
  private record HookedBatch(List<KeyValue> answered, BatchGetRequest forward,
      Map<Integer, ReadRequest> hookRequests, ReadHooks hooks, Set<Integer> byHook) {
    void after(List<KeyValue> values, long latencyNanos) {
      if (hookRequests.isEmpty()) {
        return;
      }
      for (KeyValue kv : values) {
        ReadRequest hookRequest = hookRequests.get(kv.getKeyIndex());
        if (hookRequest != null) {
          hooks.afterRead(hookRequest, new ReadOutcome(kv.getFound(), kv.getValue().size(),
              latencyNanos, byHook.contains(kv.getKeyIndex())));
        }
      }
    }
  }

  private HookedBatch beforeHooks(Target target, BatchGetRequest request) {
    ReadHooks hookSet = hooks.get().forStore(target.store());
    if (hookSet.isEmpty()) {
      return new HookedBatch(List.of(), request, Map.of(), hookSet, Set.of());
    }
    List<KeyValue> answered = new ArrayList<>();
    Set<Integer> byHook = new HashSet<>();
    Map<Integer, ReadRequest> hookRequests = new HashMap<>();
    BatchGetRequest.Builder rest = request.toBuilder().clearKeys();
    Map<String, String> headers = RequestHeaders.KEY.get();
    for (KeyRequest key : request.getKeysList()) {
      byte[] bytes = key.getKey().toByteArray();
      ReadRequest hookRequest = new ReadRequest(target.store(), target.version().number(),
          Partitioner.partition(bytes, target.version().partitionCount()), bytes, headers);
      hookRequests.put(key.getKeyIndex(), hookRequest);
      ReadDecision decision = hookSet.beforeRead(hookRequest);
      if (decision.answered()) {
        answered.add(answered(KeyValue.newBuilder().setKeyIndex(key.getKeyIndex()), decision,
            target));
        byHook.add(key.getKeyIndex());
      } else {
        rest.addKeys(key);
      }
    }
    return new HookedBatch(answered, rest.build(), hookRequests, hookSet, byHook);
  }

  /**
   * A hook's answer as the server would send it: the value compressed with the version's
   * compression (hooks answer uncompressed values), or absent.
   */
  private KeyValue answered(KeyValue.Builder kv, ReadDecision decision, Target target) {
    if (decision.value() != null) {
      CompressionStrategy compression = target.version().compressionStrategy();
      CompressionDictionary dictionary = compression != CompressionStrategy.ZSTD_WITH_DICT ? null
          : stores.dictionary(target.store(), target.version().number()).orElseThrow(() ->
              Status.UNAVAILABLE.withDescription("store " + target.store() + " version "
                  + target.version().number() + " has no compression dictionary in ZooKeeper")
                  .asRuntimeException());
      kv.setFound(true).setSchemaId(decision.schemaId())
          .setValue(com.google.protobuf.ByteString.copyFrom(Compression.compress(compression,
              dictionary, decision.value())))
          .setCompressionStrategy(compression.name())
          .setVersion(target.version().number());
    }
    return kv.build();
  }

  @Override
  public void streamingBatchGet(BatchGetRequest request, StreamObserver<KeyValue> response) {
    long start = System.nanoTime();
    ServerCallStreamObserver<KeyValue> stream = (ServerCallStreamObserver<KeyValue>) response;
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      HookedBatch hooked = beforeHooks(target, request);
      hooked.answered().forEach(stream::onNext);
      hooked.after(hooked.answered(), System.nanoTime() - start);
      for (Map.Entry<Integer, BatchGetRequest> group : byPartition(target, hooked.forward())
          .entrySet()) {
        if (stream.isCancelled()) {
          return;
        }
        // A replica that fails before streaming anything is skipped for the next one; values
        // already relayed are never sent twice because the whole group comes from one replica.
        List<KeyValue> values = forward(target, group.getKey(), stub -> {
          List<KeyValue> relayed = new ArrayList<>();
          Iterator<KeyValue> it = stub.streamingBatchGet(group.getValue());
          it.forEachRemaining(relayed::add);
          return relayed;
        });
        values.forEach(stream::onNext);
        hooked.after(values, System.nanoTime() - start);
      }
      stream.onCompleted();
      record(target.store(), "streaming_batch_get", start, "ok");
    } catch (StatusRuntimeException e) {
      record(request.getStore(), "streaming_batch_get", start, e.getStatus().getCode().name());
      stream.onError(e);
    }
  }

  private Map<Integer, BatchGetRequest> byPartition(Target target, BatchGetRequest request) {
    Map<Integer, BatchGetRequest.Builder> groups = new TreeMap<>();
    for (KeyRequest key : request.getKeysList()) {
      int partition = Partitioner.partition(key.getKey().toByteArray(),
          target.version().partitionCount());
      groups.computeIfAbsent(partition, p -> BatchGetRequest.newBuilder()
          .setStore(target.store()).setVersion(target.version().number()))
          .addKeys(key.toBuilder().setPartition(partition));
    }
    Map<Integer, BatchGetRequest> built = new TreeMap<>();
    groups.forEach((p, b) -> built.put(p, b.build()));
    return built;
  }

  private static <T> T join(CompletableFuture<T> part) {
    try {
      return part.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw Status.INTERNAL.withDescription(String.valueOf(e.getCause())).withCause(e)
          .asRuntimeException();
    }
  }

  /** Sends to the partition's ready replicas in turn until one answers. */
  private <T> T forward(Target target, int partition,
      Function<VeniceReadGrpc.VeniceReadBlockingStub, T> call) {
    List<Replica> replicas = routing.readyReplicas(target.topic(), partition);
    if (replicas.isEmpty()) {
      throw Status.UNAVAILABLE.withDescription("no ready replica for partition " + partition
          + " of " + target.topic()).asRuntimeException();
    }
    int first = Math.floorMod(roundRobin.getAndIncrement(), replicas.size());
    StatusRuntimeException last = null;
    for (int i = 0; i < replicas.size(); i++) {
      Replica replica = replicas.get((first + i) % replicas.size());
      try {
        return call.apply(channels.stub(replica).withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(RequestHeaders.toMetadata(
                RequestHeaders.KEY.get()))));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw Status.UNAVAILABLE.withDescription("every replica of partition " + partition + " of "
        + target.topic() + " is unavailable; last: " + last.getStatus().getDescription())
        .asRuntimeException();
  }

  private Target resolve(String storeName, int requestedVersion) {
    Store store = stores.store(storeName).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("store " + storeName + " does not exist").asRuntimeException());
    int number = requestedVersion > 0 ? requestedVersion : store.currentVersion();
    Version version = store.version(number).filter(v -> v.status() == VersionStatus.ONLINE)
        .orElseThrow(() -> Status.NOT_FOUND.withDescription(number == 0
            ? "store " + storeName + " has no current version yet (no push has gone online)"
            : "store " + storeName + " has no online version " + number).asRuntimeException());
    return new Target(storeName, version);
  }

  private void record(String store, String kind, long start, String outcome) {
    latencies.computeIfAbsent(store + "/" + kind, k -> Timer.builder("venice.router.read.latency")
            .description("Router read latency per store and request kind")
            .tag("store", store).tag("kind", kind)
            .publishPercentiles(0.5, 0.99, 0.999).register(registry))
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    requests.computeIfAbsent(store + "/" + kind + "/" + outcome, k -> Counter
        .builder("venice.router.requests").description("Router requests by outcome")
        .tag("store", store).tag("kind", kind).tag("outcome", outcome).register(registry))
        .increment();
  }
}
