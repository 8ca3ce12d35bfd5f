package dev.venice.runtime.server;

import com.google.protobuf.ByteString;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.common.meta.CompressionStrategy;
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
import dev.venice.runtime.protocol.KeyError;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.RequestHeaders;
import dev.venice.runtime.protocol.StreamingKeyRequest;
import dev.venice.runtime.protocol.ValueResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves reads over gRPC. Each key lookup resolves the store's version (the current one unless the
 * request names another), checks the key is a valid encoding for the store's key schema, finds the
 * partition replica on this server, and passes the plugins' read hooks (which may answer without
 * touching RocksDB). Failures are gRPC statuses naming the store and key: {@code NOT_FOUND}
 * (unknown store or version), {@code INVALID_ARGUMENT} (bad key, bad partition), {@code
 * UNAVAILABLE} (partition not here or not ready).
 *
 * <p>{@code BidiStreamingBatchGet} answers each key as it arrives, within gRPC flow control: it
 * sends only while the caller is ready and asks for the next request message only once every key
 * of the previous one is answered (the protocol's comments give the rules; {@link BidiStream}).
 * Key-level failures are answered in the stream with an error record; the meters {@code
 * venice.server.read.stream.*} count keys received, answers sent, pauses for a caller that is not
 * ready, and the keys received but not answered yet.
 */
final class ReadService extends VeniceReadGrpc.VeniceReadImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReadService.class);
  private final ZkStoreRepository stores;
  private final ReplicaManager replicas;
  private final Supplier<ReadHooks> hooks;
  private final Timer latency;
  private final Counter keysRead;
  private final Counter hookAnswers;
  private final Counter streamKeysReceived;
  private final Counter streamValuesSent;
  private final Counter streamPauses;
  private final AtomicLong streamKeysPending = new AtomicLong();

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
    this.streamKeysReceived = Counter.builder("venice.server.read.stream.keys.received")
        .description("Keys taken from BidiStreamingBatchGet request messages").register(registry);
    this.streamValuesSent = Counter.builder("venice.server.read.stream.values.sent")
        .description("Answers (values, absent keys, key errors) sent on BidiStreamingBatchGet"
            + " streams").register(registry);
    this.streamPauses = Counter.builder("venice.server.read.stream.pauses")
        .description("Times a BidiStreamingBatchGet stream stopped answering because its caller"
            + " was not ready to receive").register(registry);
    Gauge.builder("venice.server.read.stream.keys.pending",
            streamKeysPending, AtomicLong::get)
        .description("Keys received on BidiStreamingBatchGet streams and not answered yet")
        .register(registry);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    try {
      Target target = resolve(request.getStore(), request.getVersion());
      Lookup lookup = lookup(target, request.getPartition(), request.getKey().toByteArray());
      GetResponse.Builder answer = GetResponse.newBuilder().setVersion(target.version.number())
          .setCompressionStrategy(target.version.compressionStrategy().name());
      if (lookup.found()) {
        answer.setFound(true).setSchemaId(lookup.schemaId()).setValue(lookup.value())
            .setProducerTimestampMs(lookup.producerTimestampMs());
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

  @Override
  public StreamObserver<StreamingKeyRequest> bidiStreamingBatchGet(
      StreamObserver<ValueResponse> response) {
    ServerCallStreamObserver<ValueResponse> out = (ServerCallStreamObserver<ValueResponse>) response;
    BidiStream stream = new BidiStream(out);
    out.disableAutoRequest(); // request messages only when every key of the last one is answered
    out.setOnReadyHandler(stream::drain);
    out.setOnCancelHandler(stream::cancelled);
    out.request(1);
    return stream;
  }

  /**
   * One {@code BidiStreamingBatchGet} call. gRPC runs a call's callbacks (request messages, half
   * close, ready, cancel) one at a time, so its state needs no lock. Keys of the request message
   * being worked on wait in {@code pending}; answers go out while the caller is ready; when it is
   * not, the stream pauses until gRPC's ready callback, and asks for no more request messages
   * meanwhile. So what the server holds for a stream is bounded by one request message plus
   * gRPC's send buffer, however many keys the caller sends and however slowly it reads.
   */
  private final class BidiStream implements StreamObserver<StreamingKeyRequest> {
    private final ServerCallStreamObserver<ValueResponse> out;
    private final ArrayDeque<KeyRequest> pending = new ArrayDeque<>();
    private Target target;
    private boolean requested = true; // the service asked for the first message
    private boolean halfClosed;
    private boolean ended;
    private boolean paused;

    BidiStream(ServerCallStreamObserver<ValueResponse> out) {
      this.out = out;
    }

    @Override
    public void onNext(StreamingKeyRequest message) {
      requested = false;
      if (ended) {
        return;
      }
      if (target == null) {
        if (!message.hasHeader() || message.getHeader().getStore().isEmpty()) {
          end(Status.INVALID_ARGUMENT.withDescription("the first message of a"
              + " BidiStreamingBatchGet must carry a header naming the store (and version)")
              .asRuntimeException());
          return;
        }
        try {
          target = resolve(message.getHeader().getStore(), message.getHeader().getVersion());
        } catch (StatusRuntimeException e) {
          end(e);
          return;
        }
      } else if (message.hasHeader()) {
        end(Status.INVALID_ARGUMENT.withDescription("store " + target.store.name()
            + ": only the first message of a BidiStreamingBatchGet may carry a header")
            .asRuntimeException());
        return;
      }
      pending.addAll(message.getKeysList());
      streamKeysReceived.increment(message.getKeysCount());
      streamKeysPending.addAndGet(message.getKeysCount());
      drain();
    }

    /** Answers pending keys while the caller is ready; then asks for more, or completes. */
    void drain() {
      while (!ended && !pending.isEmpty()) {
        if (!out.isReady()) {
          if (!paused) {
            paused = true;
            streamPauses.increment();
          }
          return; // gRPC calls drain again when the caller is ready
        }
        paused = false;
        KeyRequest key = pending.poll();
        streamKeysPending.decrementAndGet();
        out.onNext(answer(key));
        streamValuesSent.increment();
      }
      if (ended) {
        return;
      }
      if (halfClosed) {
        ended = true;
        out.onCompleted();
      } else if (!requested) {
        requested = true;
        out.request(1);
      }
    }

    private ValueResponse answer(KeyRequest key) {
      ValueResponse.Builder answer = ValueResponse.newBuilder().setKeyIndex(key.getKeyIndex());
      try {
        Lookup lookup = lookup(target, key.getPartition(), key.getKey().toByteArray());
        if (lookup.found()) {
          answer.setFound(true).setSchemaId(lookup.schemaId()).setValue(lookup.value())
              .setCompressionStrategy(target.version.compressionStrategy().name())
              .setProducerTimestampMs(lookup.producerTimestampMs());
        }
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        answer.setError(KeyError.newBuilder().setStatus(status.getCode().name())
            .setMessage(status.getDescription() == null ? status.getCode().name()
                : status.getDescription()));
      } catch (RuntimeException e) {
        LOG.warn("store {}: streaming lookup of key #{} failed", target.store.name(),
            key.getKeyIndex(), e);
        answer.setError(KeyError.newBuilder().setStatus(Status.Code.INTERNAL.name())
            .setMessage("store " + target.store.name() + ": reading key #" + key.getKeyIndex()
                + " failed: " + e));
      }
      return answer.build();
    }

    @Override
    public void onError(Throwable t) {
      cancelled(); // the caller cancelled or the transport failed: nobody reads answers any more
    }

    @Override
    public void onCompleted() {
      halfClosed = true;
      drain();
    }

    void cancelled() {
      ended = true;
      discardPending();
    }

    private void end(StatusRuntimeException e) {
      ended = true;
      discardPending();
      out.onError(e);
    }

    private void discardPending() {
      streamKeysPending.addAndGet(-pending.size());
      pending.clear();
    }
  }

  private KeyValue keyValue(Target target, KeyRequest key) {
    Lookup lookup = lookup(target, key.getPartition(), key.getKey().toByteArray());
    KeyValue.Builder value = KeyValue.newBuilder().setKeyIndex(key.getKeyIndex());
    if (lookup.found()) {
      value.setFound(true).setSchemaId(lookup.schemaId()).setValue(lookup.value())
          .setCompressionStrategy(target.version.compressionStrategy().name())
          .setProducerTimestampMs(lookup.producerTimestampMs())
          .setVersion(target.version.number());
    }
    return value.build();
  }

  private record Target(Store store, Version version, Schema keySchema) {}

  /**
   * A key's answer; {@code producerTimestampMs} is 0 when not available (a batch record, a hook's
   * answer, a real-time record without one): proto3's default, so the field is not sent.
   */
  private record Lookup(boolean found, int schemaId, ByteString value, long producerTimestampMs) {
    static final Lookup ABSENT = new Lookup(false, -1, ByteString.EMPTY, 0);
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
              dictionary(store, target.version), decision.value())), 0);
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
    PartitionStore.StoredRecord header;
    try {
      header = PartitionStore.StoredRecord.parse(stored);
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription("corrupt record in " + topic + ": " + e.getMessage())
          .asRuntimeException();
    }
    return new Lookup(true, header.schemaId(), ByteString.copyFrom(stored, header.valueOffset(),
        stored.length - header.valueOffset()),
        header.hasProducerTimestamp() ? header.producerTimestampMs() : 0);
  }

  private static String hex(byte[] key) {
    String hex = HexFormat.of().formatHex(key, 0, Math.min(key.length, 32));
    return key.length > 32 ? hex + "..." : hex;
  }

  /** A {@code ZSTD_WITH_DICT} version's dictionary, to compress a value a read hook answered. */
  private CompressionDictionary dictionary(String store, Version version) {
    if (version.compressionStrategy() != CompressionStrategy.ZSTD_WITH_DICT) {
      return null;
    }
    return stores.dictionary(store, version.number()).orElseThrow(() -> Status.UNAVAILABLE
        .withDescription("store " + store + " version " + version.number() + " has no"
            + " compression dictionary in ZooKeeper").asRuntimeException());
  }
}
