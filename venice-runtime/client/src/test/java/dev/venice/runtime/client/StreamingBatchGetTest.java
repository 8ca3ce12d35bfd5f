package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.runtime.protocol.KeyError;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.StreamingKeyRequest;
import dev.venice.runtime.protocol.ValueResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.testkit.Await;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast client's streaming batch get against fake replicas on loopback gRPC servers: each key
 * delivered once as it arrives, key errors reported after the rest, failover on keys answered
 * {@code UNAVAILABLE}, the fallback to server streaming on a replica without {@code
 * BidiStreamingBatchGet}, and the {@link StreamingBatchGetPublisher}'s demand reaching the
 * replica as gRPC flow control. The storage server's own side is tested on a local cluster
 * ({@code it/.../BidiStreamingBatchGetTest}).
 */
class StreamingBatchGetTest {
  private static final Schema STRING = Schema.create(Schema.Type.STRING);
  private static final String STORE = "users";

  private final List<Server> servers = new ArrayList<>();
  private final ChannelPool channels = new ChannelPool();
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
  private final List<RequestKind> kindsSeen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    channels.close();
    refresher.shutdownNow();
    servers.forEach(Server::shutdownNow);
  }

  /** A replica holding {@code values}, answering bidi (or not) with gRPC flow control. */
  private static final class FakeReplica extends VeniceReadGrpc.VeniceReadImplBase {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Set<String> unavailable = ConcurrentHashMap.newKeySet();
    volatile boolean bidi = true;
    final AtomicInteger bidiCalls = new AtomicInteger();
    final AtomicInteger streamingCalls = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicBoolean cancelled = new AtomicBoolean();
    Replica replica;

    @Override
    public StreamObserver<StreamingKeyRequest> bidiStreamingBatchGet(
        StreamObserver<ValueResponse> response) {
      bidiCalls.incrementAndGet();
      if (!bidi) {
        return super.bidiStreamingBatchGet(response); // UNIMPLEMENTED, as an older server
      }
      ServerCallStreamObserver<ValueResponse> out =
          (ServerCallStreamObserver<ValueResponse>) response;
      ArrayDeque<KeyRequest> pending = new ArrayDeque<>();
      boolean[] halfClosed = {false};
      boolean[] paused = {false};
      Runnable drain = () -> {
        while (!pending.isEmpty()) {
          if (!out.isReady()) {
            if (!paused[0]) {
              paused[0] = true;
              pauses.incrementAndGet();
            }
            return;
          }
          paused[0] = false;
          out.onNext(answer(pending.poll()));
          sent.incrementAndGet();
        }
        if (halfClosed[0]) {
          halfClosed[0] = false;
          out.onCompleted();
        }
      };
      out.setOnReadyHandler(drain);
      out.setOnCancelHandler(() -> cancelled.set(true));
      return new StreamObserver<>() {
        @Override
        public void onNext(StreamingKeyRequest message) {
          pending.addAll(message.getKeysList());
          drain.run();
        }

        @Override
        public void onError(Throwable t) {
          pending.clear();
        }

        @Override
        public void onCompleted() {
          halfClosed[0] = true;
          drain.run();
        }
      };
    }

    private ValueResponse answer(KeyRequest key) {
      String k = AvroSerde.deserialize(STRING, STRING, key.getKey().toByteArray()).toString();
      ValueResponse.Builder answer = ValueResponse.newBuilder().setKeyIndex(key.getKeyIndex());
      if (failing.contains(k)) {
        return answer.setError(KeyError.newBuilder().setStatus("INVALID_ARGUMENT")
            .setMessage("key " + k + " is not valid")).build();
      }
      if (unavailable.contains(k)) {
        return answer.setError(KeyError.newBuilder().setStatus("UNAVAILABLE")
            .setMessage("partition 0 is still ingesting")).build();
      }
      String value = values.get(k);
      return value == null ? answer.build() : answer.setFound(true).setSchemaId(1)
          .setCompressionStrategy("NO_OP")
          .setValue(ByteString.copyFrom(AvroSerde.serialize(STRING, value))).build();
    }

    @Override
    public void streamingBatchGet(BatchGetRequest request, StreamObserver<KeyValue> response) {
      streamingCalls.incrementAndGet();
      for (KeyRequest key : request.getKeysList()) {
        ValueResponse answer = answer(key);
        response.onNext(KeyValue.newBuilder().setKeyIndex(answer.getKeyIndex())
            .setFound(answer.getFound()).setSchemaId(answer.getSchemaId())
            .setValue(answer.getValue()).setCompressionStrategy(answer.getCompressionStrategy())
            .build());
      }
      response.onCompleted();
    }
  }

  private FakeReplica replica(String name) throws Exception {
    FakeReplica fake = new FakeReplica();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(fake).build().start();
    servers.add(server);
    fake.replica = new Replica(name, "127.0.0.1", server.getPort());
    return fake;
  }

  /** A fast client of one partition held by {@code replicas}, in that order of preference. */
  private FastClient<String, Object> client(FakeReplica... replicas) {
    List<Replica> candidates = new ArrayList<>();
    for (FakeReplica r : replicas) {
      candidates.add(r.replica);
    }
    RoutingMetadata metadata = new RoutingMetadata(STORE, 3, 1, CompressionStrategy.NO_OP,
        "\"string\"", Map.of(1, "\"string\""), List.of(candidates), Map.of());
    RoutingMetadataSource router = new RoutingMetadataSource() {
      @Override
      public RoutingMetadata metadata(String store) {
        return metadata;
      }

      @Override
      public List<String> routerUrls() {
        return List.of("http://fake-router:7777");
      }
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return new FastClient<>(STORE, router, next -> (ReplicaDispatcher) request -> {
      kindsSeen.add(request.kind());
      return next.dispatch(request);
    }, channels, Duration.ofSeconds(20), refresher, Duration.ofHours(1), m -> { },
        new StoreExtraLoadBudget(STORE, 0.1, Duration.ofSeconds(10), 10, Duration.ofMillis(1),
            TimeSource.SYSTEM, registry), null);
  }

  private static Set<String> keys(int count) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < count; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  private static void fill(FakeReplica replica, int count, int valueBytes) {
    for (int i = 0; i < count; i++) {
      replica.values.put("k" + i, ("v" + i + "-").repeat(Math.max(1, valueBytes / 4)));
    }
  }

  @Test
  void everyKeyIsDeliveredOnceThroughTheBidiMethodAsAStreamingRequest() throws Exception {
    FakeReplica a = replica("a");
    fill(a, 900, 8); // k900..k999 are absent
    Map<String, Object> seen = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    try (FastClient<String, Object> client = client(a)) {
      client.streamingBatchGet(keys(1000), RequestContext.of(STORE), (k, v) -> {
        deliveries.incrementAndGet();
        seen.put(k, v == null ? "<absent>" : v.toString());
      }).join();
    }
    assertEquals(1000, deliveries.get(), "one delivery per key");
    assertEquals(1000, seen.size());
    assertEquals(a.values.get("k5"), seen.get("k5"));
    assertEquals("<absent>", seen.get("k950"));
    assertEquals(1, a.bidiCalls.get());
    assertEquals(0, a.streamingCalls.get());
    assertEquals(List.of(RequestKind.STREAMING_BATCH_GET), kindsSeen,
        "replica-level decorators see the streaming kind");
  }

  @Test
  void keysTheReplicaFailsAreReportedAfterEveryOtherKeyIsDelivered() throws Exception {
    FakeReplica a = replica("a");
    fill(a, 50, 8);
    a.failing.add("k7");
    Map<String, Object> seen = new ConcurrentHashMap<>();
    CompletableFuture<Void> done;
    try (FastClient<String, Object> client = client(a)) {
      done = client.streamingBatchGet(keys(50), RequestContext.of(STORE), seen::put);
      CompletionException failed = assertThrows(CompletionException.class, done::join);
      StreamingKeysFailedException keysFailed =
          assertInstanceOf(StreamingKeysFailedException.class, failed.getCause());
      assertEquals(Map.of("k7", "INVALID_ARGUMENT: key k7 is not valid"), keysFailed.failures());
      assertTrue(keysFailed.getMessage().contains("1 of 50 keys failed"), keysFailed.getMessage());
    }
    assertEquals(49, seen.size(), "the stream went on after the failed key");
    assertTrue(!seen.containsKey("k7"));
  }

  @Test
  void keysAnsweredUnavailableAreReadFromTheNextReplicaWithoutDeliveringAnyKeyTwice()
      throws Exception {
    FakeReplica a = replica("a");
    FakeReplica b = replica("b");
    fill(a, 40, 8);
    fill(b, 40, 8);
    for (int i = 20; i < 40; i++) {
      a.unavailable.add("k" + i);
    }
    Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    try (FastClient<String, Object> client = client(a, b)) {
      client.streamingBatchGet(keys(40), RequestContext.of(STORE),
          (k, v) -> deliveries.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet())
          .join();
    }
    assertEquals(40, deliveries.size());
    assertTrue(deliveries.values().stream().allMatch(n -> n.get() == 1), deliveries.toString());
    assertEquals(1, a.bidiCalls.get());
    assertEquals(1, b.bidiCalls.get(), "failover to the next replica");
  }

  @Test
  void aReplicaWithoutTheBidiMethodIsReadWithServerStreamingAndRemembered() throws Exception {
    FakeReplica old = replica("old");
    old.bidi = false;
    fill(old, 30, 8);
    try (FastClient<String, Object> client = client(old)) {
      for (int round = 1; round <= 2; round++) {
        Map<String, Object> seen = new ConcurrentHashMap<>();
        client.streamingBatchGet(keys(40), RequestContext.of(STORE),
            (k, v) -> seen.put(k, v == null ? "<absent>" : v)).join();
        assertEquals(40, seen.size(), "round " + round);
        assertEquals("<absent>", seen.get("k35"));
        assertEquals(old.values.get("k3"), seen.get("k3").toString());
        assertEquals(round, old.streamingCalls.get(), "server streaming, round " + round);
      }
    }
    assertEquals(1, old.bidiCalls.get(), "UNIMPLEMENTED once, then remembered");
  }

  @Test
  void thePublishersDemandPacesTheReplicaAndNothingArrivesUnrequested() throws Exception {
    FakeReplica a = replica("a");
    int count = 300;
    fill(a, count, 64 * 1024); // 19 MB in all: far more than gRPC's flow-control windows
    Recorder subscriber = new Recorder();
    try (FastClient<String, Object> client = client(a)) {
      StreamingBatchGetPublisher.of(client, keys(count)).subscribe(subscriber);
      assertEquals(0, a.bidiCalls.get(), "nothing is sent before the first request");
      subscriber.subscription.get().request(1);
      Await.until(() -> subscriber.received.size() == 1, () -> "the first entry");
      Await.until(() -> a.pauses.get() >= 1, () -> "the replica seeing the client not ready,"
          + " sent " + a.sent.get());
      int sentWhilePaused = a.sent.get();
      assertTrue(sentWhilePaused < count / 4, "the replica stopped early: " + sentWhilePaused);
      assertEquals(1, subscriber.received.size(), "no entry beyond the demand");

      subscriber.subscription.get().request(2);
      Await.until(() -> subscriber.received.size() == 3, () -> "three entries");
      assertEquals(3, subscriber.received.size());

      subscriber.subscription.get().request(Long.MAX_VALUE);
      Await.until(subscriber.completed::get, () -> "completion, " + subscriber.received.size()
          + " entries");
    }
    assertNull(subscriber.error.get());
    Set<String> distinct = new HashSet<>();
    for (StreamingBatchGetPublisher.Entry<String, Object> e : subscriber.received) {
      distinct.add(e.key());
    }
    assertEquals(count, distinct.size());
    assertEquals(count, subscriber.received.size());
  }

  @Test
  void cancellingTheSubscriptionCancelsTheReplicaCall() throws Exception {
    FakeReplica a = replica("a");
    fill(a, 300, 64 * 1024);
    Recorder subscriber = new Recorder();
    try (FastClient<String, Object> client = client(a)) {
      StreamingBatchGetPublisher.of(client, keys(300)).subscribe(subscriber);
      subscriber.subscription.get().request(1);
      Await.until(() -> subscriber.received.size() == 1, () -> "the first entry");
      subscriber.subscription.get().cancel();
      Await.until(a.cancelled::get, () -> "the replica's call cancelled");
    }
    assertTrue(!subscriber.completed.get() && subscriber.error.get() == null,
        "no signal after cancel");
  }

  @Test
  void aNonPositiveRequestIsAnErrorAndASecondSubscriberIsRefused() throws Exception {
    FakeReplica a = replica("a");
    fill(a, 5, 8);
    try (FastClient<String, Object> client = client(a)) {
      StreamingBatchGetPublisher<String, Object> publisher =
          StreamingBatchGetPublisher.of(client, keys(5));
      Recorder first = new Recorder();
      publisher.subscribe(first);
      first.subscription.get().request(0);
      Await.until(() -> first.error.get() != null, () -> "onError for request(0)");
      assertInstanceOf(IllegalArgumentException.class, first.error.get());

      Recorder second = new Recorder();
      publisher.subscribe(second);
      assertInstanceOf(IllegalStateException.class, second.error.get());
    }
  }

  @Test
  void requestCopiesKeepTheKeyListTheSinksAreFoundBy() {
    List<byte[]> keys = List.copyOf(List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}));
    ReplicaRequest request = new ReplicaRequest(STORE, 1, 0, RequestKind.STREAMING_BATCH_GET,
        keys, RequestContext.of(STORE), List.of());
    assertSame(keys, request.keys());
    assertSame(keys, request.withCandidates(List.of()).withContext(
        RequestContext.of(STORE).withHeader("traceparent", "x")).keys());
    List<byte[]> one = List.copyOf(List.<byte[]>of(new byte[] {1}));
    assertSame(one, new ReplicaRequest(STORE, 1, 0, RequestKind.STREAMING_BATCH_GET, one,
        RequestContext.of(STORE), List.of()).keys());
  }

  /** Records what a subscriber is signalled. */
  private static final class Recorder
      implements Flow.Subscriber<StreamingBatchGetPublisher.Entry<String, Object>> {
    final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    final List<StreamingBatchGetPublisher.Entry<String, Object>> received =
        new CopyOnWriteArrayList<>();
    final AtomicBoolean completed = new AtomicBoolean();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
    }

    @Override
    public void onNext(StreamingBatchGetPublisher.Entry<String, Object> item) {
      received.add(item);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onComplete() {
      completed.set(true);
    }
  }
}
