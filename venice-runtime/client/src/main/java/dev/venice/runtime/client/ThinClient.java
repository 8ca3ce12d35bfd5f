package dev.venice.runtime.client;

import com.google.protobuf.ByteString;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.BatchGetResponse;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Reads through routers: every request goes to a router's gRPC port, which finds the replicas.
 * With several routers, a request whose router is unavailable is sent to the next one (and later
 * requests stay there). Keys are serialized and values decoded here, with the schemas the routers
 * serve.
 *
 * @param <K> the key type (an Avro datum of the key schema)
 * @param <V> the value type (an Avro datum of the newest value schema)
 */
final class ThinClient<K, V> implements StoreClient<K, V> {
  private final String store;
  private final RouterMetadataClient router;
  private final List<ManagedChannel> routers = new ArrayList<>();
  private final AtomicInteger current = new AtomicInteger();
  private final Duration timeout;
  private volatile StoreSerde serde;
  private final VersionDictionaries dictionaries;

  ThinClient(String store, RouterMetadataClient router, ChannelPool channels, Duration timeout) {
    this.store = store;
    this.router = router;
    this.timeout = timeout;
    this.dictionaries = new VersionDictionaries(store, router::dictionary);
    this.serde = new StoreSerde(router.metadata(store), dictionaries);
    for (String grpc : router.grpcAddresses(store)) {
      int colon = grpc.lastIndexOf(':');
      routers.add(channels.channel(grpc.substring(0, colon),
          Integer.parseInt(grpc.substring(colon + 1))));
    }
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    byte[] keyBytes;
    try {
      keyBytes = serde.key(key);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    GetRequest request = GetRequest.newBuilder().setStore(store).setPartition(-1)
        .setKey(ByteString.copyFrom(keyBytes)).build();
    Duration allowed = GrpcCalls.allowed(context, timeout); // what failures say it was allowed
    CompletableFuture<GetResponse> sent = viaRouters(channel -> GrpcCalls.toCompletable(
        GrpcCalls.withContext(VeniceReadGrpc.newFutureStub(channel), context,
            GrpcCalls.allowed(context, timeout))
            .get(request)));
    return GrpcCalls.cancelling(sent.handle((response, error) -> {
      if (error != null) {
        throw GrpcErrors.map(store, error, allowed);
      }
      return response.getFound() ? decode(response.getCompressionStrategy(),
          response.getVersion(), response.getSchemaId(), response.getValue()) : null;
    }), sent);
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    List<K> order = new ArrayList<>(keys);
    BatchGetRequest request;
    try {
      request = batch(order);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration allowed = GrpcCalls.allowed(context, timeout); // what failures say it was allowed
    CompletableFuture<BatchGetResponse> sent = viaRouters(channel -> GrpcCalls.toCompletable(
        GrpcCalls.withContext(VeniceReadGrpc.newFutureStub(channel), context,
            GrpcCalls.allowed(context, timeout))
            .batchGet(request)));
    return GrpcCalls.cancelling(sent.handle((response, error) -> {
      if (error != null) {
        throw GrpcErrors.map(store, error, allowed);
      }
      Map<K, V> values = new HashMap<>();
      for (KeyValue kv : response.getRecordsList()) {
        if (kv.getFound()) {
          values.put(order.get(kv.getKeyIndex()), decode(response.getCompressionStrategy(),
              response.getVersion(), kv.getSchemaId(), kv.getValue()));
        }
      }
      return values;
    }), sent);
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    List<K> order = new ArrayList<>(keys);
    BatchGetRequest request;
    try {
      request = batch(order);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration allowed = GrpcCalls.allowed(context, timeout); // what failures say it was allowed
    CompletableFuture<Void> sent =
        viaRouters(channel -> stream(channel, request, context, order, callback));
    return GrpcCalls.cancelling(sent.handle((ok, error) -> {
      if (error != null) {
        throw GrpcErrors.map(store, error, allowed);
      }
      return ok;
    }), sent);
  }

  /**
   * One streaming attempt through one router. It reports "unavailable" (so the next router is
   * tried) only if no value was delivered yet: values are never delivered twice.
   */
  private CompletableFuture<Void> stream(ManagedChannel channel, BatchGetRequest request,
      RequestContext context, List<K> order, StreamingCallback<K, V> callback) {
    Duration allowed = GrpcCalls.allowed(context, timeout); // what failures say it was allowed
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean[] delivered = {false};
    GrpcCalls.withContext(VeniceReadGrpc.newStub(channel), context, allowed)
        .streamingBatchGet(request, new ClientResponseObserver<BatchGetRequest, KeyValue>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<BatchGetRequest> call) {
            done.whenComplete((ok, error) -> {
              if (done.isCancelled()) {
                call.cancel("cancelled by the caller", null);
              }
            });
          }

          @Override
          public void onNext(KeyValue kv) {
            delivered[0] = true;
            callback.onRecord(order.get(kv.getKeyIndex()), kv.getFound()
                ? decode(kv.getCompressionStrategy(), kv.getVersion(), kv.getSchemaId(),
                    kv.getValue()) : null);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(delivered[0] ? GrpcErrors.map(store, t, allowed) : t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    return done;
  }

  /**
   * Sends through the current router, moving on to the next while routers are unavailable.
   * Cancelling the returned future cancels the attempt in flight (and so its gRPC call).
   */
  private <T> CompletableFuture<T> viaRouters(
      Function<ManagedChannel, CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(call, 0, result);
    return result;
  }

  private <T> void attempt(Function<ManagedChannel, CompletableFuture<T>> call, int tried,
      CompletableFuture<T> result) {
    int index = current.get();
    CompletableFuture<T> attempt = call.apply(routers.get(Math.floorMod(index, routers.size())));
    GrpcCalls.cancelling(result, attempt);
    attempt.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
      } else if (GrpcErrors.isUnavailable(error) && tried + 1 < routers.size()
          && !result.isDone()) {
        current.compareAndSet(index, index + 1);
        attempt(call, tried + 1, result);
      } else {
        result.completeExceptionally(error);
      }
    });
  }

  private BatchGetRequest batch(List<K> keys) {
    BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setStore(store);
    for (int i = 0; i < keys.size(); i++) {
      request.addKeys(KeyRequest.newBuilder().setKeyIndex(i).setPartition(-1)
          .setKey(ByteString.copyFrom(serde.key(keys.get(i)))));
    }
    return request.build();
  }

  @SuppressWarnings("unchecked")
  private V decode(String compression, int version, int schemaId, ByteString value) {
    try {
      return (V) serde.value(CompressionStrategy.valueOf(compression), version, schemaId,
          value.toByteArray());
    } catch (RuntimeException unknownSchema) {
      serde = new StoreSerde(router.metadata(store), dictionaries);
      return (V) serde.value(CompressionStrategy.valueOf(compression), version, schemaId,
          value.toByteArray());
    }
  }

  @Override
  public void close() {
    // the channel belongs to the client's pool, closed by its owner
  }
}
