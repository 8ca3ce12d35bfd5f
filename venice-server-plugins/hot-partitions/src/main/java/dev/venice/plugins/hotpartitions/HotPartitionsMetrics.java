package dev.venice.plugins.hotpartitions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The plugin's meters, all under the host-given prefix: {@code venice.server.hot.partitions.} on
 * servers, {@code venice.controller.hot.partitions.} on controllers. Server meters are read from
 * the last complete rate window when exported (nothing is recorded per lookup); controller meters
 * are updated once per evaluation, and only stores evaluated and partitions found hot get a
 * series, so their number is bounded by the stores and their hot partitions, never by all
 * partitions. Thread-safe.
 */
final class HotPartitionsMetrics {
  private HotPartitionsMetrics() {}

  /** Registers the server meters, read from {@code rates} when exported. */
  static void server(MeterRegistry registry, String prefix, Supplier<PartitionRates.Rates> rates) {
    Gauge.builder(prefix + "tracked.partitions", () -> rates.get().counts().entries().size())
        .description("Partitions counted in the last complete rate window").register(registry);
    Gauge.builder(prefix + "max.partition.rate", () -> {
      PartitionRates.Rates r = rates.get();
      return r.counts().entries().isEmpty() ? 0
          : r.perSecond(r.counts().entries().get(0).count());
    }).description("Key lookups/s of the busiest partition replica on this server, last complete"
        + " window").baseUnit("lookups/s").register(registry);
    Gauge.builder(prefix + "lookup.rate", () -> {
      PartitionRates.Rates r = rates.get();
      return r.perSecond(r.counts().total());
    }).description("Key lookups/s on this server, last complete window").baseUnit("lookups/s")
        .register(registry);
  }

  /** The controller meters: per-store skew, hot partitions found, servers not answering. */
  static final class Controller {
    private final MeterRegistry registry;
    private final String prefix;
    private final Map<String, AtomicLong> skews = new ConcurrentHashMap<>();
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
      AtomicLong skew = skews.computeIfAbsent(evaluation.store(), store -> {
        AtomicLong holder = new AtomicLong(Double.doubleToLongBits(0));
        Gauge.builder(prefix + "skew", holder, h -> Double.longBitsToDouble(h.get()))
            .tag("store", store)
            .description("Max partition rate / mean partition rate at the last evaluation")
            .register(registry);
        return holder;
      });
      skew.set(Double.doubleToLongBits(evaluation.skew()));
      for (int partition : evaluation.hotPartitions()) {
        detected.computeIfAbsent(new PartitionId(evaluation.store(), 0, partition),
            id -> Counter.builder(prefix + "hot.partition.detected")
                .tag("store", id.store()).tag("partition", Integer.toString(id.partition()))
                .description("Evaluations that found this partition hot").register(registry))
            .increment();
      }
    }

    /** Records a finished round of evaluations. */
    void round(int serversNotAnswering) {
      notAnswering.set(serversNotAnswering);
      evaluations.increment();
    }
  }
}
