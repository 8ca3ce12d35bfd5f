package dev.venice.runtime.client;

import com.google.protobuf.ByteString;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The innermost replica dispatcher: sends the request to the first candidate over gRPC. Cancelling
 * the returned future cancels the gRPC call. Failures are the SPI's exceptions ({@link
 * GrpcErrors#map}), so replica-level decorators classify them without knowing gRPC. Streaming
 * batch gets go to {@link StreamingCalls} ({@code BidiStreamingBatchGet}, falling back to {@code
 * StreamingBatchGet} on servers without it).
 */
final class GrpcReplicaDispatcher implements ReplicaDispatcher {
  private final ChannelPool channels;
  private final Duration timeout;
  private final StreamingCalls streaming;

  GrpcReplicaDispatcher(ChannelPool channels, Duration timeout, StreamingCalls streaming) {
    this.channels = channels;
    this.timeout = timeout;
    this.streaming = streaming;
  }

  @Override
  public CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request) {
    if (request.candidates().isEmpty()) {
      return CompletableFuture.failedFuture(new ServiceUnavailableException(request.store(),
          "no ready replica for partition " + request.partition() + " of version "
              + request.version(), null));
    }
    Replica replica = request.candidates().get(0);
    Duration allowed = GrpcCalls.allowed(request.context(), timeout);
    if (request.kind() == RequestKind.STREAMING_BATCH_GET) {
      return streaming.dispatch(request, replica, GrpcCalls.withContext(
          VeniceReadGrpc.newStub(channels.channel(replica.host(), replica.port())),
          request.context(), allowed), allowed);
    }
    VeniceReadGrpc.VeniceReadFutureStub stub = GrpcCalls.withContext(
        VeniceReadGrpc.newFutureStub(channels.channel(replica.host(), replica.port())),
        request.context(), allowed);
    if (request.kind() == RequestKind.SINGLE_GET) {
      GetRequest get = GetRequest.newBuilder().setStore(request.store())
          .setVersion(request.version()).setPartition(request.partition())
          .setKey(ByteString.copyFrom(request.keys().get(0))).build();
      return GrpcCalls.map(GrpcCalls.toCompletable(stub.get(get)), response -> new ReplicaResponse(
          replica, response.getFound() ? List.of(new ReplicaValue(0, response.getSchemaId(),
              response.getValue().toByteArray())) : List.of()),
          error -> GrpcErrors.mapAttempt(request.store(), replica, error, allowed));
    }
    BatchGetRequest.Builder batch = BatchGetRequest.newBuilder().setStore(request.store())
        .setVersion(request.version());
    for (int i = 0; i < request.keys().size(); i++) {
      batch.addKeys(KeyRequest.newBuilder().setKeyIndex(i).setPartition(request.partition())
          .setKey(ByteString.copyFrom(request.keys().get(i))));
    }
    return GrpcCalls.map(GrpcCalls.toCompletable(stub.batchGet(batch.build())), response -> {
      List<ReplicaValue> values = new ArrayList<>();
      for (KeyValue kv : response.getRecordsList()) {
        if (kv.getFound()) {
          values.add(new ReplicaValue(kv.getKeyIndex(), kv.getSchemaId(),
              kv.getValue().toByteArray()));
        }
      }
      return new ReplicaResponse(replica, values);
    }, error -> GrpcErrors.mapAttempt(request.store(), replica, error, allowed));
  }
}
