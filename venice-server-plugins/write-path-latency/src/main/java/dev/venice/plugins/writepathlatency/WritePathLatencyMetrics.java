package dev.venice.plugins.writepathlatency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.write.path.latency.}).
 * Per store (tag {@code store}), one timer per {@link Hop} ({@code kafka.queue.latency}, {@code
 * leader.processing.latency}, {@code end.to.end.latency}, {@code follower.replication.latency}:
 * the seed's {@code kafka_queue_latency_ms} and so on, exported in seconds, the unit Prometheus and
 * {@code promtool check metrics} require), with fixed buckets 0.1 ms to 60 s in a 1-2-5 series (a
 * Prometheus histogram {@code <name>_seconds}: {@code _bucket}, {@code _count}, {@code _sum}, and a
 * {@code _max} gauge), and the counter {@code negative.deltas} tagged {@code store} and {@code
 * hop}: deltas below zero (clock skew between hosts), which are recorded as 0.
 *
 * <p>The cardinality guard: the first {@code maxStores} stores with a sampled write get series
 * tagged with their name, created once on their first one (all four timers, so a leader also
 * shows an empty follower histogram and the other way round); every later store shares the series
 * tagged {@code store = other}. {@code stores.tracked} (gauge) counts the stores with series of
 * their own; {@code headers.unusable} (counter) the sampled records whose header could not be
 * used. Thread-safe.
 */
final class WritePathLatencyMetrics {
  /** The tag value of the stores beyond {@code max-stores}. */
  static final String OTHER = "other";
  /** Histogram bucket bounds in milliseconds: 0.1 ms to 60 s, 1-2-5. */
  static final double[] BUCKETS_MS = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000,
      2_000, 5_000, 10_000, 20_000, 60_000};
  private static final Duration[] BUCKETS = Arrays.stream(BUCKETS_MS)
      .mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1_000_000))).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final String prefix;
  private final int maxStores;
  private final ConcurrentMap<String, StoreMeters> stores = new ConcurrentHashMap<>();
  private final AtomicInteger tracked = new AtomicInteger();
  private final Counter unusable;
  private volatile StoreMeters other;

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   * @param maxStores how many stores get series of their own (0: every store is {@code other})
   */
  WritePathLatencyMetrics(MeterRegistry registry, String prefix, int maxStores) {
    this.registry = registry;
    this.prefix = prefix;
    this.maxStores = maxStores;
    this.unusable = Counter.builder(prefix + "headers.unusable")
        .description("Records with a write-path-timestamp-map header that could not be used (not"
            + " a multiple of 8 bytes, or without the leader's stamp): measured nowhere")
        .register(registry);
    Gauge.builder(prefix + "stores.tracked", tracked, AtomicInteger::get)
        .description("Stores with series of their own; later stores are tagged store=other")
        .register(registry);
  }

  /** The meters of {@code store}: its own, or {@code other}'s beyond the cap. */
  StoreMeters forStore(String store) {
    StoreMeters meters = stores.get(store);
    return meters != null ? meters : stores.computeIfAbsent(store, this::assign);
  }

  /** Counts a header that could not be used. */
  void unusable() {
    unusable.increment();
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

  /** The meters of one store tag value, per hop. */
  final class StoreMeters {
    private final Timer[] latencies = new Timer[Hop.values().length];
    private final Counter[] negatives = new Counter[Hop.values().length];

    private StoreMeters(String store) {
      for (Hop hop : Hop.values()) {
        latencies[hop.ordinal()] = Timer.builder(prefix + hop.meterName)
            .description(hop.description).tags("store", store)
            .serviceLevelObjectives(BUCKETS).register(registry);
        negatives[hop.ordinal()] = Counter.builder(prefix + "negative.deltas")
            .description("Hop deltas below zero (the clocks of two hosts disagree by more than the"
                + " hop took), recorded as 0 in the hop's histogram")
            .tags("store", store, "hop", hop.tag).register(registry);
      }
    }

    /**
     * Records one hop's delta in microseconds; a negative delta is counted in {@code
     * negative.deltas} and recorded as 0.
     */
    void record(Hop hop, long micros) {
      if (micros < 0) {
        negatives[hop.ordinal()].increment();
        micros = 0;
      }
      latencies[hop.ordinal()].record(micros, TimeUnit.MICROSECONDS);
    }
  }
}
