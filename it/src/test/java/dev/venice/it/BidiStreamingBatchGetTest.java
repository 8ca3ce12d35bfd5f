package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.venice.runtime.client.StreamingBatchGetPublisher;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.StreamHeader;
import dev.venice.runtime.protocol.StreamingKeyRequest;
import dev.venice.runtime.protocol.ValueResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import dev.venice.testkit.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BidiStreamingBatchGet} on a storage server of a local cluster, through raw gRPC stubs and
 * through the fast client: answers arrive while the caller is still sending keys; a key that fails
 * gets an error record and the stream goes on, while a bad store or header ends it; a caller that
 * stops reading makes the server stop answering and then stop reading keys (its held keys bounded
 * by one request message, from the server's own meters); the fast client's publisher paces the
 * server by its demand; routers answer {@code UNIMPLEMENTED} and the thin client still streams.
 */
class BidiStreamingBatchGetTest {
  private static final String STORE = "rows";
  private static final int RECORDS = 2_000;
  private static final int PAYLOAD = 2_000;
  private static final Schema KEY = Schema.create(Schema.Type.STRING);
  private static final Schema ROW = new Schema.Parser().parse("""
      {"type": "record", "name": "Row", "fields": [{"name": "payload", "type": "string"}]}""");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;
  private static VeniceServer server;
  private ManagedChannel channel;

  @BeforeAll
  static void startClusterWithTwoThousandTwoKilobyteRows(@TempDir Path files) throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl()).createStore(STORE, "\"string\"",
        ROW.toString(), 2, 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"payload\": \"" + payload(i) + "\"}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(files.resolve("rows.jsonl"), lines)).run();
    cluster.awaitRoutable(STORE, WAIT);
    server = cluster.servers().get(0);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void openChannel() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
        .build();
  }

  @AfterEach
  void closeChannel() {
    channel.shutdownNow();
  }

  private static String payload(int i) {
    String unit = "p" + i + "-";
    return unit.repeat(PAYLOAD / unit.length() + 1).substring(0, PAYLOAD);
  }

  private static KeyRequest key(int index, String key) {
    return KeyRequest.newBuilder().setKeyIndex(index).setPartition(-1)
        .setKey(ByteString.copyFrom(AvroSerde.serialize(KEY, key))).build();
  }

  private static StreamingKeyRequest.Builder first(String store) {
    return StreamingKeyRequest.newBuilder().setHeader(StreamHeader.newBuilder().setStore(store));
  }

  private static String payloadOf(ValueResponse answer) {
    byte[] raw = Compression.decompress(
        CompressionStrategy.valueOf(answer.getCompressionStrategy()),
        answer.getValue().toByteArray());
    return AvroSerde.deserialize(ROW, ROW, raw) instanceof GenericRecord row
        ? row.get("payload").toString() : null;
  }

  /** A raw call's answers and its end, as they arrive. */
  private static final class Answers implements StreamObserver<ValueResponse> {
    final BlockingQueue<ValueResponse> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> end = new CompletableFuture<>();

    @Override
    public void onNext(ValueResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      end.complete(null);
    }

    ValueResponse next() throws InterruptedException {
      ValueResponse answer = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(answer != null, "no answer within " + WAIT);
      return answer;
    }

    Status status() {
      Throwable error = end.handle((ok, e) -> e).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
          .join();
      return error == null ? Status.OK : Status.fromThrowable(error);
    }
  }

  @Test
  void eachAnswerArrivesBeforeTheNextKeyIsSent() throws Exception {
    Answers answers = new Answers();
    StreamObserver<StreamingKeyRequest> keys = VeniceReadGrpc.newStub(channel)
        .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS).bidiStreamingBatchGet(answers);
    keys.onNext(first(STORE).addKeys(key(0, "k1")).build());
    ValueResponse one = answers.next(); // key 2 is not sent yet, nor the end of the keys
    assertEquals(0, one.getKeyIndex());
    assertTrue(one.getFound());
    assertEquals(payload(1), payloadOf(one));
    assertFalse(answers.end.isDone(), "the stream stays open for more keys");

    keys.onNext(StreamingKeyRequest.newBuilder().addKeys(key(1, "k2")).build());
    ValueResponse two = answers.next();
    assertEquals(1, two.getKeyIndex());
    assertEquals(payload(2), payloadOf(two));

    keys.onNext(StreamingKeyRequest.newBuilder().addKeys(key(2, "nobody")).build());
    ValueResponse absent = answers.next();
    assertEquals(2, absent.getKeyIndex());
    assertFalse(absent.getFound());
    assertFalse(absent.hasError());

    keys.onCompleted();
    assertEquals(Status.Code.OK, answers.status().getCode());
    assertTrue(answers.received.isEmpty());
  }

  @Test
  void aKeyThatFailsGetsAnErrorRecordAndTheStreamGoesOn() throws Exception {
    Answers answers = new Answers();
    StreamObserver<StreamingKeyRequest> keys = VeniceReadGrpc.newStub(channel)
        .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS).bidiStreamingBatchGet(answers);
    KeyRequest garbage = KeyRequest.newBuilder().setKeyIndex(1).setPartition(-1)
        .setKey(ByteString.copyFrom(new byte[] {0x7f})).build(); // a string of length -64
    KeyRequest outOfRange = key(3, "k4").toBuilder().setPartition(9).build();
    keys.onNext(first(STORE).addKeys(key(0, "k3")).addKeys(garbage).addKeys(key(2, "k5"))
        .addKeys(outOfRange).build());
    keys.onCompleted();
    assertEquals(Status.Code.OK, answers.status().getCode(), "the stream completes normally");

    Map<Integer, ValueResponse> byIndex = new ConcurrentHashMap<>();
    answers.received.forEach(a -> byIndex.put(a.getKeyIndex(), a));
    assertEquals(Set.of(0, 1, 2, 3), byIndex.keySet());
    assertEquals(payload(3), payloadOf(byIndex.get(0)));
    assertEquals(payload(5), payloadOf(byIndex.get(2)), "the key after the failed one");
    ValueResponse failed = byIndex.get(1);
    assertFalse(failed.getFound());
    assertEquals("INVALID_ARGUMENT", failed.getError().getStatus());
    assertTrue(failed.getError().getMessage().contains("store " + STORE + ": key 0x7f"),
        failed.getError().getMessage());
    assertEquals("INVALID_ARGUMENT", byIndex.get(3).getError().getStatus());
    assertTrue(byIndex.get(3).getError().getMessage().contains("got 9"),
        byIndex.get(3).getError().getMessage());
  }

  @Test
  void anUnknownStoreOrAMissingHeaderEndsTheStream() throws Exception {
    Answers unknown = new Answers();
    StreamObserver<StreamingKeyRequest> keys = VeniceReadGrpc.newStub(channel)
        .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS).bidiStreamingBatchGet(unknown);
    keys.onNext(first("no-such-store").addKeys(key(0, "k1")).build());
    Status status = unknown.status();
    assertEquals(Status.Code.NOT_FOUND, status.getCode());
    assertTrue(status.getDescription().contains("no-such-store"), status.getDescription());
    keys.onCompleted();

    Answers headless = new Answers();
    keys = VeniceReadGrpc.newStub(channel).withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
        .bidiStreamingBatchGet(headless);
    keys.onNext(StreamingKeyRequest.newBuilder().addKeys(key(0, "k1")).build());
    assertEquals(Status.Code.INVALID_ARGUMENT, headless.status().getCode());
    keys.onCompleted();
    assertTrue(unknown.received.isEmpty() && headless.received.isEmpty());
  }

  @Test
  void aCallerThatStopsReadingStopsTheServerAnsweringAndThenReadingKeys() throws Exception {
    int keysPerMessage = 500;
    long maxKeys = 4_000_000; // reaching it means nothing held the sender back
    Meters before = Meters.read();
    AtomicLong keysSent = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicBoolean stopSending = new AtomicBoolean();
    CompletableFuture<Void> end = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<StreamingKeyRequest>> call = new AtomicReference<>();
    Runnable send = () -> {
      ClientCallStreamObserver<StreamingKeyRequest> c = call.get();
      synchronized (call) {
        while (!stopSending.get() && c.isReady() && keysSent.get() < maxKeys) {
          StreamingKeyRequest.Builder message = keysSent.get() == 0 ? first(STORE)
              : StreamingKeyRequest.newBuilder();
          for (int i = 0; i < keysPerMessage; i++) {
            int index = (int) keysSent.getAndIncrement();
            message.addKeys(key(index, "k" + (index % RECORDS)));
          }
          c.onNext(message.build());
        }
      }
    };
    VeniceReadGrpc.newStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES)
        .bidiStreamingBatchGet(new ClientResponseObserver<StreamingKeyRequest, ValueResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<StreamingKeyRequest> started) {
            started.disableAutoRequestWithInitial(0); // read no answer
            call.set(started);
            started.setOnReadyHandler(send);
          }

          @Override
          public void onNext(ValueResponse value) {
            answered.incrementAndGet();
          }

          @Override
          public void onError(Throwable t) {
            end.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            end.complete(null);
          }
        });
    send.run();

    // the server stops answering (its caller is not ready), then stops taking keys: the keys the
    // caller keeps sending pile up in gRPC's windows, unread, until the caller is held back too
    int unread = 10_000;
    Await.until(() -> {
      Meters m = Meters.read().minus(before);
      return m.pauses >= 1 && keysSent.get() - m.keysReceived >= unread;
    }, WAIT, () -> "the server pausing with " + unread + " keys sent and not taken; sent "
        + keysSent.get() + ", " + Meters.read().minus(before));
    Meters paused = Meters.read().minus(before);
    assertTrue(paused.keysReceived <= keysSent.get() - unread, "keys sent and not taken: "
        + paused + ", " + keysSent.get() + " sent");
    assertEquals(0, answered.get(), "the caller read no answer");
    assertTrue(paused.valuesSent < 2_000, "the server answered only what gRPC's windows hold"
        + " (about 1 MiB of 2 KB values): " + paused);
    assertTrue(paused.keysReceived - paused.valuesSent <= keysPerMessage
        && paused.keysPending <= keysPerMessage, "the server holds at most one request message's"
        + " keys: " + paused);

    // reading again resumes the stream: every key sent is answered, nothing is left held
    synchronized (call) {
      stopSending.set(true);
      call.get().onCompleted();
    }
    call.get().request(Integer.MAX_VALUE);
    end.orTimeout(4, TimeUnit.MINUTES).join();
    assertTrue(keysSent.get() < maxKeys, "the sender was held back: " + keysSent.get());
    assertEquals(keysSent.get(), answered.get(), "every key answered once reading resumed");
    Await.until(() -> Meters.read().keysPending == 0, WAIT, () -> "no key held after the end");
  }

  @Test
  void theFastClientStreamsEveryKeyOverBidiAndItsPublisherPacesTheServer() throws Exception {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < RECORDS; i++) {
      keys.add("k" + i);
    }
    try (StoreClient<String, GenericRecord> client =
        VeniceClients.builder(cluster.routerUrl(), STORE).fast()) {
      Meters before = Meters.read();
      Map<String, String> seen = new ConcurrentHashMap<>();
      client.streamingBatchGet(keys, (k, v) -> seen.put(k, v.get("payload").toString()))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(RECORDS, seen.size());
      assertEquals(payload(1234), seen.get("k1234"));
      assertEquals(RECORDS, Meters.read().minus(before).keysReceived, "every key went over bidi");

      Meters start = Meters.read();
      List<StreamingBatchGetPublisher.Entry<String, GenericRecord>> received =
          new CopyOnWriteArrayList<>();
      AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamingBatchGetPublisher.of(client, keys).subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription.set(s);
        }

        @Override
        public void onNext(StreamingBatchGetPublisher.Entry<String, GenericRecord> item) {
          received.add(item);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
      subscription.get().request(1);
      Await.until(() -> received.size() == 1 && Meters.read().minus(start).pauses >= 1, WAIT,
          () -> received.size() + " entries, " + Meters.read().minus(start));
      Meters held = Meters.read().minus(start);
      assertEquals(1, received.size(), "nothing beyond the demand");
      // how many values fit before it pauses is gRPC's flow-control windows' business (one run
      // sent 1,070 of the 2,000 values of 2 KB, about 2 MiB, over its partitions' streams)
      assertTrue(held.valuesSent < RECORDS, "the server held back: " + held);
      subscription.get().request(Long.MAX_VALUE);
      done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(RECORDS, received.size());
      assertEquals(RECORDS, received.stream().map(StreamingBatchGetPublisher.Entry::key)
          .distinct().count());
    }
  }

  @Test
  void routersAnswerUnimplementedAndTheThinClientStillStreams() throws Exception {
    ManagedChannel router = NettyChannelBuilder.forAddress("127.0.0.1",
        cluster.routers().get(0).grpcPort()).usePlaintext().build();
    try {
      Answers answers = new Answers();
      StreamObserver<StreamingKeyRequest> keys = VeniceReadGrpc.newStub(router)
          .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS).bidiStreamingBatchGet(answers);
      keys.onNext(first(STORE).addKeys(key(0, "k1")).build());
      keys.onCompleted();
      assertEquals(Status.Code.UNIMPLEMENTED, answers.status().getCode());
    } finally {
      router.shutdownNow();
    }
    try (StoreClient<String, GenericRecord> thin =
        VeniceClients.builder(cluster.routerUrl(), STORE).thin()) {
      Map<String, Object> seen = new ConcurrentHashMap<>();
      thin.streamingBatchGet(Set.of("k1", "k2", "nobody"),
          (k, v) -> seen.put(k, v == null ? "<absent>" : v.get("payload").toString()))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(Map.of("k1", payload(1), "k2", payload(2), "nobody", "<absent>"), seen);
    }
  }

  /** The server's stream meters, from its {@code /metrics}. */
  private record Meters(long keysReceived, long valuesSent, long pauses, long keysPending) {
    static Meters read() {
      String text = Scrape.metrics(server.adminUrl());
      return new Meters(
          (long) Scrape.sum(text, "venice_server_read_stream_keys_received_total", null),
          (long) Scrape.sum(text, "venice_server_read_stream_values_sent_total", null),
          (long) Scrape.sum(text, "venice_server_read_stream_pauses_total", null),
          (long) Scrape.sum(text, "venice_server_read_stream_keys_pending", null));
    }

    /** Counters since {@code before}; the pending gauge as it is now. */
    Meters minus(Meters before) {
      return new Meters(keysReceived - before.keysReceived, valuesSent - before.valuesSent,
          pauses - before.pauses, keysPending);
    }
  }
}
