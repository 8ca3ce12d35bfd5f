package dev.venice.runtime.client;

import com.google.protobuf.ByteString;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.protocol.StreamHeader;
import dev.venice.runtime.protocol.StreamingKeyRequest;
import dev.venice.runtime.protocol.ValueResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.VeniceClientException;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fast client's streaming batch get to one replica: {@code BidiStreamingBatchGet}, keys sent
 * while the call is ready ({@value #KEYS_PER_MESSAGE} per message, the first with the header) and
 * each answer handed to the partition's {@link PartitionSink} as it arrives. A replica that
 * answers {@code UNIMPLEMENTED} (a server older than the method) gets the server-streaming
 * {@code StreamingBatchGet} instead, at once and for the next {@link #REPROBE_AFTER} (then bidi is
 * tried again, in case it was upgraded).
 *
 * <p>The returned future completes with a {@link ReplicaResponse} listing no values when a sink
 * took them (the common case), or every value found when there is no sink for the request's keys.
 * It fails with a {@link ReplicaUnavailableException} when the call failed with {@code
 * UNAVAILABLE} or when some keys were answered {@code UNAVAILABLE} (their partition is not ready
 * there: failover sends the request to the next replica, and the sink drops what it already
 * delivered); other per-key errors go to the sink. Cancelling it cancels the gRPC call.
 */
final class StreamingCalls {
  /** Keys per request message: small, so the first key reaches the server early. */
  static final int KEYS_PER_MESSAGE = 32;
  /** How long a replica that lacked {@code BidiStreamingBatchGet} is read without trying it. */
  static final Duration REPROBE_AFTER = Duration.ofMinutes(5);

  private final Map<List<byte[]>, PartitionSink> sinks;
  /** Replica address to the nano time it answered UNIMPLEMENTED. */
  private final Map<String, Long> withoutBidi = new ConcurrentHashMap<>();

  /** @param sinks the fast client's sinks, by request key list (identity) */
  StreamingCalls(Map<List<byte[]>, PartitionSink> sinks) {
    this.sinks = sinks;
  }

  /** Whether {@code replica} answered {@code UNIMPLEMENTED} to bidi within {@link #REPROBE_AFTER}. */
  boolean knownWithoutBidi(Replica replica) {
    Long since = withoutBidi.get(address(replica));
    return since != null && System.nanoTime() - since < REPROBE_AFTER.toNanos();
  }

  CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request, Replica replica,
      VeniceReadGrpc.VeniceReadStub stub, Duration allowed) {
    Attempt attempt = new Attempt(request, replica, stub, allowed, sinks.get(request.keys()));
    if (knownWithoutBidi(replica)) {
      attempt.serverStreaming();
    } else {
      attempt.bidi();
    }
    return attempt.result;
  }

  private static String address(Replica replica) {
    return replica.host() + ":" + replica.port();
  }

  /** One attempt at one replica: a bidi call, possibly followed by the server-streaming one. */
  private final class Attempt {
    private final ReplicaRequest request;
    private final Replica replica;
    private final VeniceReadGrpc.VeniceReadStub stub;
    private final Duration allowed;
    private final PartitionSink sink;
    /** The values found, kept only when there is no sink. */
    private final List<ReplicaValue> collected = new ArrayList<>();
    private volatile ClientCallStreamObserver<?> call;
    private VeniceClientException keyFailure; // without a sink: the first key that failed
    private int unavailableKeys;
    private String unavailableMessage;
    final CompletableFuture<ReplicaResponse> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        // the call first: whoever sees this future cancelled also sees the call cancelled
        ClientCallStreamObserver<?> current = call;
        if (current != null && !isDone()) {
          current.cancel("cancelled by the caller", null);
        }
        return super.cancel(mayInterruptIfRunning);
      }
    };

    Attempt(ReplicaRequest request, Replica replica, VeniceReadGrpc.VeniceReadStub stub,
        Duration allowed, PartitionSink sink) {
      this.request = request;
      this.replica = replica;
      this.stub = stub;
      this.allowed = allowed;
      this.sink = sink;
    }

    void bidi() {
      Sender sender = new Sender();
      Receiver<StreamingKeyRequest, ValueResponse> receiver =
          new Receiver<StreamingKeyRequest, ValueResponse>() {
        @Override
        void started(ClientCallStreamObserver<StreamingKeyRequest> started) {
          sender.call = started;
          started.setOnReadyHandler(sender::sendMore);
        }

        @Override
        void message(ValueResponse answer) {
          if (answer.hasError()) {
            keyError(answer.getKeyIndex(), answer.getError().getStatus(),
                answer.getError().getMessage());
          } else if (answer.getFound()) {
            found(answer.getKeyIndex(), answer.getSchemaId(), answer.getValue());
          } else if (sink != null) {
            sink.absent(answer.getKeyIndex());
          }
        }

        @Override
        boolean fallBack(Throwable error) {
          sender.stop();
          if (Status.fromThrowable(error).getCode() != Status.Code.UNIMPLEMENTED) {
            return false;
          }
          withoutBidi.put(address(replica), System.nanoTime());
          serverStreaming();
          return true;
        }

        @Override
        void ended() {
          sender.stop();
        }
      };
      stub.bidiStreamingBatchGet(receiver);
      receiver.attachDemand();
      sender.sendMore(); // gRPC also calls it once the call is ready
    }

    void serverStreaming() {
      BatchGetRequest.Builder batch = BatchGetRequest.newBuilder().setStore(request.store())
          .setVersion(request.version());
      for (int i = 0; i < request.keys().size(); i++) {
        batch.addKeys(KeyRequest.newBuilder().setKeyIndex(i).setPartition(request.partition())
            .setKey(ByteString.copyFrom(request.keys().get(i))));
      }
      Receiver<BatchGetRequest, KeyValue> receiver = new Receiver<BatchGetRequest, KeyValue>() {
        @Override
        void message(KeyValue kv) {
          if (kv.getFound()) {
            found(kv.getKeyIndex(), kv.getSchemaId(), kv.getValue());
          } else if (sink != null) {
            sink.absent(kv.getKeyIndex());
          }
        }
      };
      stub.streamingBatchGet(batch.build(), receiver);
      receiver.attachDemand();
    }

    private void found(int keyIndex, int schemaId, ByteString value) {
      if (sink != null) {
        sink.value(request.version(), keyIndex, schemaId, value.toByteArray());
      } else {
        collected.add(new ReplicaValue(keyIndex, schemaId, value.toByteArray()));
      }
    }

    private void keyError(int keyIndex, String status, String message) {
      if (Status.Code.UNAVAILABLE.name().equals(status)) {
        unavailableKeys++;
        unavailableMessage = message;
      } else if (sink != null) {
        sink.failed(keyIndex, status, message);
      } else if (keyFailure == null) {
        keyFailure = new VeniceClientException(request.store(), "key #" + keyIndex
            + " of partition " + request.partition() + " failed on replica "
            + replica.instanceId() + ": " + status + ": " + message, null);
      }
    }

    private void finish() {
      if (unavailableKeys > 0) {
        result.completeExceptionally(new ReplicaUnavailableException(request.store(), replica,
            unavailableKeys + " keys of partition " + request.partition()
                + " answered UNAVAILABLE: " + unavailableMessage, null));
      } else if (keyFailure != null) {
        result.completeExceptionally(keyFailure);
      } else {
        result.complete(new ReplicaResponse(replica, collected));
      }
    }

    /** Sends the keys in messages while the bidi call is ready; half-closes after the last. */
    private final class Sender {
      volatile ClientCallStreamObserver<StreamingKeyRequest> call;
      private int next;
      private boolean stopped;

      synchronized void sendMore() {
        ClientCallStreamObserver<StreamingKeyRequest> c = call;
        if (c == null) {
          return;
        }
        List<byte[]> keys = request.keys();
        try {
          while (!stopped && next < keys.size() && c.isReady()) {
            StreamingKeyRequest.Builder message = StreamingKeyRequest.newBuilder();
            if (next == 0) {
              message.setHeader(StreamHeader.newBuilder().setStore(request.store())
                  .setVersion(request.version()));
            }
            int end = Math.min(next + KEYS_PER_MESSAGE, keys.size());
            for (int i = next; i < end; i++) {
              message.addKeys(KeyRequest.newBuilder().setKeyIndex(i)
                  .setPartition(request.partition()).setKey(ByteString.copyFrom(keys.get(i))));
            }
            c.onNext(message.build());
            next = end;
            if (next == keys.size()) {
              stopped = true;
              c.onCompleted();
            }
          }
        } catch (IllegalStateException cancelled) {
          stopped = true; // the call was cancelled while sending: nothing more to send
        }
      }

      synchronized void stop() {
        stopped = true;
      }
    }

    /**
     * The response side of a call: hands messages on, paces them by the sink's demand when there
     * is one, and completes the attempt. gRPC calls one call's observer methods one at a time.
     */
    private abstract class Receiver<Q, R> implements ClientResponseObserver<Q, R> {
      private final StreamDemand demand = sink == null ? null : sink.demand();
      private ClientCallStreamObserver<Q> started;
      // guarded by this: the call may end before the demand is attached
      private StreamDemand.Credit credit;
      private boolean closed;

      abstract void message(R answer);

      void started(ClientCallStreamObserver<Q> started) {}

      /** The call failed before any answer: whether another call took over. */
      boolean fallBack(Throwable error) {
        return false;
      }

      void ended() {}

      private boolean answered;

      @Override
      public final void beforeStart(ClientCallStreamObserver<Q> starting) {
        call = starting;
        this.started = starting;
        if (demand != null) {
          starting.disableAutoRequestWithInitial(0); // messages only as the demand grants them
        }
        started(starting);
      }

      /** Once the call has started (a call cannot be asked for messages before). */
      void attachDemand() {
        if (result.isCancelled()) {
          started.cancel("cancelled by the caller", null);
        }
        if (demand == null) {
          return;
        }
        synchronized (this) {
          if (!closed) {
            credit = demand.attach(started::request);
          }
        }
      }

      private void close() {
        StreamDemand.Credit ended;
        synchronized (this) {
          closed = true;
          ended = credit;
          credit = null;
        }
        if (ended != null) {
          ended.done();
        }
      }

      @Override
      public final void onNext(R answer) {
        answered = true;
        try {
          message(answer);
        } catch (RuntimeException e) { // a value that cannot be decoded, a callback that threw
          ClientCallStreamObserver<?> current = call;
          if (current != null) {
            current.cancel("the client could not take an answer", e);
          }
          result.completeExceptionally(e);
        }
        StreamDemand.Credit current;
        synchronized (this) {
          current = credit;
        }
        if (current != null) {
          current.received();
        }
      }

      @Override
      public final void onError(Throwable error) {
        close();
        if (!answered && !result.isDone() && fallBack(error)) {
          return;
        }
        ended();
        result.completeExceptionally(
            GrpcErrors.mapAttempt(request.store(), replica, error, allowed));
      }

      @Override
      public final void onCompleted() {
        close();
        ended();
        finish();
      }
    }
  }
}
