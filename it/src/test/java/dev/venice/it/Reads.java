package dev.venice.it;

import com.google.protobuf.ByteString;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.server.VeniceServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads straight from one storage server over gRPC, as the fast client does (naming the version,
 * version 1 unless told, rather than relying on the server's view of the current one catching up).
 */
final class Reads implements AutoCloseable {
  private final ManagedChannel channel;
  private final VeniceReadGrpc.VeniceReadBlockingStub stub;

  Reads(VeniceServer server) {
    this(server.grpcPort());
  }

  /** Reads from the server whose gRPC port on loopback is {@code grpcPort}. */
  Reads(int grpcPort) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    this.stub = VeniceReadGrpc.newBlockingStub(channel);
  }

  GetResponse get(String store, byte[] key) {
    return get(store, 1, key, Duration.ofSeconds(30));
  }

  /** One key of {@code version}, failing with a gRPC status after {@code deadline}. */
  GetResponse get(String store, int version, byte[] key, Duration deadline) {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).get(
        GetRequest.newBuilder().setStore(store).setVersion(version).setPartition(-1)
            .setKey(ByteString.copyFrom(key)).build());
  }

  List<KeyValue> batchGet(String store, List<byte[]> keys) {
    return batchGet(store, 1, keys);
  }

  /** Several keys of {@code version}, in one call. */
  List<KeyValue> batchGet(String store, int version, List<byte[]> keys) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).batchGet(batch(store, version, keys))
        .getRecordsList();
  }

  List<KeyValue> streamingBatchGet(String store, List<byte[]> keys) {
    List<KeyValue> values = new ArrayList<>();
    Iterator<KeyValue> it = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .streamingBatchGet(batch(store, 1, keys));
    it.forEachRemaining(values::add);
    return values;
  }

  private static BatchGetRequest batch(String store, int version, List<byte[]> keys) {
    BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setStore(store)
        .setVersion(version);
    for (int i = 0; i < keys.size(); i++) {
      request.addKeys(KeyRequest.newBuilder().setKeyIndex(i).setPartition(-1)
          .setKey(ByteString.copyFrom(keys.get(i))));
    }
    return request.build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
