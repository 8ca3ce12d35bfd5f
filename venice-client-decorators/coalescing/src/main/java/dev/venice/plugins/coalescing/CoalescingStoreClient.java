package dev.venice.plugins.coalescing;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A store client that coalesces concurrent single gets of the same key: while a get of a key is in
 * flight and younger than the window, further gets of that key join it instead of sending their
 * own, and every caller gets the same value, the same {@code null} (absent key, also when the key
 * was deleted while in flight) or the same failure. Batch and streaming gets pass through. Seed
 * project 6 ("Request Coalescing for Hot Keys"); the plugin {@code coalescing} stacks it by
 * configuration, and it can be stacked by hand:
 *
 * <pre>{@code
 * StoreClient<String, GenericRecord> client = new CoalescingStoreClient<>(
 *     fastClient, Duration.ofMillis(1), 10_000, meterRegistry);
 * }</pre>
 *
 * <p>The rules, per key (compared with {@code equals}/{@code hashCode}):
 *
 * <ul>
 *   <li><b>Window.</b> A request takes new callers for {@code window} after it was sent; later
 *       callers start a fresh one. So a joined answer predates the joining call by at most the
 *       window, and a stalled request does not collect callers for long.
 *   <li><b>Fresh after completion.</b> An answered request leaves the in-flight map before any
 *       caller sees its answer: the next call sends a new request.
 *   <li><b>Own futures.</b> Each caller gets its own future. Cancelling it, or completing it (e.g.
 *       {@code orTimeout}), leaves the shared request to the others; only when every caller has
 *       left is the shared request cancelled (and with it the replica call).
 *   <li><b>Deadlines.</b> The shared request is sent with its first caller's {@link
 *       RequestContext} (deadline and headers). A caller joins it only if its own deadline is the
 *       same to within the window (or neither has one), so no caller gets a timeout much earlier
 *       or later than its own; other callers go through uncoalesced.
 *   <li><b>Bound.</b> At most {@code maxInFlightKeys} keys are in flight; a get of a further key
 *       goes through uncoalesced and is counted. The bound is checked against the map's own size
 *       (a striped counter, no extra contended write), so threads inserting at the same instant
 *       may exceed it by their number, never more.
 *   <li><b>Keys</b> need value equality (strings, Avro {@code Utf8} and {@code GenericRecord},
 *       records). Arrays compare by identity and a {@code null} key cannot be a map key: such
 *       gets go through uncoalesced and are counted. Do not change a key while its get is in
 *       flight.
 * </ul>
 *
 * <p>Callers of one request share the value object: treat values as read-only.
 *
 * <p>Thread-safe. Joining takes no lock (one CAS); starting and ending a request insert into and
 * remove from a {@code ConcurrentHashMap}, which locks one hash bin briefly.
 *
 * <p>Meters (tag {@code store}) under {@code venice.client.coalescing.}: {@code requests}, {@code
 * coalesced} (the requests saved), {@code bypassed} (tag {@code reason}: {@code full}, {@code
 * deadline}, {@code key}); a get that joined a request is counted when that request is answered.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CoalescingStoreClient<K, V> extends ForwardingStoreClient<K, V> {
  private final ConcurrentHashMap<K, InFlightGet<K, V>> inFlight = new ConcurrentHashMap<>();
  private final Supplier<CoalescingConfig> settings;
  private final LongSupplier clock;
  private final CoalescingMetrics metrics;

  /**
   * A client stacked by hand, with fixed settings and the system clock.
   *
   * @param delegate the client gets are sent to
   * @param window how long after it was sent a request takes new callers; positive
   * @param maxInFlightKeys the most keys in flight at once; at least 1
   * @param registry where the meters go, named under {@code venice.client.coalescing.}
   * @throws IllegalArgumentException when the window is not positive or the bound below 1
   */
  public CoalescingStoreClient(StoreClient<K, V> delegate, Duration window, int maxInFlightKeys,
      MeterRegistry registry) {
    this(delegate, fixed(window, maxInFlightKeys), TimeSource.SYSTEM::nanoTime,
        new CoalescingMetrics(registry, CoalescingMetrics.DEFAULT_PREFIX, delegate.storeName()));
  }

  /**
   * @param settings the store's current settings, read on each get
   * @param clock monotonic nanoseconds, the window's clock
   */
  CoalescingStoreClient(StoreClient<K, V> delegate, Supplier<CoalescingConfig> settings,
      LongSupplier clock, CoalescingMetrics metrics) {
    super(delegate);
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
  }

  private static Supplier<CoalescingConfig> fixed(Duration window, int maxInFlightKeys) {
    if (Objects.requireNonNull(window, "window").isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    if (maxInFlightKeys < 1) {
      throw new IllegalArgumentException("maxInFlightKeys must be at least 1: " + maxInFlightKeys);
    }
    CoalescingConfig config = new CoalescingConfig(window, maxInFlightKeys);
    return () -> config;
  }

  /**
   * Joins the key's request in flight, or sends one; see the class comment for the rules.
   *
   * @return this caller's own future: the shared value ({@code null} for an absent key) or
   *     failure; cancelling it leaves the others' request running
   */
  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    if (key == null || key.getClass().isArray()) {
      return bypass(metrics.bypassedKey, key, context);
    }
    CoalescingConfig config = settings.get();
    long window = config.windowNanos();
    long now = clock.getAsLong();
    Instant deadline = context.deadline().orElse(null);
    InFlightGet<K, V> current = inFlight.get(key);
    while (true) {
      if (current == null) {
        if (inFlight.size() >= config.maxInFlightKeys()) {
          return bypass(metrics.bypassedFull, key, context);
        }
        InFlightGet<K, V> fresh = new InFlightGet<>(key, now, deadline, inFlight, metrics);
        current = inFlight.putIfAbsent(key, fresh);
        if (current == null) {
          return send(fresh, key, context);
        }
      }
      if (now - current.startNanos() <= window) {
        if (!sameDeadline(current.deadline(), deadline, window)) {
          return bypass(metrics.bypassedDeadline, key, context);
        }
        CompletableFuture<V> joined = current.tryJoin();
        if (joined != null) {
          return joined; // counted when the request is answered
        }
      }
      // older than the window, answered or abandoned: replace it (its callers keep their answer)
      InFlightGet<K, V> fresh = new InFlightGet<>(key, now, deadline, inFlight, metrics);
      if (inFlight.replace(key, current, fresh)) {
        return send(fresh, key, context);
      }
      current = inFlight.get(key);
    }
  }

  /** Sends the get uncoalesced, counted under its reason. */
  private CompletableFuture<V> bypass(Counter reason, K key, RequestContext context) {
    metrics.requests.increment();
    reason.increment();
    return delegate.get(key, context);
  }

  private CompletableFuture<V> send(InFlightGet<K, V> flight, K key, RequestContext context) {
    metrics.requests.increment();
    CompletableFuture<V> call;
    try {
      call = delegate.get(key, context);
    } catch (RuntimeException e) { // the SPI says get never throws; keep the entry's promise
      call = CompletableFuture.failedFuture(e);
    }
    flight.send(call);
    return flight.leader();
  }

  /** Both without a deadline, or both with one, at most {@code windowNanos} apart. */
  static boolean sameDeadline(Instant shared, Instant own, long windowNanos) {
    if (shared == null || own == null) {
      return shared == own;
    }
    long seconds = own.getEpochSecond() - shared.getEpochSecond(); // Instant's range: no overflow
    if (Math.abs(seconds) > windowNanos / 1_000_000_000L + 1) {
      return false;
    }
    return Math.abs(seconds * 1_000_000_000L + own.getNano() - shared.getNano()) <= windowNanos;
  }
}
