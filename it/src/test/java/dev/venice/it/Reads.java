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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads version 1 straight from one storage server over gRPC, as the fast client does (naming the
 * version, rather than relying on the server's view of the current one catching up).
 */
final class Reads implements AutoCloseable {
  private final ManagedChannel channel;
  private final VeniceReadGrpc.VeniceReadBlockingStub stub;

  Reads(VeniceServer server) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
        .build();
    this.stub = VeniceReadGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  GetResponse get(String store, byte[] key) {
    return stub.get(GetRequest.newBuilder().setStore(store).setVersion(1).setPartition(-1)
        .setKey(ByteString.copyFrom(key)).build());
  }

  List<KeyValue> batchGet(String store, List<byte[]> keys) {
    return stub.batchGet(batch(store, keys)).getRecordsList();
  }

  List<KeyValue> streamingBatchGet(String store, List<byte[]> keys) {
    List<KeyValue> values = new ArrayList<>();
    Iterator<KeyValue> it = stub.streamingBatchGet(batch(store, keys));
    it.forEachRemaining(values::add);
    return values;
  }

  private static BatchGetRequest batch(String store, List<byte[]> keys) {
    BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setStore(store).setVersion(1);
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
