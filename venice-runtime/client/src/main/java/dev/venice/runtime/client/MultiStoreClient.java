package dev.venice.runtime.client;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StoreClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads keys from several stores in one call (seed project 43): {@code Map<store, Set<key>>} in,
 * per-store results out. Built over one {@link StoreClient} per store, injected at construction
 * (thin, fast or decorated clients; this class does not own them and never closes them).
 *
 * <pre>{@code
 * MultiStoreClient multi = new MultiStoreClient(Map.of("users", usersClient,
 *     "orders", ordersClient));
 * StoreHandle<String, GenericRecord> users = multi.handle(usersClient);
 * StoreHandle<Long, GenericRecord> orders = multi.handle(ordersClient);
 * MultiGetResult result = multi.batchGet(MultiGetRequest.builder()
 *     .add(users, Set.of("alice")).add(orders, Set.of(17L)).build(),
 *     Duration.ofMillis(50)).join();
 * Map<String, GenericRecord> u = result.get(users);   // throws if users failed
 * }</pre>
 *
 * <ul>
 *   <li><b>Type-safe keys per store</b> without a common supertype: a {@link StoreHandle} carries
 *       its store's key and value types into the request and out of the result. An untyped form,
 *       {@link #batchGet(Map, Duration)}, takes {@code Map<String, Set<?>>}; a key of the wrong
 *       type then fails that store's entry.
 *   <li><b>Parallel:</b> every store's batch get is sent before any answer is awaited, on the
 *       caller's thread, with no thread of this class's own.
 *   <li><b>Per-store partial failure:</b> one store's failure is that store's entry of the {@link
 *       MultiGetResult}; the others still answer, and a failing store never cancels them. The
 *       returned future itself fails only when cancelled.
 *   <li><b>One deadline for the whole call</b> (a {@code Duration} from now or an {@code
 *       Instant}): passed to every store's request as its {@link RequestContext#deadline()} (the
 *       fast client bounds its gRPC calls by it); when it passes, every store that has not
 *       answered has its request cancelled (the client's future, and with it the in-flight call)
 *       and its entry is a {@link RequestTimeoutException} naming the store and the time allowed.
 *       The stores that answered keep their values. The result then completes on the JDK's shared
 *       {@code CompletableFuture} delay thread: chain heavy work with an {@code *Async} method.
 *   <li><b>Cancelling</b> the returned future cancels every store's request still in flight.
 * </ul>
 *
 * <p>Immutable after construction and thread-safe; calls may run concurrently.
 */
public final class MultiStoreClient {
  /** Starts a timer: the returned future completes when {@code delay} has passed. */
  @FunctionalInterface
  interface Timer {
    /**
     * @param delay at least zero
     * @return completes (normally) after {@code delay}; cancelling it cancels the timer
     */
    CompletableFuture<?> after(Duration delay);
  }

  /** The JDK's shared delay thread: cancelling the future removes the scheduled task. */
  private static final Timer JDK_TIMER = delay ->
      new CompletableFuture<Void>().completeOnTimeout(null, delay.toNanos(), TimeUnit.NANOSECONDS);

  private final Map<String, StoreHandle<?, ?>> handles;
  private final Clock clock;
  private final Timer timer;

  /**
   * A client over one store client per store.
   *
   * @param clientsByStore each store's name and its client (whose {@link
   *     StoreClient#storeName()} is that name)
   * @throws IllegalArgumentException when a name is not its client's store name
   */
  public MultiStoreClient(Map<String, ? extends StoreClient<?, ?>> clientsByStore) {
    this(clientsByStore, Clock.systemUTC(), JDK_TIMER);
  }

  /**
   * @param clock the wall clock deadlines are computed with
   * @param timer runs the deadline timers
   */
  MultiStoreClient(Map<String, ? extends StoreClient<?, ?>> clientsByStore, Clock clock,
      Timer timer) {
    Map<String, StoreHandle<?, ?>> byStore = new LinkedHashMap<>();
    clientsByStore.forEach((store, client) -> {
      if (!store.equals(client.storeName())) {
        throw new IllegalArgumentException("the client registered as store " + store
            + " reads store " + client.storeName());
      }
      byStore.put(store, new StoreHandle<>(this, client));
    });
    this.handles = Collections.unmodifiableMap(byStore);
    this.clock = clock;
    this.timer = timer;
  }

  /** The stores this client reads, in the order given at construction. */
  public Set<String> stores() {
    return handles.keySet();
  }

  /**
   * The typed handle of a store, to build requests and read results with.
   *
   * @param client one of the clients given at construction (the same object)
   * @throws IllegalArgumentException when {@code client} is not one of them
   */
  @SuppressWarnings("unchecked") // the handle holds this very client, so its types are K, V
  public <K, V> StoreHandle<K, V> handle(StoreClient<K, V> client) {
    StoreHandle<?, ?> handle = handles.get(client.storeName());
    if (handle == null || handle.client() != client) {
      throw new IllegalArgumentException("the client of store " + client.storeName()
          + " is not one this MultiStoreClient was built with; it reads " + stores());
    }
    return (StoreHandle<K, V>) handle;
  }

  /**
   * Reads every store's keys in parallel, within {@code timeout} from now for the whole call.
   *
   * @param request per store, its keys (handles of this client only)
   * @param timeout the time the whole call may take, more than zero
   * @return completes with every store's values or failure once each store answered, failed or
   *     timed out; never completes exceptionally unless cancelled
   * @throws IllegalArgumentException when the request holds a handle of another client, or the
   *     timeout is not positive
   */
  public CompletableFuture<MultiGetResult> batchGet(MultiGetRequest request, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return send(checked(request.entries()), clock.instant().plus(timeout), timeout);
  }

  /**
   * {@link #batchGet(MultiGetRequest, Duration)} with the whole call's deadline as an instant (for
   * example a caller's own {@link RequestContext#deadline()}). A deadline already passed times out
   * every store that does not answer at once.
   */
  public CompletableFuture<MultiGetResult> batchGet(MultiGetRequest request, Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    return send(checked(request.entries()), deadline, left.isNegative() ? Duration.ZERO : left);
  }

  /**
   * The seed's untyped form: {@code Map<store, Set<key>>} in; read each store's values with
   * {@link MultiGetResult#get(String)}. A key of the wrong type for its store fails that store's
   * entry only.
   *
   * @param keysByStore per store name, its keys (no {@code null} key)
   * @param timeout the time the whole call may take, more than zero
   * @throws IllegalArgumentException naming a store this client does not read, or when the
   *     timeout is not positive
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // untyped by design: the client checks its keys
  public CompletableFuture<MultiGetResult> batchGet(Map<String, ? extends Set<?>> keysByStore,
      Duration timeout) {
    MultiGetRequest.Builder request = MultiGetRequest.builder();
    keysByStore.forEach((store, keys) -> {
      StoreHandle handle = handles.get(store);
      if (handle == null) {
        throw new IllegalArgumentException("unknown store " + store + " in the request: this"
            + " MultiStoreClient reads " + stores());
      }
      request.add(handle, keys);
    });
    return batchGet(request.build(), timeout);
  }

  private Collection<MultiGetRequest.Entry<?, ?>> checked(
      Collection<MultiGetRequest.Entry<?, ?>> entries) {
    for (MultiGetRequest.Entry<?, ?> entry : entries) {
      if (entry.handle().owner() != this) {
        throw new IllegalArgumentException("the handle of store " + entry.handle().store()
            + " belongs to another MultiStoreClient; this one reads " + stores());
      }
    }
    return entries;
  }

  private CompletableFuture<MultiGetResult> send(Collection<MultiGetRequest.Entry<?, ?>> entries,
      Instant deadline, Duration timeout) {
    List<StoreCall<?, ?>> calls = new ArrayList<>(entries.size());
    for (MultiGetRequest.Entry<?, ?> entry : entries) {
      calls.add(StoreCall.send(entry, deadline));
    }
    CompletableFuture<?> expiry = calls.isEmpty() ? CompletableFuture.completedFuture(null)
        : timer.after(timeout);
    CompletableFuture<MultiGetResult> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        calls.forEach(StoreCall::cancel);
        expiry.cancel(false);
        return cancelled;
      }
    };
    expiry.thenRun(() -> calls.forEach(call -> call.expire(timeout)));
    CompletableFuture.allOf(calls.stream().map(call -> call.outcome)
        .toArray(CompletableFuture[]::new)).whenComplete((done, someFailed) -> {
          expiry.cancel(false);
          result.complete(collect(calls));
        });
    return result;
  }

  private static MultiGetResult collect(List<StoreCall<?, ?>> calls) {
    Map<String, Map<?, ?>> values = new HashMap<>();
    Map<String, Throwable> failures = new HashMap<>();
    for (StoreCall<?, ?> call : calls) {
      try {
        values.put(call.store, call.outcome.join());
      } catch (CompletionException e) {
        failures.put(call.store, e.getCause());
      } catch (CancellationException e) { // the store's future was cancelled by someone else
        failures.put(call.store, e);
      }
    }
    return new MultiGetResult(values, failures);
  }

  /**
   * One store's part of a call: the client's future and the store's outcome, which completes once,
   * with the client's answer, its failure or the deadline's timeout.
   */
  private static final class StoreCall<K, V> {
    final String store;
    final CompletableFuture<Map<K, V>> sent;
    final CompletableFuture<Map<K, V>> outcome = new CompletableFuture<>();
    /** Set when the deadline passed, before the request is cancelled. */
    private volatile RequestTimeoutException expired;

    private StoreCall(String store, CompletableFuture<Map<K, V>> sent) {
      this.store = store;
      this.sent = sent;
      sent.whenComplete(this::settle);
    }

    /** The request's answer or failure; the deadline's own cancel is settled by {@link #expire}. */
    private void settle(Map<K, V> values, Throwable error) {
      if (error == null) {
        outcome.complete(values);
      } else if (expired == null || !(error instanceof CancellationException)) {
        outcome.completeExceptionally(error instanceof CompletionException
            && error.getCause() != null ? error.getCause() : error);
      }
    }

    static <K, V> StoreCall<K, V> send(MultiGetRequest.Entry<K, V> entry, Instant deadline) {
      String store = entry.handle().store();
      CompletableFuture<Map<K, V>> sent;
      try {
        sent = entry.handle().client().batchGet(entry.keys(),
            RequestContext.of(store).withDeadline(deadline));
      } catch (RuntimeException e) { // e.g. a key of the wrong type in the untyped form
        sent = CompletableFuture.failedFuture(e);
      }
      return new StoreCall<>(store, sent);
    }

    /**
     * The deadline passed: a store still waiting has its request cancelled, then times out. The
     * timeout is set here, after {@code cancel} returned, not by the cancel's own completion
     * callbacks: those run newest first, so {@link #settle} would run before the client's own
     * callbacks had cancelled its calls, and whoever sees the timeout must see them cancelled.
     */
    void expire(Duration timeout) {
      if (outcome.isDone()) {
        return;
      }
      expired = new RequestTimeoutException(store, timeout);
      sent.cancel(true);
      outcome.completeExceptionally(expired);
    }

    void cancel() {
      sent.cancel(true);
    }
  }
}
