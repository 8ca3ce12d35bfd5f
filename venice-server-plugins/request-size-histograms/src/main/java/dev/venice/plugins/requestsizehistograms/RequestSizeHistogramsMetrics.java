package dev.venice.plugins.requestsizehistograms;

import dev.venice.spi.client.RequestKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.request.size.
 * histograms.}). Three distribution summaries, each tagged {@code store} and {@code request_type}
 * ({@code single_get}, {@code batch_get}, {@code streaming_batch_get}) and exported with fixed
 * buckets (a Prometheus histogram: {@code _bucket}, {@code _count}, {@code _sum}, and a {@code
 * _max} gauge):
 *
 * <ul>
 *   <li>{@code key.count}: keys per call, batch kinds only (a single get has one), buckets 1, 2,
 *       4, ... 4096;
 *   <li>{@code response.bytes}: value bytes per call that ended OK, buckets 16 B, 64 B, ... 16 MiB
 *       (powers of 4);
 *   <li>{@code value.bytes}: bytes of each value found, same buckets.
 * </ul>
 *
 * <p>The cardinality guard: the first {@code maxStores} stores seen get series tagged with their
 * name, created once on their first call; every later store shares the series tagged {@code store
 * = other}. {@code stores.tracked} (gauge) counts the stores with series of their own, {@code
 * keys.unattributed} (counter) the keys whose call could not be found ({@link RequestSizeHook}).
 * Thread-safe.
 */
final class RequestSizeHistogramsMetrics {
  /** The tag value of the stores beyond {@code max-stores}. */
  static final String OTHER = "other";
  private static final double[] KEY_BUCKETS = powers(2, 1, 13);
  private static final double[] BYTE_BUCKETS = powers(4, 16, 11);

  private final MeterRegistry registry;
  private final String prefix;
  private final int maxStores;
  private final ConcurrentMap<String, StoreMeters> stores = new ConcurrentHashMap<>();
  private final AtomicInteger tracked = new AtomicInteger();
  private final Counter unattributed;
  private volatile StoreMeters other;

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   * @param maxStores how many stores get series of their own (0: every store is {@code other})
   */
  RequestSizeHistogramsMetrics(MeterRegistry registry, String prefix, int maxStores) {
    this.registry = registry;
    this.prefix = prefix;
    this.maxStores = maxStores;
    this.unattributed = Counter.builder(prefix + "keys.unattributed")
        .description("Keys read whose read call could not be found (a lookup on another thread"
            + " than the call's request hook, or headers replaced by another plugin): their bytes"
            + " are in no histogram").register(registry);
    Gauge.builder(prefix + "stores.tracked", tracked, AtomicInteger::get)
        .description("Stores with series of their own; later stores are tagged store=other")
        .register(registry);
  }

  /** The meters of {@code store}: its own, or {@code other}'s beyond the cap. */
  StoreMeters forStore(String store) {
    StoreMeters meters = stores.get(store);
    return meters != null ? meters : stores.computeIfAbsent(store, this::assign);
  }

  /** Counts a key whose call could not be found. */
  void unattributed() {
    unattributed.increment();
  }

  private StoreMeters assign(String store) {
    if (!store.equals(OTHER) && claimSlot()) {
      return new StoreMeters(store);
    }
    StoreMeters shared = other;
    if (shared == null) {
      synchronized (this) {
        shared = other;
        if (shared == null) {
          shared = new StoreMeters(OTHER);
          other = shared;
        }
      }
    }
    return shared;
  }

  /** Takes one of the {@code maxStores} slots, if one is left (stores arrive concurrently). */
  private boolean claimSlot() {
    int taken;
    do {
      taken = tracked.get();
      if (taken >= maxStores) {
        return false;
      }
    } while (!tracked.compareAndSet(taken, taken + 1));
    return true;
  }

  /** The meters of one store tag value, per request kind. */
  final class StoreMeters {
    private final KindMeters[] kinds = new KindMeters[RequestKind.values().length];

    private StoreMeters(String store) {
      for (RequestKind kind : RequestKind.values()) {
        kinds[kind.ordinal()] = new KindMeters(store, kind);
      }
    }

    KindMeters kind(RequestKind kind) {
      return kinds[kind.ordinal()];
    }
  }

  /** The summaries of one store tag value and request kind. */
  final class KindMeters {
    /** Keys per call; {@code null} for single gets. */
    final DistributionSummary keyCount;
    final DistributionSummary responseBytes;
    final DistributionSummary valueBytes;

    private KindMeters(String store, RequestKind kind) {
      String type = kind.name().toLowerCase(Locale.ROOT);
      this.keyCount = kind == RequestKind.SINGLE_GET ? null
          : DistributionSummary.builder(prefix + "key.count")
              .description("Keys per read call (batch kinds; a single get has one)")
              .tags("store", store, "request_type", type).serviceLevelObjectives(KEY_BUCKETS)
              .register(registry);
      this.responseBytes = DistributionSummary.builder(prefix + "response.bytes")
          .description("Value bytes per read call that ended OK (sum of the values returned; not"
              + " serialized, so framing and keys are not counted)").baseUnit("bytes")
          .tags("store", store, "request_type", type).serviceLevelObjectives(BYTE_BUCKETS)
          .register(registry);
      this.valueBytes = DistributionSummary.builder(prefix + "value.bytes")
          .description("Bytes of each value found (absent keys are not counted)")
          .baseUnit("bytes").tags("store", store, "request_type", type)
          .serviceLevelObjectives(BYTE_BUCKETS).register(registry);
    }
  }

  private static double[] powers(int base, long first, int count) {
    double[] bounds = new double[count];
    long bound = first;
    for (int i = 0; i < count; i++) {
      bounds[i] = bound;
      bound *= base;
    }
    return bounds;
  }
}
