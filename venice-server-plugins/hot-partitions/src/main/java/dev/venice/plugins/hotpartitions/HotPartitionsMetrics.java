package dev.venice.plugins.hotpartitions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The plugin's meters, all under the host-given prefix: {@code venice.server.hot.partitions.} on
 * servers, {@code venice.controller.hot.partitions.} on controllers. Server meters are read from
 * the last complete rate window (nothing is recorded per lookup); the per-partition {@code
 * partition.rate} gauge holds the {@code partition-rate-gauges} busiest partition replicas, so its
 * series are bounded by that number. Controller meters are updated once per evaluation, and only
 * stores evaluated and partitions found hot get a series, so their number is bounded by the stores
 * and their hot partitions, never by all partitions; a store switched off or deleted loses its
 * series. Thread-safe.
 */
final class HotPartitionsMetrics {
  private HotPartitionsMetrics() {}

  /**
   * The server meters. The scalar gauges read {@code rates} when exported; the {@code
   * partition.rate} multi-gauge is rewritten by {@link #refresh()}.
   */
  static final class Server {
    private final Supplier<PartitionRates.Rates> rates;
    private final int top;
    private final MultiGauge partitionRate;

    /**
     * @param top how many of the busiest partition replicas {@code partition.rate} exports, at
     *     least 0 (0: the gauge is not registered)
     */
    Server(MeterRegistry registry, String prefix, Supplier<PartitionRates.Rates> rates, int top) {
      this.rates = rates;
      this.top = top;
      Gauge.builder(prefix + "tracked.partitions", () -> rates.get().counts().entries().size())
          .description("Partitions counted in the last complete rate window").register(registry);
      Gauge.builder(prefix + "max.partition.rate", () -> {
        PartitionRates.Rates r = rates.get();
        return r.counts().entries().isEmpty() ? 0
            : r.perSecond(r.counts().entries().get(0).count());
      }).description("Key lookups/s of the busiest partition replica on this server, last"
          + " complete window").baseUnit("lookups/s").register(registry);
      Gauge.builder(prefix + "lookup.rate", () -> {
        PartitionRates.Rates r = rates.get();
        return r.perSecond(r.counts().total());
      }).description("Key lookups/s on this server, last complete window").baseUnit("lookups/s")
          .register(registry);
      this.partitionRate = top == 0 ? null : MultiGauge.builder(prefix + "partition.rate")
          .description("Key lookups/s of each of the " + top + " busiest partition replicas on"
              + " this server, last complete window (an upper bound once counters were evicted)")
          .baseUnit("lookups/s").register(registry);
    }

    /**
     * Sets {@code partition.rate} to the busiest {@code top} partition replicas of the last
     * complete window, tagged {@code store}, {@code version}, {@code partition}; the series of
     * partitions no longer among them are removed.
     */
    void refresh() {
      if (partitionRate == null) {
        return;
      }
      PartitionRates.Rates r = rates.get();
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (PartitionCounts.Entry e : r.counts().entries()) {
        if (rows.size() == top) {
          break;
        }
        rows.add(MultiGauge.Row.of(Tags.of("store", e.id().store(), "version",
            Integer.toString(e.id().version()), "partition", Integer.toString(e.id().partition())),
            r.perSecond(e.count())));
      }
      partitionRate.register(rows, true);
    }
  }

  /** The controller meters: per-store skew, hot partitions found, servers not answering. */
  static final class Controller {
    private record Skew(AtomicLong bits, Gauge gauge) {}

    private final MeterRegistry registry;
    private final String prefix;
    private final Map<String, Skew> skews = new ConcurrentHashMap<>();
    private final Map<PartitionId, Counter> detected = new ConcurrentHashMap<>();
    private final AtomicInteger notAnswering = new AtomicInteger();
    private final Counter evaluations;

    Controller(MeterRegistry registry, String prefix) {
      this.registry = registry;
      this.prefix = prefix;
      Gauge.builder(prefix + "servers.not.answering", notAnswering, AtomicInteger::get)
          .description("Servers that did not answer for their rates at the last evaluation")
          .register(registry);
      this.evaluations = Counter.builder(prefix + "evaluations")
          .description("Evaluations of the stores' partition skew").register(registry);
    }

    /** Records one evaluation of one store. */
    void evaluated(SkewEvaluator.Evaluation evaluation) {
      Skew skew = skews.computeIfAbsent(evaluation.store(), store -> {
        AtomicLong holder = new AtomicLong(Double.doubleToLongBits(0));
        return new Skew(holder, Gauge.builder(prefix + "skew", holder,
                h -> Double.longBitsToDouble(h.get()))
            .tag("store", store)
            .description("Max partition rate / mean partition rate at the last evaluation")
            .register(registry));
      });
      skew.bits().set(Double.doubleToLongBits(evaluation.skew()));
      for (int partition : evaluation.hotPartitions()) {
        detected.computeIfAbsent(new PartitionId(evaluation.store(), 0, partition),
            id -> Counter.builder(prefix + "hot.partition.detected")
                .tag("store", id.store()).tag("partition", Integer.toString(id.partition()))
                .description("Evaluations that found this partition hot").register(registry))
            .increment();
      }
    }

    /** Removes a store's series (switched off or deleted): its skew and detections. */
    void drop(String store) {
      Skew skew = skews.remove(store);
      if (skew != null) {
        registry.remove(skew.gauge());
      }
      detected.entrySet().removeIf(e -> {
        if (e.getKey().store().equals(store)) {
          registry.remove(e.getValue());
          return true;
        }
        return false;
      });
    }

    /** Records a finished round of evaluations. */
    void round(int serversNotAnswering) {
      notAnswering.set(serversNotAnswering);
      evaluations.increment();
    }
  }
}
