package dev.venice.runtime.server;

import com.google.protobuf.ByteString;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.plugin.ReadHooks;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.BatchGetResponse;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.RequestHeaders;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.rocksdb.RocksDBException;

/**
 * Serves reads over gRPC. Each key lookup resolves the store's version (the current one unless the
 * request names another), checks the key is a valid encoding for the store's key schema, finds the
 * partition replica on this server, and passes the plugins' read hooks (which may answer without
 * touching RocksDB). Failures are gRPC statuses naming the store and key: {@code NOT_FOUND}
 * (unknown store or version), {@code INVALID_ARGUMENT} (bad key, bad partition), {@code
 * UNAVAILABLE} (partition not here or not ready).
 */
final class ReadService extends VeniceReadGrpc.VeniceReadImplBase {
  private final ZkStoreRepository stores;
  private final ReplicaManager replicas;
  private final Supplier<ReadHooks> hooks;
  private final Timer latency;
  private final Counter keysRead;
  private final Counter hookAnswers;

  ReadService(ZkStoreRepository stores, ReplicaManager replicas, Supplier<ReadHooks> hooks,
      MeterRegistry registry) {
    this.stores = stores;
    this.replicas = replicas;
    this.hooks = hooks;
    this.latency = Timer.builder("venice.server.read.latency")
        .description("Time to look up one key, hooks included").publishPercentiles(0.5, 0.99, 0.999)
        .register(registry);
    this.keysRead = Counter.builder("venice.server.read.keys").description("Keys looked up")
        .register(registry);
    this.hookAnswers = Counter.builder("venice.server.read.hook.answers")
        .description("Lookups a read hook answered without touching storage").register(registry);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      Lookup lookup = lookup(target, request.getPartition(), request.getKey().toByteArray());
      GetResponse.Builder answer = GetResponse.newBuilder().setVersion(target.version.number())
          .setCompressionStrategy(target.version.compressionStrategy().name());
      if (lookup.found()) {
        answer.setFound(true).setSchemaId(lookup.schemaId()).setValue(lookup.value());
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void batchGet(BatchGetRequest request, StreamObserver<BatchGetResponse> response) {
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      BatchGetResponse.Builder answer = BatchGetResponse.newBuilder()
          .setVersion(target.version.number())
          .setCompressionStrategy(target.version.compressionStrategy().name());
      for (KeyRequest key : request.getKeysList()) {
        answer.addRecords(keyValue(target, key));
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void streamingBatchGet(BatchGetRequest request, StreamObserver<KeyValue> response) {
    ServerCallStreamObserver<KeyValue> stream = (ServerCallStreamObserver<KeyValue>) response;
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      for (KeyRequest key : request.getKeysList()) {
        if (stream.isCancelled()) {
          return;
        }
        stream.onNext(keyValue(target, key));
      }
      stream.onCompleted();
    } catch (StatusRuntimeException e) {
      stream.onError(e);
    }
  }

  private KeyValue keyValue(Target target, KeyRequest key) {
    Lookup lookup = lookup(target, key.getPartition(), key.getKey().toByteArray());
    KeyValue.Builder value = KeyValue.newBuilder().setKeyIndex(key.getKeyIndex());
    if (lookup.found()) {
      value.setFound(true).setSchemaId(lookup.schemaId()).setValue(lookup.value())
          .setCompressionStrategy(target.version.compressionStrategy().name());
    }
    return value.build();
  }

  private record Target(Store store, Version version, Schema keySchema) {}

  private record Lookup(boolean found, int schemaId, ByteString value) {
    static final Lookup ABSENT = new Lookup(false, -1, ByteString.EMPTY);
  }

  private Target resolve(String storeName, int requestedVersion) {
    Store store = stores.store(storeName).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("store " + storeName + " does not exist").asRuntimeException());
    int number = requestedVersion > 0 ? requestedVersion : store.currentVersion();
    if (number == 0) {
      throw Status.NOT_FOUND.withDescription("store " + storeName
          + " has no current version yet (no push has gone online)").asRuntimeException();
    }
    Version version = store.version(number).filter(v -> v.status() != VersionStatus.ERROR
            && v.status() != VersionStatus.KILLED)
        .orElseThrow(() -> Status.NOT_FOUND.withDescription("store " + storeName
            + " has no readable version " + number).asRuntimeException());
    Schema keySchema = stores.keySchema(storeName).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("store " + storeName + " has no key schema").asRuntimeException());
    return new Target(store, version, keySchema);
  }

  private Lookup lookup(Target target, int requestedPartition, byte[] key) {
    long start = System.nanoTime();
    String store = target.store.name();
    if (!AvroSerde.isValid(target.keySchema, key)) {
      throw Status.INVALID_ARGUMENT.withDescription("store " + store + ": key 0x"
          + hex(key) + " is not a valid encoding of the key schema "
          + target.keySchema).asRuntimeException();
    }
    int partitions = target.version.partitionCount();
    int partition = requestedPartition >= 0 ? requestedPartition
        : Partitioner.partition(key, partitions);
    if (partition >= partitions) {
      throw Status.INVALID_ARGUMENT.withDescription("store " + store + " version "
          + target.version.number() + " has partitions 0 to " + (partitions - 1) + "; got "
          + partition).asRuntimeException();
    }
    String topic = TopicNames.versionTopic(store, target.version.number());
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    if (replica == null) {
      throw Status.UNAVAILABLE.withDescription("partition " + partition + " of " + topic
          + " is not hosted on this server").asRuntimeException();
    }
    if (!replica.ingestion().isReady()) {
      throw Status.UNAVAILABLE.withDescription("partition " + partition + " of " + topic
          + " is still ingesting (end of push not reached)").asRuntimeException();
    }
    keysRead.increment();
    ReadHooks hookSet = hooks.get().forStore(store);
    if (hookSet.isEmpty()) {
      Lookup lookup = read(replica, key, topic);
      latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return lookup;
    }
    ReadRequest hookRequest = new ReadRequest(store, target.version.number(), partition, key,
        RequestHeaders.KEY.get());
    ReadDecision decision = hookSet.beforeRead(hookRequest);
    Lookup lookup;
    if (decision.answered()) {
      hookAnswers.increment();
      lookup = decision.value() == null ? Lookup.ABSENT : new Lookup(true, decision.schemaId(),
          ByteString.copyFrom(Compression.compress(target.version.compressionStrategy(),
              decision.value())));
    } else {
      lookup = read(replica, key, topic);
    }
    long elapsed = System.nanoTime() - start;
    hookSet.afterRead(hookRequest, new ReadOutcome(lookup.found(), lookup.value().size(),
        elapsed, decision.answered()));
    latency.record(elapsed, TimeUnit.NANOSECONDS);
    return lookup;
  }

  private static Lookup read(ReplicaManager.Replica replica, byte[] key, String topic) {
    try {
      byte[] stored = replica.storage().get(key);
      return stored == null ? Lookup.ABSENT : parse(stored, topic);
    } catch (RocksDBException e) {
      throw Status.INTERNAL.withDescription("reading " + topic + " failed: " + e.getMessage())
          .withCause(e).asRuntimeException();
    }
  }

  private static Lookup parse(byte[] stored, String topic) {
    if (stored.length < 4) {
      throw Status.INTERNAL.withDescription("corrupt record in " + topic).asRuntimeException();
    }
    return new Lookup(true, ByteBuffer.wrap(stored).getInt(),
        ByteString.copyFrom(stored, 4, stored.length - 4));
  }

  private static String hex(byte[] key) {
    String hex = HexFormat.of().formatHex(key, 0, Math.min(key.length, 32));
    return key.length > 32 ? hex + "..." : hex;
  }
}
