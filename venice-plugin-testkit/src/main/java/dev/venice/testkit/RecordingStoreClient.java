package dev.venice.testkit;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store client a decorator under test wraps: it records every read that reaches it as a
 * {@link Call} and answers as the test says. Made by one of:
 *
 * <ul>
 *   <li>{@link #pending(String)} and {@link #pending(String, Map)}: every future stays pending
 *       until the test settles the call, with {@link Call#answer()} (from the client's map), {@link
 *       Call#answer(Object)}, {@link Call#fail} or through {@link Call#future()};
 *   <li>{@link #answeringAtOnce(String, Map)}: every call is answered from the map, as {@link
 *       Call#answer()} does, before the read method returns.
 * </ul>
 *
 * <p>What is recorded, per call, in arrival order: its {@link RequestKind} ({@code SINGLE_GET},
 * {@code BATCH_GET} or {@code STREAMING_BATCH_GET}), its keys, the {@link RequestContext} it was
 * sent with (the same object), the {@link StreamingCallback} of a streaming get (the same object)
 * and the future the read method returned (the same object, so a test can {@code assertSame} it
 * against what a decorator handed its caller). A call is recorded before the read method returns
 * and, when answering at once, before it is answered. Nothing else is recorded: {@link
 * #storeName()} and {@link #close()} (which does nothing; reads after it are served as before)
 * are not calls.
 *
 * <p>Answers keep the {@link StoreClient} contract: a get of a missing key completes with {@code
 * null}; a batch get's map holds only the keys found; a streaming get calls back once per key, with
 * {@code null} for a missing key, then completes with {@code null}. The client never fails a call
 * or times one out by itself, and ignores the context's deadline. A read given a null context,
 * key set or callback throws {@link NullPointerException} and is not recorded (a decorator's bug).
 *
 * <p>Thread-safe: the read methods may be called from any number of threads at once, and the test
 * may read the calls and settle them from any thread. Reading takes no lock: {@link #callCount()},
 * {@link #call(int)} and {@link #lastCall()} are cheap enough to poll. A call's first outcome
 * wins, as with {@link CompletableFuture}. Every call is kept for the client's life, and recording
 * one copies the list of earlier ones: made for the thousands of calls of a unit test, not for a
 * load run.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordingStoreClient<K, V> implements StoreClient<K, V> {
  private final String storeName;
  private final Map<K, V> data;
  private final boolean answerAtOnce;
  /** Only ever appended to, so a size read once stays a valid bound. */
  private final List<Call<K, V>> calls = new CopyOnWriteArrayList<>();

  private RecordingStoreClient(String storeName, Map<K, V> data, boolean answerAtOnce) {
    if (Objects.requireNonNull(storeName, "storeName").isEmpty()) {
      throw new IllegalArgumentException("store name must not be empty");
    }
    this.storeName = storeName;
    this.data = Map.copyOf(data);
    this.answerAtOnce = answerAtOnce;
  }

  /**
   * A client of {@code storeName} holding no key, whose calls stay pending until the test settles
   * them ({@link Call#answer()} answers every key as missing).
   *
   * @throws IllegalArgumentException when {@code storeName} is empty
   */
  public static <K, V> RecordingStoreClient<K, V> pending(String storeName) {
    return new RecordingStoreClient<>(storeName, Map.of(), false);
  }

  /**
   * A client of {@code storeName} holding {@code data}, whose calls stay pending until the test
   * settles them ({@link Call#answer()} answers from {@code data}).
   *
   * @param data keys to values, copied; no null key or value
   * @throws IllegalArgumentException when {@code storeName} is empty
   * @throws NullPointerException when {@code data} holds a null key or value
   */
  public static <K, V> RecordingStoreClient<K, V> pending(String storeName, Map<K, V> data) {
    return new RecordingStoreClient<>(storeName, data, false);
  }

  /**
   * A client of {@code storeName} holding {@code data} that answers every call from it before the
   * read method returns, on the calling thread (a streaming get's callback included).
   *
   * @param data keys to values, copied; no null key or value
   * @throws IllegalArgumentException when {@code storeName} is empty
   * @throws NullPointerException when {@code data} holds a null key or value
   */
  public static <K, V> RecordingStoreClient<K, V> answeringAtOnce(String storeName,
      Map<K, V> data) {
    return new RecordingStoreClient<>(storeName, data, true);
  }

  // ---- what the test reads ----------------------------------------------------------------

  /** Every call so far, oldest first: a snapshot, not changed by later calls. */
  public List<Call<K, V>> calls() {
    return List.copyOf(calls);
  }

  /** The number of calls so far, of every kind. */
  public int callCount() {
    return calls.size();
  }

  /**
   * The {@code index}-th call, counting every kind from 0 in arrival order.
   *
   * @throws IndexOutOfBoundsException when fewer than {@code index + 1} calls were made
   */
  public Call<K, V> call(int index) {
    int count = calls.size();
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("call " + index + " of store client '" + storeName
          + "': it has had " + count + " call(s)");
    }
    return calls.get(index);
  }

  /**
   * The latest call.
   *
   * @throws NoSuchElementException when no call was made yet
   */
  public Call<K, V> lastCall() {
    int count = calls.size();
    if (count == 0) {
      throw new NoSuchElementException("no call has reached store client '" + storeName
          + "' yet");
    }
    return calls.get(count - 1);
  }

  // ---- StoreClient ------------------------------------------------------------------------

  @Override
  public String storeName() {
    return storeName;
  }

  /** {@inheritDoc} Recorded as a {@code SINGLE_GET} whose {@link Call#key()} may be null. */
  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<V> get(K key, RequestContext context) {
    return (CompletableFuture<V>) record(RequestKind.SINGLE_GET, Collections.singleton(key),
        context, null);
  }

  /** {@inheritDoc} Recorded as a {@code BATCH_GET}. */
  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    return (CompletableFuture<Map<K, V>>) record(RequestKind.BATCH_GET, copy(keys), context,
        null);
  }

  /** {@inheritDoc} Recorded as a {@code STREAMING_BATCH_GET}. */
  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    return (CompletableFuture<Void>) record(RequestKind.STREAMING_BATCH_GET, copy(keys), context,
        Objects.requireNonNull(callback, "callback"));
  }

  /** Does nothing: the client keeps serving and recording reads. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "RecordingStoreClient(" + storeName + ", " + callCount() + " call(s))";
  }

  private CompletableFuture<?> record(RequestKind kind, Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    Call<K, V> call =
        new Call<>(this, kind, keys, Objects.requireNonNull(context, "context"), callback);
    calls.add(call);
    if (answerAtOnce) {
      call.answer();
    }
    return call.future;
  }

  private static <K> Set<K> copy(Set<K> keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(keys, "keys")));
  }

  private V valueOf(K key) {
    return key == null ? null : data.get(key);
  }

  /**
   * One read that reached a {@link RecordingStoreClient}, with the future it returned. Its parts
   * never change; only its future moves from pending to done. Thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Call<K, V> {
    private final RecordingStoreClient<K, V> client;
    private final RequestKind kind;
    private final Set<K> keys;
    private final RequestContext context;
    private final StreamingCallback<K, V> callback;
    private final CompletableFuture<Object> future = new CompletableFuture<>();
    private final AtomicBoolean streamed = new AtomicBoolean();

    private Call(RecordingStoreClient<K, V> client, RequestKind kind, Set<K> keys,
        RequestContext context, StreamingCallback<K, V> callback) {
      this.client = client;
      this.kind = kind;
      this.keys = keys;
      this.context = context;
      this.callback = callback;
    }

    /** Which read it was. */
    public RequestKind kind() {
      return kind;
    }

    /**
     * The keys asked for: an unmodifiable copy in the caller's iteration order; for a {@code
     * SINGLE_GET}, the one key (which may be null).
     */
    public Set<K> keys() {
      return keys;
    }

    /**
     * The key of a {@code SINGLE_GET} (may be null).
     *
     * @throws IllegalStateException for a batch or streaming get
     */
    public K key() {
      requireKind(RequestKind.SINGLE_GET, "key()");
      return keys.iterator().next();
    }

    /** The context the call was sent with: the very object the client received. */
    public RequestContext context() {
      return context;
    }

    /**
     * The callback of a {@code STREAMING_BATCH_GET}: the very object the client received. A test
     * may call it to deliver values by hand (late ones too).
     *
     * @throws IllegalStateException for a single or batch get
     */
    public StreamingCallback<K, V> callback() {
      requireKind(RequestKind.STREAMING_BATCH_GET, "callback()");
      return callback;
    }

    /**
     * The future the read method returned (the very object): {@code CompletableFuture<V>} for a
     * single get, {@code CompletableFuture<Map<K, V>>} for a batch get, {@code
     * CompletableFuture<Void>} for a streaming get. Complete it with a value through {@link
     * #answer()} or {@link #answer(Object)}; fail or cancel it directly or with {@link #fail}.
     */
    public CompletableFuture<?> future() {
      return future;
    }

    /**
     * Answers from the client's map, on this thread: a single get with the key's value ({@code
     * null} when missing); a batch get with a new {@link HashMap} of the keys found; a streaming
     * get by calling the callback once per key, with its value or {@code null}, then completing
     * with {@code null}. A streaming get already answered or done is not called back again; an
     * exception the callback throws reaches the caller of this method, the future left pending.
     *
     * @return whether this completed the future ({@code false} when it was already done)
     */
    public boolean answer() {
      return switch (kind) {
        case SINGLE_GET -> future.complete(client.valueOf(key()));
        case BATCH_GET -> future.complete(found());
        case STREAMING_BATCH_GET -> stream();
      };
    }

    /**
     * Answers a {@code SINGLE_GET} with {@code value}, whatever the client's map holds.
     *
     * @param value the value, the very object; {@code null} when the key does not exist
     * @return whether this completed the future ({@code false} when it was already done)
     * @throws IllegalStateException for a batch or streaming get
     */
    public boolean answer(V value) {
      requireKind(RequestKind.SINGLE_GET, "answer(value)");
      return future.complete(value);
    }

    /**
     * Completes the future exceptionally with {@code failure}, as a failed request does (a
     * streaming get's callback is not called).
     *
     * @return whether this completed the future ({@code false} when it was already done)
     */
    public boolean fail(Throwable failure) {
      return future.completeExceptionally(Objects.requireNonNull(failure, "failure"));
    }

    @Override
    public String toString() {
      return kind + " of " + keys + " (" + (future.isDone() ? "done" : "pending") + ")";
    }

    private Map<K, V> found() {
      Map<K, V> found = new HashMap<>();
      for (K key : keys) {
        V value = client.valueOf(key);
        if (value != null) {
          found.put(key, value);
        }
      }
      return found;
    }

    private boolean stream() {
      if (future.isDone() || !streamed.compareAndSet(false, true)) {
        return false;
      }
      keys.forEach(key -> callback.onRecord(key, client.valueOf(key)));
      return future.complete(null);
    }

    private void requireKind(RequestKind expected, String what) {
      if (kind != expected) {
        throw new IllegalStateException(what + " is for a " + expected + " call; this is a "
            + kind);
      }
    }
  }
}
