package dev.venice.plugins.requestsizehistograms;

import dev.venice.plugins.requestsizehistograms.RequestSizeHistogramsMetrics.KindMeters;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The plugin's request hook and read hook, sharing the call being served on each thread.
 *
 * <p>{@link #onRequest} decides whether the call is sampled (the store's {@code sample-rate}), and
 * for a sampled one opens a {@link CallSizes} scope and makes it this thread's current call.
 * {@link #afterRead} (once per key) adds the key's {@link ReadOutcome#valueSize()} to the current
 * call and records it as one value of {@code value.bytes} when the key was found. The scope's
 * {@link RequestScope#onEnd} records {@code key.count} (batch kinds: the larger of the request's key
 * count and the keys seen, since a bidirectional stream sends more keys after its first message)
 * and, for a call that ended OK, {@code response.bytes} = the sum of its values' sizes.
 *
 * <p>Attribution: a key belongs to the call whose headers are the very map the key's {@link
 * ReadRequest#headers()} is (the host hands both hooks the call's one headers map, a new one per
 * call) and whose store is the key's. The call is looked up on the thread that ran its request
 * hook first (gRPC usually runs a call's callbacks on one thread), else among the calls in flight
 * (a call's handler may run on another pool thread than its first message, under load); a key
 * whose headers another plugin replaced is counted in {@code keys.unattributed} and recorded
 * nowhere (its call's response bytes miss it). Thread-safe: a call's callbacks are ordered by
 * gRPC, the calls in flight are a concurrent map, and the meters are concurrent.
 */
final class RequestSizeHook implements RequestHook, ReadHook {
  private final StoreSettings<RequestSizeHistogramsConfig> settings;
  private final RequestSizeHistogramsMetrics metrics;
  private final DoubleSupplier random;
  private final ThreadLocal<CallSizes> current = new ThreadLocal<>();
  /** The sampled calls in flight, by their headers map's identity. */
  private final Map<HeadersIdentity, CallSizes> inFlight = new ConcurrentHashMap<>();

  /** A headers map compared by identity: each call has its own. */
  private record HeadersIdentity(Map<String, String> headers) {
    @Override
    public boolean equals(Object other) {
      return other instanceof HeadersIdentity that && that.headers == headers;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(headers);
    }
  }

  /**
   * @param settings each store's settings (its {@code sample-rate})
   * @param random uniform numbers in [0, 1), for sampling
   */
  RequestSizeHook(StoreSettings<RequestSizeHistogramsConfig> settings,
      RequestSizeHistogramsMetrics metrics, DoubleSupplier random) {
    this.settings = settings;
    this.metrics = metrics;
    this.random = random;
  }

  @Override
  public RequestScope onRequest(InboundRequest request) {
    double rate = settings.get(request.store()).sampleRate();
    if (rate < 1.0 && (rate <= 0.0 || random.getAsDouble() >= rate)) {
      current.set(null); // this thread's keys until the next call belong to no sampled call
      return RequestScope.NONE;
    }
    CallSizes call = new CallSizes(request, metrics.forStore(request.store()).kind(request.kind()));
    current.set(call);
    inFlight.put(new HeadersIdentity(request.headers()), call);
    return call;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    CallSizes call = current.get();
    if (call == null || call.headers != request.headers()
        || !call.store.equals(request.store())) {
      CallSizes elsewhere = inFlight.get(new HeadersIdentity(request.headers()));
      if (elsewhere == null || !elsewhere.store.equals(request.store())) {
        if (call != null) {
          metrics.unattributed(); // this thread's call is another's: headers replaced
        }
        return; // else not sampled
      }
      call = elsewhere; // the call's first message ran on another thread
    }
    call.keys++;
    if (outcome.found()) {
      call.bytes += outcome.valueSize();
      call.meters.valueBytes.record(outcome.valueSize());
    }
  }

  /**
   * One sampled call's sizes so far. Its fields are written by the call's callbacks, which gRPC
   * runs one at a time with a happens-before edge between them.
   */
  private final class CallSizes implements RequestScope {
    private final String store;
    private final Map<String, String> headers;
    private final int requestedKeys;
    private final KindMeters meters;
    private int keys;
    private long bytes;

    CallSizes(InboundRequest request, KindMeters meters) {
      this.store = request.store();
      this.headers = request.headers();
      this.requestedKeys = request.keyCount();
      this.meters = meters;
    }

    @Override
    public void onEnd(RequestEnd end) {
      if (meters.keyCount != null) {
        meters.keyCount.record(Math.max(requestedKeys, keys));
      }
      if (end.ok()) {
        meters.responseBytes.record(bytes);
      }
      inFlight.remove(new HeadersIdentity(headers), this);
      if (current.get() == this) {
        current.remove(); // keep no plugin object on the host's threads after the call
      }
    }
  }
}
