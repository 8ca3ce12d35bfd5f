package dev.venice.runtime.client;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A streaming batch get as a {@link Flow.Publisher}: one {@link Entry} per requested key (value
 * {@code null} when the key does not exist), in arrival order, then {@code onComplete}; or {@code
 * onError} with the request's failure after the entries that arrived before it (a {@link
 * StreamingKeysFailedException} when only some keys failed, after every other key).
 *
 * <pre>{@code
 * StreamingBatchGetPublisher.of(users, Set.of("ann", "bob")).subscribe(subscriber);
 * }</pre>
 *
 * <p><b>Demand.</b> The request is sent at the first {@code request(n)}, and no entry is
 * delivered beyond what was requested. On the runtime's fast client, demand is also what the
 * network is paced by: each gRPC call of the request reads only the messages the subscriber's
 * outstanding demand covers (at most {@value #CREDIT_PER_CALL} ahead per call), so a subscriber
 * that stops requesting leaves the answers in gRPC's flow-control window and the server stops
 * sending, then stops reading keys. This holds when the store-level decorators call the client
 * on the subscribing thread (all of this repository's do); otherwise, and on a thin client, the
 * answers are buffered here until requested: at most one per requested key. A subscriber that
 * requests nothing for longer than the client's request timeout gets its {@code
 * RequestTimeoutException}.
 *
 * <p>One subscriber per publisher (a second gets {@code onError(IllegalStateException)}); {@code
 * cancel} cancels the request's gRPC calls. Signals to the subscriber never overlap.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class StreamingBatchGetPublisher<K, V>
    implements Flow.Publisher<StreamingBatchGetPublisher.Entry<K, V>> {
  /** Messages a gRPC call may read ahead of delivery, at most, when demand covers them. */
  static final int CREDIT_PER_CALL = 64;

  /**
   * One key's answer.
   *
   * @param key the key
   * @param value its value, or {@code null} when the key does not exist
   */
  public record Entry<K, V>(K key, V value) {}

  private final StoreClient<K, V> client;
  private final Set<K> keys;
  private final RequestContext context;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  private StreamingBatchGetPublisher(StoreClient<K, V> client, Set<K> keys,
      RequestContext context) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = Set.copyOf(keys);
    this.context = Objects.requireNonNull(context, "context");
  }

  /** The values of {@code keys} from {@code client}, with a default context. */
  public static <K, V> StreamingBatchGetPublisher<K, V> of(StoreClient<K, V> client, Set<K> keys) {
    return new StreamingBatchGetPublisher<>(client, keys, RequestContext.of(client.storeName()));
  }

  /** The values of {@code keys} from {@code client}, read with {@code context}. */
  public static <K, V> StreamingBatchGetPublisher<K, V> of(StoreClient<K, V> client, Set<K> keys,
      RequestContext context) {
    return new StreamingBatchGetPublisher<>(client, keys, context);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Entry<K, V>> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("store " + client.storeName()
          + ": a streaming batch get publisher takes one subscriber"));
      return;
    }
    subscriber.onSubscribe(new Subscription(subscriber));
  }

  /** The subscription, the callback the client delivers to, and the demand its calls follow. */
  private final class Subscription implements Flow.Subscription, StreamingCallback<K, V>,
      StreamDemand {
    private final Flow.Subscriber<? super Entry<K, V>> subscriber;
    private final AtomicInteger wip = new AtomicInteger();
    // guarded by this
    private final ArrayDeque<Entry<K, V>> queue = new ArrayDeque<>();
    private final List<CallCredit> calls = new ArrayList<>();
    private long demand;
    private long granted; // messages granted to calls and not received yet
    private boolean started;
    private boolean cancelled;
    private boolean finished;
    private boolean terminated;
    private Throwable failure;
    private volatile CompletableFuture<Void> request;

    Subscription(Flow.Subscriber<? super Entry<K, V>> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      boolean start;
      synchronized (this) {
        // after the request finished, entries may still wait for demand: only the end stops it
        if (cancelled || terminated) {
          return;
        }
        if (n <= 0) { // Reactive Streams rule 3.9
          finished = true;
          queue.clear();
          failure = new IllegalArgumentException("store " + client.storeName()
              + ": request(" + n + "): demand must be positive");
          start = false;
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
          start = !started;
          started = true;
        }
      }
      if (start) {
        start();
      } else if (failure != null) {
        cancelRequest();
      }
      drain();
    }

    private void start() {
      CompletableFuture<Void> sent;
      try {
        CompletableFuture<?>[] holder = new CompletableFuture<?>[1];
        StreamDemand.bind(this, () -> holder[0] = client.streamingBatchGet(keys, context, this));
        @SuppressWarnings("unchecked")
        CompletableFuture<Void> cast = (CompletableFuture<Void>) holder[0];
        sent = cast;
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      request = sent;
      sent.whenComplete((ok, error) -> {
        synchronized (this) {
          if (finished) {
            return;
          }
          finished = true;
          failure = error instanceof CompletionException && error.getCause() != null
              ? error.getCause() : error;
        }
        drain();
      });
      boolean cancelNow;
      synchronized (this) {
        cancelNow = cancelled;
      }
      if (cancelNow) {
        sent.cancel(true);
      }
    }

    @Override
    public void cancel() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        queue.clear();
      }
      cancelRequest();
    }

    private void cancelRequest() {
      CompletableFuture<Void> sent = request;
      if (sent != null) {
        sent.cancel(true);
      }
    }

    @Override
    public void onRecord(K key, V value) {
      synchronized (this) {
        if (cancelled || finished) {
          return;
        }
        queue.add(new Entry<>(key, value));
      }
      drain();
    }

    @Override
    public StreamDemand.Credit attach(IntConsumer request) {
      CallCredit call = new CallCredit(request);
      synchronized (this) {
        calls.add(call);
      }
      refill();
      return call;
    }

    /** Delivers queued entries while there is demand; signals the end once; never overlaps. */
    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        while (true) {
          Entry<K, V> next = null;
          boolean end = false;
          Throwable error = null;
          synchronized (this) {
            if (cancelled || terminated) {
              queue.clear();
              break;
            }
            if (demand > 0 && !queue.isEmpty()) {
              next = queue.poll();
              if (demand != Long.MAX_VALUE) {
                demand--;
              }
            } else if (queue.isEmpty() && finished) {
              terminated = true;
              end = true;
              error = failure;
            }
          }
          if (next != null) {
            try {
              subscriber.onNext(next);
            } catch (RuntimeException e) { // rule 2.13: a subscriber that throws is cancelled
              cancel();
            }
            continue;
          }
          if (end) {
            if (error == null) {
              subscriber.onComplete();
            } else {
              subscriber.onError(error);
            }
          }
          break;
        }
        refill();
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /**
     * Grants calls messages while the subscriber's demand exceeds what is queued plus what is
     * granted already, so that what arrives never exceeds what was requested (answers delivered
     * outside the calls' messages aside). Calls are asked outside the lock.
     */
    private void refill() {
      List<Runnable> grants = new ArrayList<>();
      synchronized (this) {
        if (cancelled || finished) {
          return;
        }
        long budget = demand - queue.size() - granted;
        for (CallCredit call : calls) {
          if (budget <= 0) {
            break;
          }
          if (call.credit <= CREDIT_PER_CALL / 2) {
            int grant = (int) Math.min(CREDIT_PER_CALL - call.credit, budget);
            call.credit += grant;
            granted += grant;
            budget -= grant;
            grants.add(() -> call.request.accept(grant));
          }
        }
      }
      grants.forEach(Runnable::run);
    }

    /** One gRPC call's granted messages. */
    private final class CallCredit implements StreamDemand.Credit {
      private final IntConsumer request;
      private int credit; // guarded by the subscription

      CallCredit(IntConsumer request) {
        this.request = request;
      }

      @Override
      public void received() {
        synchronized (Subscription.this) {
          if (credit > 0) {
            credit--;
            granted--;
          }
        }
        refill();
      }

      @Override
      public void done() {
        synchronized (Subscription.this) {
          if (!calls.remove(this)) {
            return;
          }
          granted -= credit;
          credit = 0;
        }
        refill();
      }
    }
  }
}
